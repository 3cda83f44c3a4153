package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.ExportTombstones;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.feeds.IdType;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.IdEdges;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.privacy.ErasedIdentifiers;
import io.audiencelake.common.privacy.ErasureRequests;
import io.audiencelake.common.privacy.ErasureScope;
import io.audiencelake.common.profiles.ProfileActivity;
import io.audiencelake.common.profiles.ProfileLifetime;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.segments.SegmentTables;
import java.io.PrintWriter;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
public final class EraseJob implements Job<TableSpec>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EraseJob.class);
    /** Opaque identifiers shorter than this are not searched for in quarantined text (too many false hits). */
    private static final int MIN_TEXT_MATCH = 6;

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

    /** The profiles table as the traits define it (erase deletes from it like from every person table). */
    @Override
    public TableSpec load(AppConfig config) {
        return Profiles.spec(ProfileRulesLoader.load(
                config.traits(), FeedContracts.load(config.feedContracts()).values()));
    }

    /** A table and the rows of it to delete, as key values. */
    private record Target(TableSpec table, Dataset<Row> keys) {}

    @Override
    public JobResult run(JobContext context, TableSpec profiles) {
        LakeTables lake = context.lake();
        context.step(name(), "read requests " + requests);
        Dataset<Row> read = ErasureRequests.read(context.spark(), requests).localCheckpoint();
        List<Row> bad =
                read.where(col(ErasureRequests.PROBLEM).isNotNull()).limit(20).collectAsList();
        if (!bad.isEmpty()) {
            List<String> problems = new ArrayList<>();
            bad.forEach(r -> problems.add(requests + ": request " + r.getString(0) + ": " + r.getString(4)));
            throw new ConfigException(problems);
        }
        Dataset<Row> asked = read.drop(ErasureRequests.PROBLEM);
        long requestCount = asked.count();

        context.step(name(), "find persons and identifiers");
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
        Dataset<Row> persons = reached.select(IdGraph.PERSON_ID).distinct().localCheckpoint();
        Dataset<Row> scope = ErasureScope.scope(asked, reached, graphs)
                .unionByName(recorded)
                .dropDuplicates(ErasureRequests.REQUEST_ID, IdGraph.ID_TYPE, IdGraph.ID_VALUE)
                .localCheckpoint();
        Dataset<Row> ids =
                scope.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE).distinct().localCheckpoint();
        long personCount = persons.count();
        long idCount = ids.count();
        LOG.info("{} requests reach {} persons with {} identifiers", requestCount, personCount, idCount);
        Timestamp now = Timestamp.from(Instant.now());

        // 1. The scope is committed before anything is deleted: a killed erase resumes with it, and ingest drops every
        // later row that carries one of these identifiers.
        context.step(name(), "record the scope in " + ErasedIdentifiers.SPEC.name());
        lake.create(ErasedIdentifiers.SPEC);
        lake.merge(ErasedIdentifiers.SPEC, ErasedIdentifiers.rows(scope, now));

        // 2. What destinations were sent of these persons becomes tombstones, before export_audience loses it.
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

        // Source rows that carried one of the identifiers: an event with a login email but no device of the
        // person's, a record whose subject is another identifier.
        Dataset<Row> sourceRows = lake.exists(RawIdentifiers.SPEC)
                ? lake.read(RawIdentifiers.SPEC)
                        .join(
                                ids.toDF(RawIdentifiers.ID_TYPE, RawIdentifiers.ID_VALUE),
                                new String[] {RawIdentifiers.ID_TYPE, RawIdentifiers.ID_VALUE},
                                "left_semi")
                        .select(RawTables.SOURCE_FILE, RawTables.LINE_NUMBER)
                        .distinct()
                        .localCheckpoint()
                : null;

        Dataset<Row> personKeys = persons.toDF(IdGraph.PERSON_ID);
        List<Target> targets = new ArrayList<>();
        // 3. Person-keyed tables first and id_graph last, so that a kill in between leaves a graph that still finds
        // them.
        targets.add(new Target(ExportTables.AUDIENCE, personKeys));
        targets.add(new Target(LookalikeTables.SCORES, personKeys));
        targets.add(new Target(SegmentTables.CHANGES, personKeys));
        targets.add(new Target(SegmentTables.MEMBERSHIP, personKeys));
        targets.add(new Target(profiles, personKeys));
        targets.add(new Target(Sessions.SPEC, personKeys));
        // A session written before its device had a person has none: found by the device.
        targets.add(new Target(Sessions.SPEC, ids.toDF(Sessions.DEVICE_ID_TYPE, Sessions.DEVICE_ID)));
        targets.add(new Target(
                ProfileLifetime.spec(List.of()), ids.toDF(ProfileLifetime.ID_TYPE, ProfileLifetime.ID_VALUE)));
        targets.add(new Target(
                ProfileActivity.spec(List.of()), ids.toDF(ProfileActivity.ID_TYPE, ProfileActivity.ID_VALUE)));
        if (sourceRows != null) {
            for (TableSpec raw : List.of(RawEvents.SPEC, RawAttributes.SPEC, RawIdentifiers.SPEC)) {
                targets.add(new Target(raw, sourceRows));
            }
        }
        targets.add(new Target(RawIdentifiers.SPEC, ids.toDF(RawIdentifiers.ID_TYPE, RawIdentifiers.ID_VALUE)));
        targets.add(new Target(RawAttributes.SPEC, ids.toDF(RawAttributes.SUBJECT_TYPE, RawAttributes.SUBJECT_ID)));
        targets.add(new Target(RawEvents.SPEC, ids.toDF(RawEvents.DEVICE_ID_TYPE, RawEvents.DEVICE_ID)));
        if (lake.exists(Quarantine.SPEC)) {
            // Quarantined lines keep their text (emails, phones and IPs masked): find them by the opaque identifiers.
            Dataset<Row> opaque = ids.where(col(IdGraph.ID_TYPE)
                    .isin(IdType.COOKIE.key(), IdType.MAID.key(), IdType.CUSTOMER_ID.key(), IdType.PARTNER_ID.key())
                    .and(length(col(IdGraph.ID_VALUE)).geq(MIN_TEXT_MATCH)));
            targets.add(new Target(
                    Quarantine.SPEC,
                    lake.read(Quarantine.SPEC)
                            .join(broadcast(opaque), col(Quarantine.RAW).contains(col(IdGraph.ID_VALUE)))
                            .select(RawTables.SOURCE_FILE, RawTables.LINE_NUMBER)
                            .distinct()
                            .localCheckpoint()));
        }
        targets.add(new Target(IdEdges.SPEC, ids.toDF(IdEdges.SRC_TYPE, IdEdges.SRC_VALUE)));
        targets.add(new Target(IdEdges.SPEC, ids.toDF(IdEdges.DST_TYPE, IdEdges.DST_VALUE)));
        targets.add(new Target(IdGraph.SPEC, personKeys));

        Map<String, Long> deleted = new TreeMap<>();
        Set<TableSpec> touched = new LinkedHashSet<>();
        for (Target t : targets) {
            if (!lake.exists(t.table())) {
                continue;
            }
            touched.add(t.table());
            context.step(name(), "delete from " + t.table().name());
            long n = lake.read(t.table())
                    .join(t.keys(), t.keys().columns(), "left_semi")
                    .count();
            if (n > 0) {
                lake.deleteMatching(t.table(), t.keys());
            }
            deleted.merge(t.table().name(), n, Long::sum);
        }
        int retentionHours = context.config().privacy().erasureHistoryHours();
        for (TableSpec t : touched) {
            context.step(name(), "purge history of " + t.name());
            lake.purgeHistory(t, Duration.ofHours(retentionHours));
        }

        context.step(name(), "record requests");
        Map<String, List<String>> personsOf = new HashMap<>();
        reached.collectAsList()
                .forEach(r -> personsOf
                        .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                        .add(r.getString(1)));
        Date dt = Date.valueOf(context.date());
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
        lake.merge(ErasureRequests.SPEC, context.spark().createDataFrame(records, ErasureRequests.SPEC.schema()));

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

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
