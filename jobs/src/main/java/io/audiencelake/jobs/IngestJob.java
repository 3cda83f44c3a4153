package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.config.Secrets;
import io.audiencelake.common.feeds.FeedCleaner;
import io.audiencelake.common.feeds.FeedColumn;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.FeedFormat;
import io.audiencelake.common.feeds.FeedKind;
import io.audiencelake.common.feeds.FeedLines;
import io.audiencelake.common.feeds.FeedOutputs;
import io.audiencelake.common.feeds.FeedParser;
import io.audiencelake.common.feeds.FilePlan;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.feeds.UserAgentParser;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.privacy.ErasedIdentifiers;
import io.audiencelake.common.storage.LandingArea;
import io.audiencelake.common.storage.LandingFile;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Turns the date's landing files into clean lake tables, each file exactly once. Per feed: read
 * lines, parse by the contract, clean, classify each row as kept, duplicate or quarantined. Then,
 * for all feeds at once, replace the (date, feed) partitions of each raw table with the rows of
 * files processed before plus the new ones, in one commit per table. The manifest is written last,
 * so a run killed midway processes the same files again and gives the same tables.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Clean the date's landing files into raw_events, raw_identifiers, raw_attributes and "
                + "quarantine, per the feed contracts; each file once (feed_files).")
