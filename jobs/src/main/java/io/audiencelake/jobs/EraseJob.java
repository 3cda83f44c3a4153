package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.ExportTombstones;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.privacy.ErasedIdentifiers;
import io.audiencelake.common.privacy.ErasureRequests;
import io.audiencelake.common.privacy.ErasureScope;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import java.io.PrintWriter;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Applies erasure requests: finds the persons through every id_graph snapshot and records them and all
 * their identifiers in {@code erased_identifiers} (the scope a killed run resumes from, and ingest's
 * suppression list), keeps what destinations were sent as {@code export_tombstones}, deletes their rows
 * from every table that holds persons or identifiers (id_graph last), purges the tables' history so no
 * older version returns them, and records each request in {@code erasure_requests}.
 */
@Command(
        name = "erase",
        mixinStandardHelpOptions = true,
        description = "Apply erasure requests (a CSV of request_id,id_type,id_value[,received_at]) to every table "
                + "and its history; record them in erasure_requests.")
public final class EraseJob implements Job<List<LakeCatalog.DataProduct>>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EraseJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--requests",
            paramLabel = "FILE",
            required = true,
            description = "CSV with a header: request_id,id_type,id_value[,received_at]; emails and phones in clear "
                    + "(hashed here, never stored) or as SHA-256.")
    String requests;

    /** No: an erasure must reach rows a killed run committed and nobody published yet. */
    @Override
    public boolean readsPublishedVersions() {
        return false;
    }

    @Override
    public String name() {
        return "erase";
    }

    /** The catalog's tables that hold person data, each with how erase finds a person's rows in it. */
    @Override
    public List<LakeCatalog.DataProduct> load(AppConfig config) {
        ProfileRules traits = ProfileRulesLoader.load(
                config.traits(), FeedContracts.load(config.feedContracts()).values());
        return LakeCatalog.products(traits).stream()
                .filter(LakeCatalog.DataProduct::holdsPersonData)
                .toList();
    }

    /** What the requests reach: each request's persons, and every identifier in scope with its request. */
    private record Reach(Dataset<Row> requestPersons, Dataset<Row> scope) {
        Dataset<Row> persons() {
            return requestPersons.select(IdGraph.PERSON_ID).distinct();
        }

        Dataset<Row> identifiers() {
            return scope.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE).distinct();
        }
    }

    @Override
    public JobResult run(JobContext context, List<LakeCatalog.DataProduct> personTables) {
        LakeTables lake = context.lake();
        Dataset<Row> asked = readRequests(context);
        long requestCount = asked.count();
        Reach reach = reach(context, asked);
        PersonRows.Scope scope = new PersonRows.Scope(
                reach.persons().localCheckpoint(), reach.identifiers().localCheckpoint(), null);
        long personCount = scope.persons().count();
        long idCount = scope.identifiers().count();
        LOG.info("{} requests reach {} persons with {} identifiers", requestCount, personCount, idCount);
        Timestamp now = Timestamp.from(Instant.now());

        // 1. The scope is committed before anything is deleted: a killed erase resumes with it, and ingest drops every
        // later row that carries one of these identifiers.
        context.step(name(), "record the scope in " + ErasedIdentifiers.SPEC.name());
        lake.create(ErasedIdentifiers.SPEC);
        lake.merge(ErasedIdentifiers.SPEC, ErasedIdentifiers.rows(reach.scope(), now));
        // 2. What destinations were sent of these persons becomes tombstones, before export_audience loses it.
        keepTombstones(context, scope.persons(), now);
        // 3. Every table with person data, as the catalog says how to find a person's rows in it.
        scope = new PersonRows.Scope(scope.persons(), scope.identifiers(), sourceLines(lake, scope.identifiers()));
        Map<String, Long> deleted = new TreeMap<>();
        Set<TableSpec> touched = deleteRows(context, personTables, scope, deleted);
        int retentionHours = context.config().privacy().erasureHistoryHours();
        for (TableSpec t : touched) {
            context.step(name(), "purge history of " + t.name());
            lake.purgeHistory(t, Duration.ofHours(retentionHours));
        }
        recordRequests(context, asked, reach.requestPersons(), deleted, now);

        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%d erasure requests reached %d persons and %d identifiers; history kept: %d h%n",
                requestCount, personCount, idCount, retentionHours);
        deleted.forEach((table, n) -> out.printf("  %-22s %8d rows deleted%n", table, n));
        out.flush();
        Map<String, Long> result = new LinkedHashMap<>();
        result.put("requests", requestCount);
        result.put("persons", personCount);
        result.put("identifiers", idCount);
        deleted.forEach((table, n) -> result.put(table + ".deleted", n));
        long total = deleted.values().stream().mapToLong(Long::longValue).sum();
        context.spark().catalog().clearCache();
        return new JobResult(requestCount, total, 0, result);
    }

    /** The request file's rows, refused whole (before anything is written) if any is malformed. */
    private Dataset<Row> readRequests(JobContext context) {
        context.step(name(), "read requests " + requests);
        Dataset<Row> read = ErasureRequests.read(context.spark(), requests).localCheckpoint();
        List<Row> bad =
                read.where(col(ErasureRequests.PROBLEM).isNotNull()).limit(20).collectAsList();
        if (!bad.isEmpty()) {
            List<String> problems = new ArrayList<>();
            bad.forEach(r -> problems.add(requests + ": request " + r.getString(0) + ": " + r.getString(4)));
            throw new ConfigException(problems);
        }
        return read.drop(ErasureRequests.PROBLEM);
    }

    /** The persons the requests reach through every id_graph snapshot, and all their identifiers. */
    private Reach reach(JobContext context, Dataset<Row> asked) {
        context.step(name(), "find persons and identifiers");
        LakeTables lake = context.lake();
        Dataset<Row> graphs = lake.exists(IdGraph.SPEC)
                ? lake.read(IdGraph.SPEC)
                : context.spark().createDataFrame(List.of(), IdGraph.SPEC.schema());
        // A killed run recorded its scope before deleting (and may have deleted the id_graph rows that found it):
        // what it recorded is part of the scope again.
        Dataset<Row> recorded =
                ErasedIdentifiers.recorded(context.spark(), lake, asked).localCheckpoint();
        Dataset<Row> reached = ErasureScope.persons(asked, graphs)
                .unionByName(recorded.where(col(ErasedIdentifiers.PERSON_ID).isNotNull())
                        .select(ErasureRequests.REQUEST_ID, IdGraph.PERSON_ID))
                .distinct()
                .localCheckpoint();
        Dataset<Row> scope = ErasureScope.scope(asked, reached, graphs)
                .unionByName(recorded)
                .dropDuplicates(ErasureRequests.REQUEST_ID, IdGraph.ID_TYPE, IdGraph.ID_VALUE)
                .localCheckpoint();
        return new Reach(reached, scope);
    }

    private void keepTombstones(JobContext context, Dataset<Row> persons, Timestamp now) {
        LakeTables lake = context.lake();
        if (lake.exists(ExportTables.AUDIENCE)) {
            context.step(name(), "keep tombstones for destinations");
            lake.create(ExportTombstones.SPEC);
            lake.merge(
                    ExportTombstones.SPEC,
                    ExportTombstones.of(
                            lake.read(ExportTables.AUDIENCE)
                                    .join(persons, IdGraph.PERSON_ID, "left_semi")
                                    .localCheckpoint(),
                            now));
        }
    }

    /** The source lines (file, line) that carried one of the identifiers, read before any raw row is deleted. */
    private static Dataset<Row> sourceLines(LakeTables lake, Dataset<Row> ids) {
        if (!lake.exists(RawIdentifiers.SPEC)) {
            return null;
        }
        return lake.read(RawIdentifiers.SPEC)
                .join(
                        ids.toDF(RawIdentifiers.ID_TYPE, RawIdentifiers.ID_VALUE),
                        new String[] {RawIdentifiers.ID_TYPE, RawIdentifiers.ID_VALUE},
                        "left_semi")
                .select(RawTables.SOURCE_FILE, RawTables.LINE_NUMBER)
                .distinct()
                .localCheckpoint();
    }

    /**
     * The tables with person data in the order erase deletes from them: downstream tables first (the catalog's
     * order, reversed) and id_graph last, so that a kill in between leaves a graph that still finds the persons
     * (besides the scope already recorded).
     */
    static List<LakeCatalog.DataProduct> deletionOrder(List<LakeCatalog.DataProduct> catalog) {
        List<LakeCatalog.DataProduct> order = new ArrayList<>(catalog.stream()
                .filter(p -> p.personRows().stream().anyMatch(how -> !(how instanceof PersonRows.Kept)))
                .toList());
        Collections.reverse(order);
        order.sort(Comparator.comparing(p -> p.spec().name().equals(IdGraph.SPEC.name())));
        return order;
    }

    /**
     * Deletes the scope's rows from every table with person data, in {@link #deletionOrder}. Adds each table's
     * deleted count to {@code deleted}; returns the tables touched.
     */
    private Set<TableSpec> deleteRows(
            JobContext context,
            List<LakeCatalog.DataProduct> personTables,
            PersonRows.Scope scope,
            Map<String, Long> deleted) {
        LakeTables lake = context.lake();
        Set<TableSpec> touched = new LinkedHashSet<>();
        for (LakeCatalog.DataProduct product : deletionOrder(personTables)) {
            TableSpec table = product.spec();
            if (!lake.exists(table)) {
                continue;
            }
            for (PersonRows how : product.personRows()) {
                Optional<Dataset<Row>> keys = how.keys(scope, lake, table);
                if (keys.isEmpty()) {
                    continue;
                }
                touched.add(table);
                context.step(name(), "delete from " + table.name());
                long n = lake.read(table)
                        .join(keys.get(), keys.get().columns(), "left_semi")
                        .count();
                if (n > 0) {
                    lake.deleteMatching(table, keys.get());
                }
                deleted.merge(table.name(), n, Long::sum);
            }
        }
        return touched;
    }

    /** One erasure_requests row per request: the persons it reached and what was deleted. */
    private void recordRequests(
            JobContext context,
            Dataset<Row> asked,
            Dataset<Row> requestPersons,
            Map<String, Long> deleted,
            Timestamp now) {
        context.step(name(), "record requests");
        Map<String, List<String>> personsOf = new HashMap<>();
        requestPersons
                .collectAsList()
                .forEach(r -> personsOf
                        .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                        .add(r.getString(1)));
        Date dt = Date.valueOf(context.date());
        int retentionHours = context.config().privacy().erasureHistoryHours();
        List<Row> records = new ArrayList<>();
        for (Row r : asked.dropDuplicates(ErasureRequests.REQUEST_ID, ErasureRequests.ID_TYPE, ErasureRequests.ID_VALUE)
                .collectAsList()) {
            List<String> found = personsOf.getOrDefault(r.getString(0), List.of()).stream()
                    .sorted()
                    .toList();
            records.add(RowFactory.create(
                    r.getString(0),
                    r.getString(1),
                    r.getString(2),
                    r.get(3),
                    ErasureRequests.COMPLETED,
                    found,
                    deleted,
                    retentionHours,
                    now,
                    dt));
        }
        context.lake()
                .merge(ErasureRequests.SPEC, context.spark().createDataFrame(records, ErasureRequests.SPEC.schema()));
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
