package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.export.ConsentStatus;
import io.audiencelake.common.export.Destination;
import io.audiencelake.common.export.Destination.ExportMode;
import io.audiencelake.common.export.DestinationContext;
import io.audiencelake.common.export.DestinationWriter;
import io.audiencelake.common.export.Destinations;
import io.audiencelake.common.export.DestinationsLoader;
import io.audiencelake.common.export.ExportAudience;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.ExportTombstones;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.identity.GraphVersions;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.segments.ControlGroups;
import io.audiencelake.common.segments.SegmentDefinitions;
import io.audiencelake.common.segments.SegmentTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * Sends the date's segments to each destination as a batch file drop: members with the destination's
 * consent, as its identifier type, in full or as adds/removes since its last successful export; records
 * what the destination now holds ({@code export_audience}) and the drop ({@code export_log}).
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write segments to destinations (destinations.yaml) as file drops with a manifest, obeying "
                + "consent and data-usage labels; records export_audience and export_log.")
public final class ExportJob implements Job<ExportJob.Definitions>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--destination",
            paramLabel = "ID",
            description = "Only this destination (repeatable; default: all).")
    List<String> destinationIds = new ArrayList<>();

    @Option(
            names = "--validate",
            description =
                    "Check destinations.yaml (with segments and lookalike models) and exit; " + "starts no Spark.")
    boolean validateOnly;

    /** Every destination, those this run exports to, and the segments they were checked against. */
    record Definitions(Destinations destinations, List<Destination> selected, SegmentDefinitions segments) {}

    @Override
    public String name() {
        return "export";
    }

    @Override
    public Definitions load(AppConfig config) {
        AudienceDefinitions loaded = AudienceDefinitions.load(config);
        SegmentDefinitions segments = loaded.segments();
        Destinations destinations = DestinationsLoader.load(
                config.destinations(),
                segments,
                loaded.lookalikeIfAny(config),
                // The job, not the library, reads the process's environment and sleeps between retries.
                new DestinationContext(
                        config.paths().exports(), System::getenv, pause -> Thread.sleep(pause.toMillis())));
        for (String id : destinationIds) {
            if (destinations.byId(id).isEmpty()) {
                throw new ConfigException("--destination: unknown destination '" + id + "'; expected one of "
                        + destinations.destinations().stream()
                                .map(Destination::id)
                                .toList());
            }
        }
        List<Destination> selected = destinationIds.isEmpty()
                ? destinations.destinations()
                : destinationIds.stream()
                        .map(id -> destinations.byId(id).orElseThrow())
                        .toList();
        return new Definitions(destinations, selected, segments);
    }

    /** What every destination's audience is computed from: the date's segments, graph and declared attributes. */
    private record Inputs(
            Dataset<Row> membership,
            Dataset<Row> idGraph,
            Dataset<Row> attributes,
            Timestamp endOfDay,
            Map<String, Set<String>> labels) {}

    @Override
    public JobResult run(JobContext context, Definitions definitions) {
        Inputs in = inputs(context);
        // First every destination's audience, its changes and its quality checks; then, only if all pass, the drops
        // and the tables: a gate that stops the run stops it before anything is sent or committed.
        List<Prepared> prepared = new ArrayList<>();
        for (Destination d : definitions.selected()) {
            checkLabels(d, in.labels(), context);
            prepared.add(prepare(context, definitions.segments(), in, d));
        }
        Map<String, Long> result = new LinkedHashMap<>();
        long written = 0;
        long audience = 0;
        for (Prepared p : prepared) {
            DestinationWriter.Delivered drop = deliver(context, p);
            result.put(p.destination().id() + ".rows", drop.rows());
            result.put(p.destination().id() + ".audience", p.size());
            written += drop.rows();
            audience += p.size();
        }
        context.spark().catalog().clearCache();
        result.put("destinations", (long) definitions.selected().size());
        return new JobResult(audience, written, 0, result);
    }

    private static Inputs inputs(JobContext context) {
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        for (var required : List.of(SegmentTables.STATS, IdGraph.SPEC)) {
            if (!lake.exists(required)) {
                throw new IllegalStateException(
                        "no " + required.name() + " table: run identity and segments for " + context.date() + " first");
            }
        }
        return new Inputs(
                // Control members are in the segment but never sent: they are what its lift is measured against.
                ControlGroups.exportable(lake.read(SegmentTables.MEMBERSHIP)
                        .where(col(SegmentTables.DT).equalTo(lit(dt)))),
                GraphVersions.asOf(lake.read(IdGraph.SPEC), context.date()),
                lake.exists(RawAttributes.SPEC)
                        ? lake.read(RawAttributes.SPEC)
                        : context.spark().createDataFrame(List.of(), RawAttributes.SPEC.schema()),
                Timestamp.from(context.date().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)),
                evaluatedLabels(lake, dt));
    }

    /**
     * A destination's audience of consenting identifiers, its adds and removes against the previous export (with
     * erased persons' tombstones as removes), and its export_audience rows, checked.
     */
    private Prepared prepare(JobContext context, SegmentDefinitions segments, Inputs in, Destination d) {
        context.step(name(), "audience of " + d.id());
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        Dataset<Row> granted = ConsentStatus.latest(
                        in.attributes(), in.idGraph(), d.consentPurpose(), segments.grantedValue(), in.endOfDay())
                .where(col(ConsentStatus.STATUS).equalTo(lit(segments.grantedValue())));
        Dataset<Row> current = ExportAudience.current(in.membership(), in.idGraph(), granted, d)
                .localCheckpoint();
        Date previousDt = previousExport(lake, d.id(), dt);
        Dataset<Row> previous = previousDt == null
                ? context.spark().createDataFrame(List.of(), ExportTables.AUDIENCE.schema())
                : lake.read(ExportTables.AUDIENCE)
                        .where(col(ExportTables.DESTINATION_ID)
                                .equalTo(d.id())
                                .and(col(ExportTables.DT).equalTo(lit(previousDt))));
        // Erased persons are no longer in export_audience, so the comparison cannot see them leave: their
        // tombstones are this destination's removes (unless an identifier is in the audience again).
        Dataset<Row> due = lake.exists(ExportTombstones.SPEC)
                ? ExportTombstones.due(lake.read(ExportTombstones.SPEC), d.id(), dt)
                        .localCheckpoint()
                : null;
        Dataset<Row> changes = withTombstones(ExportAudience.changes(current, previous), due, current)
                .localCheckpoint();
        Map<String, Long> moves = new HashMap<>();
        // At most two rows (add, remove).
        changes.groupBy(ExportTables.ACTION)
                .count()
                .collectAsList()
                .forEach(r -> moves.put(r.getString(0), r.getLong(1)));
        Map<String, Object> audiencePartition = Map.of(ExportTables.DT, dt, ExportTables.DESTINATION_ID, d.id());
        Dataset<Row> audienceRows = lake.checkBeforeWriting(
                ExportTables.AUDIENCE,
                current.withColumn(ExportTables.DESTINATION_ID, lit(d.id()))
                        .withColumn(ExportTables.DT, lit(dt))
                        .select(
                                ExportTables.DESTINATION_ID,
                                ExportTables.SEGMENT_ID,
                                ExportTables.PERSON_ID,
                                ExportTables.ID_TYPE,
                                ExportTables.ID_VALUE,
                                ExportTables.DT),
                audiencePartition);
        return new Prepared(
                d, current, changes, due, moves, current.count(), previousDt, audienceRows, audiencePartition);
    }

    /** The changes plus the due tombstones' removes of identifiers not in the audience again, once each. */
    static Dataset<Row> withTombstones(Dataset<Row> changes, Dataset<Row> due, Dataset<Row> current) {
        if (due == null) {
            return changes;
        }
        String[] key = {ExportTables.SEGMENT_ID, ExportTables.ID_TYPE, ExportTables.ID_VALUE};
        Dataset<Row> removes = ExportTombstones.removes(due)
                .join(
                        current.select(ExportTables.SEGMENT_ID, ExportTables.ID_TYPE, ExportTables.ID_VALUE),
                        key,
                        "left_anti");
        return changes.unionByName(removes)
                .dropDuplicates(
                        ExportTables.SEGMENT_ID, ExportTables.ID_TYPE, ExportTables.ID_VALUE, ExportTables.ACTION);
    }

    /**
     * Sends the destination its drop, then records it: the drop is committed before the tables record it, so a
     * run killed between the two makes the next incremental drop repeat some adds, which a destination applies
     * twice harmlessly, rather than lose them.
     */
    private DestinationWriter.Delivered deliver(JobContext context, Prepared p) {
        Destination d = p.destination();
        context.step(name(), "drop for " + d.id());
        Dataset<Row> rows = d.mode() == ExportMode.FULL
                ? p.current()
                        .select(ExportTables.SEGMENT_ID, ExportTables.ID_TYPE, ExportTables.ID_VALUE)
                        .orderBy(ExportTables.SEGMENT_ID, ExportTables.ID_VALUE)
                : p.changes()
                        .select(
                                ExportTables.SEGMENT_ID,
                                ExportTables.ID_TYPE,
                                ExportTables.ID_VALUE,
                                ExportTables.ACTION)
                        .orderBy(ExportTables.SEGMENT_ID, ExportTables.ACTION, ExportTables.ID_VALUE);
        DestinationWriter.Delivered drop =
                d.writer().write(context.spark(), rows, context.date(), context.runId(), manifest(context, p));
        context.lake().overwritePartition(ExportTables.AUDIENCE, p.audienceRows(), p.audiencePartition());
        record(context, p, drop);
        if (p.due() != null) {
            settleTombstones(context.lake(), d, p.due(), Date.valueOf(context.date()));
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "%-16s %-11s %9d in audience %8d adds %8d removes  %d rows in %d %s -> %s%n",
                        d.id(),
                        d.mode().name().toLowerCase(Locale.ROOT),
                        p.size(),
                        p.adds(),
                        p.removes(),
                        drop.rows(),
                        drop.files(),
                        drop.batches().isEmpty() ? "files" : "batches (" + resumed(drop) + " sent before)",
                        drop.target())
                .flush();
        LOG.info(
                "{}: {} rows in {} {} at {}",
                d.id(),
                drop.rows(),
                drop.files(),
                drop.batches().isEmpty() ? "files" : "requests",
                drop.target());
        return drop;
    }

    private static long resumed(DestinationWriter.Delivered drop) {
        return drop.batches().stream().filter(DestinationWriter.Batch::resumed).count();
    }

    /** What the drop holds, for the destination (written beside it). */
    private static Map<String, Object> manifest(JobContext context, Prepared p) {
        Destination d = p.destination();
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("destination", d.id());
        manifest.put("date", context.date().toString());
        manifest.put("run_id", context.runId());
        manifest.put("mode", d.mode().name().toLowerCase(Locale.ROOT));
        manifest.put("identifier", d.identifier().key() + (d.identifier().hashed() ? " (SHA-256)" : ""));
        manifest.put("segments", d.segments());
        manifest.put("consent", d.consentPurpose());
        manifest.put("audience", p.size());
        manifest.put("adds", p.adds());
        manifest.put("removes", p.removes());
        manifest.put(
                "previous_export",
                p.previousDt() == null ? null : p.previousDt().toString());
        return manifest;
    }

    /** The export_log row of a delivered drop. */
    private static void record(JobContext context, Prepared p, DestinationWriter.Delivered drop) {
        Destination d = p.destination();
        Row log = RowFactory.create(
                d.id(),
                Date.valueOf(context.date()),
                context.runId(),
                d.mode().name().toLowerCase(Locale.ROOT),
                ExportTables.SUCCEEDED,
                d.segments(),
                drop.files(),
                drop.rows(),
                p.adds(),
                p.removes(),
                p.previousDt(),
                drop.target(),
                Timestamp.from(Instant.now()),
                drop.batches().isEmpty()
                        ? null
                        : drop.batches().stream()
                                .map(b -> RowFactory.create(
                                        b.batch(),
                                        b.segmentId(),
                                        b.action(),
                                        b.rows(),
                                        b.idempotencyKey(),
                                        b.httpStatus(),
                                        b.attempts(),
                                        b.resumed()))
                                .toList());
        context.lake().addMissingColumns(ExportTables.LOG);
        context.lake()
                .merge(ExportTables.LOG, context.spark().createDataFrame(List.of(log), ExportTables.LOG.schema()));
    }

    /**
     * Tombstones delivered by this date's drop (an incremental drop's removes; a full drop replaces the audience)
     * are stamped, so a rerun of the date sends them again; those a drop of an earlier date delivered are deleted.
     */
    private static void settleTombstones(LakeTables lake, Destination d, Dataset<Row> due, Date dt) {
        lake.merge(ExportTombstones.SPEC, due.withColumn(ExportTombstones.DELIVERED_DT, lit(dt)));
        Dataset<Row> delivered = lake.read(ExportTombstones.SPEC)
                .where(col(ExportTombstones.DESTINATION_ID)
                        .equalTo(lit(d.id()))
                        .and(col(ExportTombstones.DELIVERED_DT).lt(lit(dt))))
                .select(
                        ExportTombstones.DESTINATION_ID,
                        ExportTombstones.SEGMENT_ID,
                        ExportTombstones.ID_TYPE,
                        ExportTombstones.ID_VALUE)
                .localCheckpoint();
        if (!delivered.isEmpty()) {
            lake.deleteMatching(ExportTombstones.SPEC, delivered);
        }
    }

    /** Labels each segment carried when it was evaluated for the date (segment_stats). */
    private static Map<String, Set<String>> evaluatedLabels(LakeTables lake, Date dt) {
        Map<String, Set<String>> out = new HashMap<>();
        lake.read(SegmentTables.STATS)
                .where(col(SegmentTables.DT).equalTo(lit(dt)))
                .select(SegmentTables.SEGMENT_ID, SegmentTables.LABELS)
                .collectAsList()
                .forEach(r -> out.put(r.getString(0), new TreeSet<>(r.<String>getList(1))));
        return out;
    }

    /** Refuses a destination before any write when a segment is missing for the date or its labels are not allowed. */
    private static void checkLabels(Destination d, Map<String, Set<String>> labels, JobContext context) {
        for (String segment : d.segments()) {
            Set<String> carried = labels.get(segment);
            if (carried == null) {
                throw new IllegalStateException(
                        "destination " + d.id() + ": segment " + segment + " was not evaluated for " + context.date()
                                + ": run segments (and lookalike) for that date first");
            }
            Set<String> refused = new TreeSet<>(carried);
            refused.removeAll(d.allowedLabels());
            if (!refused.isEmpty()) {
                throw new IllegalStateException("destination " + d.id() + ": segment " + segment
                        + " carried data-usage labels " + refused + " on " + context.date()
                        + ", which the destination may not receive; nothing was exported");
            }
        }
    }

    private static Date previousExport(LakeTables lake, String destination, Date dt) {
        if (!lake.exists(ExportTables.LOG)) {
            return null;
        }
        Row r = lake.read(ExportTables.LOG)
                .where(col(ExportTables.DESTINATION_ID)
                        .equalTo(destination)
                        .and(col(ExportTables.DT).lt(lit(dt)))
                        .and(col(ExportTables.STATUS).equalTo(ExportTables.SUCCEEDED)))
                .agg(org.apache.spark.sql.functions.max(ExportTables.DT))
                .first();
        return r.isNullAt(0) ? null : r.getDate(0);
    }

    @Override
    public Integer call() throws Exception {
        if (validateOnly) {
            return JobRunner.validateOnly(this, options, spec, (config, definitions, out) -> {
                Destinations destinations = definitions.destinations();
                out.printf(
                        "%s: %d destinations valid%n",
                        config.destinations(), destinations.destinations().size());
                for (Destination d : destinations.destinations()) {
                    out.printf(
                            "  %-16s %s %s of %s -> %s (consent %s)%n",
                            d.id(),
                            d.mode().name().toLowerCase(Locale.ROOT),
                            d.identifier().key(),
                            d.segments(),
                            d.writer().target(),
                            d.consentPurpose());
                }
            });
        }
        return JobRunner.exitCode(this, options, spec);
    }

    /** A destination's audience and changes, computed and checked before anything of the run is sent or written. */
    private record Prepared(
            Destination destination,
            Dataset<Row> current,
            Dataset<Row> changes,
            Dataset<Row> due,
            Map<String, Long> moves,
            long size,
            Date previousDt,
            Dataset<Row> audienceRows,
            Map<String, Object> audiencePartition) {
        long adds() {
            return moves.getOrDefault(ExportTables.ADD, 0L);
        }

        long removes() {
            return moves.getOrDefault(ExportTables.REMOVE, 0L);
        }
    }
}