public final class IngestJob implements Job<Map<String, FeedContract>>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--feed", description = "Only this feed (default: every feed folder of the date).")
    String feed;

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public Map<String, FeedContract> load(AppConfig config) {
        Map<String, FeedContract> contracts = FeedContracts.load(config.feedContracts());
        if (feed != null && !contracts.containsKey(feed)) {
            throw new ConfigException("--feed " + feed + ": no contract "
                    + config.feedContracts().resolve(feed + ".yaml") + "; expected one of " + contracts.keySet());
        }
        List<String> encoded = contracts.values().stream()
                .filter(c -> c.columns().stream().anyMatch(FeedColumn::similarity))
                .map(FeedContract::id)
                .toList();
        if (!encoded.isEmpty() && config.privacy().linkageKey().isBlank()) {
            throw new ConfigException(config.source() + ": privacy.linkage_key: is required because feeds " + encoded
                    + " keep q-gram encodings (expected a secret, e.g. ${AUDIENCELAKE_LINKAGE_KEY})");
        }
        // spark-submit's --master arrives as a system property and wins over the file's.
        String master = System.getProperty("spark.master", config.spark().master());
        if (!encoded.isEmpty()
                && Secrets.DEMO_LINKAGE_KEY.equals(config.privacy().linkageKey())
                && !master.startsWith("local")) {
            throw new ConfigException(
                    config.source() + ": privacy.linkage_key: is the public sample key, which is only for "
                            + "a local master (this one is " + master
                            + "); expected a secret of your own, e.g. ${AUDIENCELAKE_LINKAGE_KEY}");
        }
        return contracts;
    }

    @Option(
            names = "--since",
            paramLabel = "YYYY-MM-DD",
            description =
                    "Also look at the landing dates from this one up to --date: files added late to an older date "
                            + "are ingested under their own date (files already ingested cost a listing).")
    LocalDate since;

    @Override
    public JobResult run(JobContext context, Map<String, FeedContract> contracts) {
        if (since == null || !since.isBefore(context.date())) {
            return ingestDay(context, contracts).result();
        }
        // Each landing date is ingested as its own run would ingest it: its own partitions, its own manifest rows.
        Tally all = new Tally();
        for (LocalDate day = since; !day.isAfter(context.date()); day = day.plusDays(1)) {
            Tally t = ingestDay(
                    new JobContext(context.config(), context.spark(), context.lake(), day, context.runId()), contracts);
            all.read += t.read;
            all.kept += t.kept;
            all.duplicates += t.duplicates;
            all.quarantined += t.quarantined;
            all.suppressed += t.suppressed;
            t.counts.forEach(all::add);
            all.failures.addAll(t.failures);
        }
        return all.result();
    }

    /** Ingests the new files of one landing date ({@code context.date()}). */
    private Tally ingestDay(JobContext context, Map<String, FeedContract> contracts) {
        context.step(name(), "list landing files");
        List<LandingFile> files = new LandingArea(
                        context.config().paths().landing(),
                        context.spark().sparkContext().hadoopConfiguration())
                .filesFor(context.date(), Optional.ofNullable(feed));
        for (TableSpec grown : List.of(FeedFiles.SPEC, RawEvents.SPEC)) {
            if (context.lake().exists(grown)) {
                context.lake().addMissingColumns(grown);
            }
        }
        Map<String, Row> known = manifest(context, files);
        FilePlan plan = plan(context, contracts, files, known);
        Tally tally = new Tally();
        // A changed file is an error, not a warning: its new content is in no table, and a night that exits 0
        // would let that go unnoticed. Its contract can say on_change: reingest instead.
        plan.changed()
                .forEach(f -> tally.failures.add(f.path() + ": changed after it was ingested (now " + f.bytes()
                        + " bytes, modified " + f.modifiedAt()
                        + "); not processed again (the feed contract's on_change: reingest "
                        + "would replace its rows)"));
        List<Row> manifestRows = new ArrayList<>();
        Outputs outputs = ingestFeeds(context, contracts, plan, tally, manifestRows);
        if (!outputs.feeds.isEmpty()) {
            writeTables(context, outputs, tally);
        }
        context.spark().catalog().clearCache();
        for (LandingFile f : plan.changed()) {
            manifestRows.add(changed(known.get(f.path())));
        }
        recordManifest(context, known, manifestRows);
        tally.add("files.processed", plan.process().size());
        tally.add("files.already_ingested", plan.alreadyIngested().size());
        tally.add("files.changed_after_ingest", plan.changed().size());
        LOG.info(
                "{}: rows read {} = kept {} + duplicates {} + quarantined {} + suppressed {}",
                context.date(),
                tally.read,
                tally.kept,
                tally.duplicates,
                tally.quarantined,
                tally.suppressed);
        return tally;
    }

    /** Which landing files to process, which were already ingested, which changed since. */
    private static FilePlan plan(
            JobContext context, Map<String, FeedContract> contracts, List<LandingFile> files, Map<String, Row> known) {
        Map<String, FilePlan.Seen> seen = new LinkedHashMap<>();
        known.forEach((path, r) -> seen.put(
                path,
                new FilePlan.Seen(
                        r.<Long>getAs(FeedFiles.BYTES),
                        r.<Timestamp>getAs(FeedFiles.MODIFIED_AT).toInstant(),
                        r.getAs(FeedFiles.STATUS))));
        FilePlan plan = FilePlan.of(
                files, seen, f -> contracts.containsKey(f) && contracts.get(f).reingestChanged());
        LOG.info(
                "{} landing files for {}: {} to process, {} already ingested, {} changed since ingested",
                files.size(),
                context.date(),
                plan.process().size(),
                plan.alreadyIngested().size(),
                plan.changed().size());
        return plan;
    }

    /** Reads every feed's files to process into the run's outputs; a file without a contract fails alone. */
    private Outputs ingestFeeds(
            JobContext context,
            Map<String, FeedContract> contracts,
            FilePlan plan,
            Tally tally,
            List<Row> manifestRows) {
        // Identifiers of erased persons: rows carrying one are dropped and counted, so no feed brings them back.
        Dataset<Row> erased =
                ErasedIdentifiers.suppressed(context.spark(), context.lake()).localCheckpoint();
        Dataset<Row> suppressed = erased.isEmpty() ? null : erased;
        Outputs outputs = new Outputs();
        Map<String, List<LandingFile>> byFeed = plan.process().stream()
                .collect(Collectors.groupingBy(LandingFile::feed, TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<LandingFile>> entry : byFeed.entrySet()) {
            FeedContract contract = contracts.get(entry.getKey());
            if (contract == null) {
                String error =
                        "no feed contract " + context.config().feedContracts().resolve(entry.getKey() + ".yaml");
                entry.getValue().forEach(f -> manifestRows.add(failed(context, f, error, tally)));
                continue;
            }
            ingestFeed(context, contract, entry.getValue(), suppressed, tally, manifestRows, outputs);
        }
        return outputs;
    }

    /**
     * Every table's quality checks pass before the first commit: a gate that stops the run leaves all four tables
     * as they were.
     */
    private void writeTables(JobContext context, Outputs outputs, Tally tally) {
        Map<TableSpec, Dataset<Row>> ready = new LinkedHashMap<>();
        for (TableSpec table : List.of(RawEvents.SPEC, RawAttributes.SPEC, RawIdentifiers.SPEC, Quarantine.SPEC)) {
            Dataset<Row> rows = partitionRows(context, table, outputs);
            if (rows != null) {
                ready.put(table, context.lake().checkBeforeWriting(table, rows, partition(context, outputs)));
            }
        }
        ready.forEach((table, rows) -> write(context, table, rows, outputs, tally));
    }

    /**
     * Records the run's files in feed_files. A file ingested again (on_change: reingest) keeps the mark of its
     * change: profiles folded its old rows and must rebuild rather than add the new ones to them.
     */
    private void recordManifest(JobContext context, Map<String, Row> known, List<Row> manifestRows) {
        StructType manifest = FeedFiles.SPEC.schema();
        for (int i = 0; i < manifestRows.size(); i++) {
            Row r = manifestRows.get(i);
            Row before = known.get(r.getString(manifest.fieldIndex(FeedFiles.PATH)));
            if (before != null
                    && FeedFiles.INGESTED.equals(before.getAs(FeedFiles.STATUS))
                    && FeedFiles.INGESTED.equals(r.getString(manifest.fieldIndex(FeedFiles.STATUS)))) {
                manifestRows.set(i, changed(r));
            }
        }
        if (!manifestRows.isEmpty()) {
            context.step(name(), "record feed_files");
            context.lake()
                    .merge(FeedFiles.SPEC, context.spark().createDataFrame(manifestRows, FeedFiles.SPEC.schema()));
        }
    }

    /** What the feeds of this run produced, per table, written together at the end. */
    private static final class Outputs {
        final List<String> feeds = new ArrayList<>();
        final List<String> files = new ArrayList<>();
        final Map<String, Dataset<Row>> rows = new LinkedHashMap<>();
        final Map<String, Long> knownCounts = new LinkedHashMap<>();

        void add(TableSpec table, Dataset<Row> data) {
            rows.merge(table.name(), data, Dataset::unionByName);
        }
    }

    /** Counts of the whole run. */
    private static final class Tally {
        long read;
        long kept;
        long duplicates;
        long quarantined;
        long suppressed;
        final Map<String, Long> counts = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();

        void add(String key, long n) {
            counts.merge(key, n, Long::sum);
        }

        /** One file's kept, duplicate, quarantined and suppressed rows of a feed. */
        void add(String feed, long[] n) {
            long rows = n[0] + n[1] + n[2] + n[3];
            read += rows;
            kept += n[0];
            duplicates += n[1];
            quarantined += n[2];
            suppressed += n[3];
            add(feed + ".read", rows);
            add(feed + ".kept", n[0]);
            add(feed + ".duplicates", n[1]);
            add(feed + ".quarantined", n[2]);
            add(feed + ".suppressed", n[3]);
        }

        JobResult result() {
            return new JobResult(read, kept, quarantined, counts, failures);
        }
    }

    /**
     * Ingests one feed's files. They are read together; when that fails (a truncated gzip, corrupt Parquet,
     * a type Spark cannot read), each file is read alone, so the bad ones fail with their own error in
     * {@code feed_files} and the rest are ingested: one file never stops the others.
     */
    private void ingestFeed(
            JobContext context,
            FeedContract contract,
            List<LandingFile> files,
            Dataset<Row> suppressed,
            Tally tally,
            List<Row> manifestRows,
            Outputs outputs) {
        context.step(name(), "read " + contract.id() + " (" + files.size() + " files)");
        try {
            record(context, contract, read(context, contract, files, suppressed), tally, manifestRows, outputs);
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            // Spark's SparkException is checked in Java's eyes but thrown unchecked from Scala: catch Exception.
            if (files.size() == 1) {
                manifestRows.add(failed(context, files.get(0), cause(e), tally));
                return;
            }
            LOG.warn(
                    "{}: reading {} files together failed ({}); reading each alone to find the bad ones",
                    contract.id(),
                    files.size(),
                    cause(e));
            for (LandingFile f : files) {
                try {
                    record(
                            context,
                            contract,
                            read(context, contract, List.of(f), suppressed),
                            tally,
                            manifestRows,
                            outputs);
                } catch (ConfigException e2) {
                    throw e2;
                } catch (Exception e2) {
                    manifestRows.add(failed(context, f, cause(e2), tally));
                }
            }
        }
    }

    /** The innermost cause of a read failure, as one line: the part an on-call engineer can act on. */
    static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getClass().getSimpleName() + ": "
                + String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return "could not be read: " + (message.length() > 500 ? message.substring(0, 500) : message);
    }

    /** What reading some files of a feed gave, before anything is recorded. */
    private static final class FeedBatch {
        Dataset<Row> classified;
        final List<String> good = new ArrayList<>();
        final Map<String, LandingFile> byPath = new LinkedHashMap<>();
        final Map<String, long[]> perFile = new LinkedHashMap<>();
        final Map<String, Long> reasons = new LinkedHashMap<>();
        final Map<String, List<String>> extras = new LinkedHashMap<>();
        /** Files refused whole (a header without a required column, an empty file): path and why. */
        final Map<String, String> refused = new LinkedHashMap<>();
    }

    /**
     * Reads, parses, cleans and classifies the files, and counts each file's rows; records nothing.
     * {@code suppressed}: (id_type, id_value) of erased persons, or null when nobody was erased.
     */
    private FeedBatch read(
            JobContext context, FeedContract contract, List<LandingFile> files, Dataset<Row> suppressed) {
        FeedBatch batch = new FeedBatch();
        files.forEach(f -> batch.byPath.put(f.path(), f));
        Dataset<Row> parsed = contract.format() == FeedFormat.PARQUET
                ? parseParquet(context, contract, batch)
                : parseText(context, contract, batch);
        if (batch.good.isEmpty()) {
            return batch;
        }
        context.step(name(), "clean " + contract.id());
        batch.classified =
                classify(context, contract, batch, parsed, suppressed).persist(StorageLevel.MEMORY_AND_DISK());
        countRows(contract, batch);
        return batch;
    }

    /**
     * Parquet files grouped by schema (names and types), like delimited files by header; reading a schema reads a
     * footer. A file whose footer cannot be read, or whose types Spark cannot read, fails here alone.
     */
    private static Dataset<Row> parseParquet(JobContext context, FeedContract contract, FeedBatch batch) {
        Map<String, List<String>> bySchema = new LinkedHashMap<>();
        Map<String, List<String>> names = new LinkedHashMap<>();
        for (String path : batch.byPath.keySet()) {
            StructType schema;
            try {
                schema = context.spark().read().parquet(FeedLines.literal(path)).schema();
            } catch (Exception e) {
                batch.refused.put(path, cause(e));
                continue;
            }
            bySchema.computeIfAbsent(schema.simpleString(), f -> new ArrayList<>())
                    .add(path);
            names.put(schema.simpleString(), List.of(schema.fieldNames()));
        }
        Dataset<Row> parsed = null;
        for (Map.Entry<String, List<String>> group : bySchema.entrySet()) {
            if (!admit(contract, names.get(group.getKey()), group.getValue(), batch)) {
                continue;
            }
            Dataset<Row> part =
                    FeedParser.parse(contract, FeedLines.readParquet(context.spark(), group.getValue()), Map.of());
            parsed = parsed == null ? part : parsed.unionByName(part);
            batch.good.addAll(group.getValue());
        }
        return parsed;
    }

    /** Text files as lines (quoted newlines joined), each delimited file admitted by its own header. */
    private static Dataset<Row> parseText(JobContext context, FeedContract contract, FeedBatch batch) {
        Dataset<Row> lines =
                FeedLines.read(context.spark(), List.copyOf(batch.byPath.keySet()), contract.maxLineBytes());
        if (contract.format().delimited()) {
            lines = FeedLines.joinQuotedNewlines(lines, contract.delimiter(), contract.maxLineBytes());
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (contract.format().delimited() && contract.header()) {
            // One line per file comes back to the driver.
            for (Row r : lines.where(col(FeedLines.LINE).equalTo(1))
                    .select(FeedLines.FILE, FeedLines.TEXT)
                    .collectAsList()) {
                List<String> repeated = FeedParser.repeatedContractColumns(contract, r.getString(1));
                if (!repeated.isEmpty()) {
                    batch.refused.put(r.getString(0), "the header names column(s) " + repeated + " more than once");
                    continue;
                }
                List<String> header = FeedParser.headerFields(contract, r.getString(1));
                if (admit(contract, header, List.of(r.getString(0)), batch)) {
                    headers.put(r.getString(0), header);
                }
            }
            for (String path : batch.byPath.keySet()) {
                if (!headers.containsKey(path) && !batch.refused.containsKey(path)) {
                    batch.refused.put(path, "empty file: no header line");
                }
            }
            lines = lines.where(col(FeedLines.FILE).isin(headers.keySet().toArray()));
            batch.good.addAll(headers.keySet());
        } else {
            batch.good.addAll(batch.byPath.keySet());
        }
        return batch.good.isEmpty() ? null : FeedParser.parse(contract, lines, headers);
    }

    /** Cleaned rows classified kept, duplicate (within the files or of earlier deliveries), quarantined, suppressed. */
    private static Dataset<Row> classify(
            JobContext context, FeedContract contract, FeedBatch batch, Dataset<Row> parsed, Dataset<Row> suppressed) {
        Dataset<Row> classified = FeedOutputs.classify(contract, FeedCleaner.clean(contract, parsed, context.date()));
        if (contract.dedupeDays() > 0 && context.lake().exists(RawEvents.SPEC)) {
            // Earlier deliveries: the window's landing dates, other files than these (a rerun of these files is no
            // redelivery).
            Dataset<Row> earlier = context.lake()
                    .read(RawEvents.SPEC)
                    .where(col(RawTables.FEED)
                            .equalTo(lit(contract.id()))
                            .and(col(RawTables.DT)
                                    .between(
                                            lit(Date.valueOf(context.date().minusDays(contract.dedupeDays()))),
                                            lit(Date.valueOf(context.date()))))
                            .and(not(col(RawTables.SOURCE_FILE)
                                    .isin(batch.byPath.keySet().toArray())))
                            .and(col(RawEvents.DEDUPE_KEY).isNotNull()))
                    .select(RawEvents.DEDUPE_KEY);
            classified = FeedOutputs.seenBefore(contract, classified, earlier);
        }
        return suppressed == null ? classified : FeedOutputs.suppress(contract, classified, suppressed);
    }

    /** Each file's kept, duplicate, quarantined and suppressed rows and the quarantine reasons, in one aggregation. */
    private static void countRows(FeedContract contract, FeedBatch batch) {
        batch.good.forEach(p -> batch.perFile.put(p, new long[4]));
        // Bounded: files x statuses x reasons.
        Column reasonKind = regexp_extract(element_at(col(FeedCleaner.PROBLEMS), 1), "^[a-z_]+", 0);
        for (Row r : batch.classified
                .groupBy(
                        col(FeedLines.FILE),
                        col(FeedOutputs.STATUS),
                        when(col(FeedOutputs.STATUS).equalTo(FeedOutputs.QUARANTINED), reasonKind)
                                .as("kind"))
                .count()
                .collectAsList()) {
            int slot = switch (r.getString(1)) {
                case FeedOutputs.KEPT -> 0;
                case FeedOutputs.DUPLICATE -> 1;
                case FeedOutputs.SUPPRESSED -> 3;
                default -> 2;
            };
            batch.perFile.get(r.getString(0))[slot] += r.getLong(3);
            if (slot == 2) {
                batch.reasons.merge(contract.id() + ".quarantined." + r.getString(2), r.getLong(3), Long::sum);
            }
        }
    }

    /** Adds a read batch to the run: its counts, its outputs, its manifest rows. */
    private void record(
            JobContext context,
            FeedContract contract,
            FeedBatch batch,
            Tally tally,
            List<Row> manifestRows,
            Outputs outputs) {
        batch.refused.forEach((path, error) -> manifestRows.add(failed(context, batch.byPath.get(path), error, tally)));
        if (batch.good.isEmpty()) {
            return;
        }
        batch.reasons.forEach(tally::add);
        addOutputs(context, contract, batch, outputs);
        for (Map.Entry<String, long[]> e : batch.perFile.entrySet()) {
            long[] n = e.getValue();
            long read = n[0] + n[1] + n[2] + n[3];
            tally.add(contract.id(), n);
            LOG.info(
                    "{}: read {} = kept {} + duplicates {} + quarantined {} + suppressed {}",
                    e.getKey(),
                    read,
                    n[0],
                    n[1],
                    n[2],
                    n[3]);
            manifestRows.add(manifestRow(
                    context,
                    batch.byPath.get(e.getKey()),
                    FeedFiles.INGESTED,
                    read,
                    n,
                    batch.extras.get(e.getKey()),
                    null));
        }
    }

    /** The batch's rows for raw_events or raw_attributes, raw_identifiers and quarantine, with their counts. */
    private static void addOutputs(JobContext context, FeedContract contract, FeedBatch batch, Outputs outputs) {
        if (!outputs.feeds.contains(contract.id())) {
            outputs.feeds.add(contract.id());
        }
        outputs.files.addAll(batch.good);
        Dataset<Row> classified = batch.classified;
        if (contract.kind() == FeedKind.EVENTS) {
            Dataset<Row> userAgents = contract.event().userAgent() == null
                    ? context.spark().createDataFrame(List.of(), UserAgentParser.SCHEMA)
                    : UserAgentParser.parse(classified
                                    .where(col(FeedOutputs.STATUS).equalTo(FeedOutputs.KEPT))
                                    .select(col(contract.event().userAgent())))
                            .persist(StorageLevel.MEMORY_AND_DISK());
            outputs.add(RawEvents.SPEC, FeedOutputs.events(contract, classified, userAgents, context.date()));
            Dataset<Row> consent = FeedOutputs.consentRecords(contract, classified, context.date());
            if (consent != null) {
                outputs.add(RawAttributes.SPEC, consent);
            }
            outputs.knownCounts.merge(
                    RawEvents.SPEC.name(),
                    batch.perFile.values().stream().mapToLong(n -> n[0]).sum(),
                    Long::sum);
        } else {
            outputs.add(
                    RawAttributes.SPEC,
                    FeedOutputs.attributes(
                            contract,
                            classified,
                            context.date(),
                            context.config().privacy().linkageKey()));
        }
        outputs.add(RawIdentifiers.SPEC, FeedOutputs.identifiers(contract, classified, context.date()));
        outputs.add(Quarantine.SPEC, FeedOutputs.quarantine(contract, classified, context.date()));
        outputs.knownCounts.merge(
                Quarantine.SPEC.name(),
                batch.perFile.values().stream().mapToLong(n -> n[2]).sum(),
                Long::sum);
    }

    /**
     * Checks the columns some files have (a header, a Parquet schema): a required column missing refuses
     * those files; unknown columns are reported and kept. Returns whether the files go on.
     */
    private static boolean admit(FeedContract contract, List<String> columns, List<String> files, FeedBatch batch) {
        List<String> missing = FeedParser.missingRequired(contract, columns);
        if (!missing.isEmpty()) {
            files.forEach(
                    f -> batch.refused.put(f, "lacks required column(s) " + missing + " of " + contract.source()));
            return false;
        }
        List<String> extra = FeedParser.extraColumns(contract, columns);
        if (!extra.isEmpty()) {
            files.forEach(f -> batch.extras.put(f, extra));
            LOG.warn(
                    "{}: columns {} are not in the contract; kept as attributes ({})",
                    files,
                    extra,
                    contract.unknownColumns().name().toLowerCase(Locale.ROOT));
        }
        return true;
    }

    /**
     * The rows the run's (date, feed) partitions of {@code table} will hold: earlier files' rows plus the
     * new ones; null when no feed of this run writes the table (e.g. raw_events when only record feeds came).
     * Each table's partitions are replaced with them in one commit: rerunning with the same files gives the
     * same partitions, and files ingested before keep their rows without being read again.
     */
    private static Dataset<Row> partitionRows(JobContext context, TableSpec table, Outputs outputs) {
        Dataset<Row> rows = outputs.rows.get(table.name());
        if (rows == null) {
            return null;
        }
        LakeTables lake = context.lake();
        Dataset<Row> all = rows;
        if (lake.exists(table)) {
            Dataset<Row> earlier = lake.read(table)
                    .where(col(RawTables.DT)
                            .equalTo(lit(Date.valueOf(context.date())))
                            .and(col(RawTables.FEED).isin(outputs.feeds.toArray()))
                            .and(not(col(RawTables.SOURCE_FILE).isin(outputs.files.toArray()))));
            all = earlier.unionByName(rows);
        }
        // Rebalance lets adaptive execution cut the output into files of a sane size (64 MB by default).
        return all.hint("rebalance");
    }

    private static Map<String, Object> partition(JobContext context, Outputs outputs) {
        return Map.of(RawTables.DT, context.date(), RawTables.FEED, List.copyOf(outputs.feeds));
    }

    private void write(JobContext context, TableSpec table, Dataset<Row> all, Outputs outputs, Tally tally) {
        context.step(name(), "write " + table.name());
        // Events and quarantine counts are known from classifying; the others cost one count each.
        long count = outputs.knownCounts.containsKey(table.name())
                ? outputs.knownCounts.get(table.name())
                : outputs.rows.get(table.name()).count();
        context.lake().overwritePartition(table, all, partition(context, outputs));
        tally.add(table.name() + ".rows", count);
    }

    /** The manifest rows of the listed files, by path: one row per file, bounded by the listing. */
    private Map<String, Row> manifest(JobContext context, List<LandingFile> files) {
        Map<String, Row> rows = new LinkedHashMap<>();
        if (files.isEmpty() || !context.lake().exists(FeedFiles.SPEC)) {
            return rows;
        }
        for (Row r : context.lake()
                .read(FeedFiles.SPEC)
                .where(col(FeedFiles.PATH)
                        .isin(files.stream().map(LandingFile::path).toArray()))
                .collectAsList()) {
            rows.put(r.getAs(FeedFiles.PATH), r);
        }
        return rows;
    }

    private Row failed(JobContext context, LandingFile file, String error, Tally tally) {
        tally.failures.add(file.path() + ": " + error);
        tally.add("files.failed", 1);
        return manifestRow(context, file, FeedFiles.FAILED, 0, new long[4], null, error);
    }

    private Row manifestRow(
            JobContext context, LandingFile f, String status, long read, long[] n, List<String> extra, String error) {
        return RowFactory.create(
                f.path(),
                f.feed(),
                Date.valueOf(f.date()),
                f.bytes(),
                Timestamp.from(f.modifiedAt()),
                status,
                read,
                n[0],
                n[1],
                n[2],
                extra,
                error,
                context.runId(),
                Timestamp.from(Instant.now()),
                null,
                n[3]);
    }

    /**
     * The manifest row of a changed file keeps what was ingested and notes when the change was first seen.
     * Positions come from the table's definition, so rows made here (without a schema) work too.
     */
    private static Row changed(Row old) {
        Object[] values = new Object[old.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = old.get(i);
        }
        int detected = FeedFiles.SPEC.schema().fieldIndex(FeedFiles.CHANGE_DETECTED_AT);
        if (values[detected] == null) {
            values[detected] = Timestamp.from(Instant.now());
        }
        return RowFactory.create(values);
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
