package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.segments.SegmentCompiler;
import io.audiencelake.common.segments.SegmentDefinitions;
import io.audiencelake.common.segments.SegmentDefinitions.Segment;
import io.audiencelake.common.segments.SegmentEvaluation;
import io.audiencelake.common.segments.SegmentTables;
import java.io.PrintWriter;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Evaluates every segment of segments.yaml for a date in one pass over that date's profiles, and writes
 * membership, adds/removes against each segment's previous run, stats and the chosen overlaps.
 */
@Command(
        name = "segments",
        mixinStandardHelpOptions = true,
        description = "Evaluate segment rules into segment_membership, segment_changes, segment_stats and "
                + "segment_overlaps.")
public final class SegmentsJob implements Job<AudienceDefinitions>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentsJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--validate", description = "Check the segment definitions (and traits) and exit; starts no Spark.")
    boolean validateOnly;

    @Option(
            names = "--dry-run",
            description =
                    "Print each segment's size estimated from a sample of the date's " + "profiles; writes nothing.")
    boolean dryRun;

    @Option(
            names = "--sample",
            paramLabel = "FRACTION",
            defaultValue = "0.1",
            description = "Share of profiles a dry run evaluates (default ${DEFAULT-VALUE}).")
    double sample;

    @Override
    public String name() {
        return "segments";
    }

    @Override
    public AudienceDefinitions load(AppConfig config) {
        AudienceDefinitions loaded = AudienceDefinitions.load(config);
        if (sample <= 0 || sample > 1) {
            throw new ConfigException("--sample: must be in (0, 1], cannot be: " + sample);
        }
        return loaded;
    }

    @Override
    public JobResult run(JobContext context, AudienceDefinitions audience) {
        SegmentDefinitions definitions = audience.segments();
        Dataset<Row> profiles = profiles(context, audience.traits());
        Map<String, DataType> columns = new HashMap<>();
        for (StructField f : profiles.schema().fields()) {
            columns.put(f.name(), f.dataType());
        }
        SegmentCompiler compiler = new SegmentCompiler(columns);
        if (dryRun) {
            return dryRun(context, definitions, compiler, profiles);
        }
        Dataset<Row> previous = previousMembers(context);
        context.step(name(), "evaluate " + definitions.segments().size() + " segments");
        Dataset<Row> members = members(context, definitions, compiler, profiles, previous);
        long memberships = members.count();

        context.step(name(), "changes since each segment's previous run");
        Dataset<Row> changes = SegmentEvaluation.changes(
                        members,
                        previous,
                        definitions.segments().stream().map(Segment::id).toList(),
                        context.date())
                .localCheckpoint();
        Map<String, long[]> counts = new HashMap<>();
        // One row per segment: small enough to list on the driver.
        for (Row r : SegmentEvaluation.counts(members, changes).collectAsList()) {
            counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)});
        }
        List<Row> stats = stats(context, definitions, counts);
        write(context, definitions, members, changes, stats);
        context.spark().catalog().clearCache();
        long adds = counts.values().stream().mapToLong(c -> c[1]).sum();
        long removes = counts.values().stream().mapToLong(c -> c[2]).sum();
        LOG.info(
                "{} segments: {} memberships, {} adds, {} removes",
                definitions.segments().size(),
                memberships,
                adds,
                removes);
        Map<String, Long> result = new LinkedHashMap<>();
        result.put("segments", (long) definitions.segments().size());
        result.put("memberships", memberships);
        result.put("adds", adds);
        result.put("removes", removes);
        return new JobResult(memberships, memberships, 0, result);
    }

    /**
     * Each rule segment's members on its latest run before the date (with the columns this run writes: a table from
     * before them gains them first).
     */
    private static Dataset<Row> previousMembers(JobContext context) {
        LakeTables lake = context.lake();
        if (!lake.exists(SegmentTables.MEMBERSHIP)) {
            return context.spark().createDataFrame(List.of(), SegmentTables.MEMBERSHIP.schema());
        }
        lake.addMissingColumns(SegmentTables.MEMBERSHIP);
        return SegmentEvaluation.previousMembers(
                lake.read(SegmentTables.MEMBERSHIP), SegmentTables.RULE_SOURCE, context.date());
    }

    /** Who the rules select, plus members kept by a ttl_days, each in their audience group. */
    private static Dataset<Row> members(
            JobContext context,
            SegmentDefinitions definitions,
            SegmentCompiler compiler,
            Dataset<Row> profiles,
            Dataset<Row> previous) {
        Dataset<Row> selected = SegmentEvaluation.members(profiles, definitions, compiler);
        Dataset<Row> withTtl = SegmentEvaluation.withTimeToLive(
                selected,
                previous,
                definitions.ttlDays(),
                profiles,
                SegmentEvaluation.stillAllowed(definitions),
                context.date());
        return definitions
                .controlGroups()
                .assign(withTtl, definitions.controlShares())
                .localCheckpoint();
    }

    /** The date's profiles, which must exist. */
    private static Dataset<Row> profiles(JobContext context, ProfileRules traits) {
        var profilesSpec = Profiles.spec(traits);
        if (!context.lake().exists(profilesSpec)) {
            throw new IllegalStateException("no profiles table: run profiles --date " + context.date() + " first");
        }
        return context.lake()
                .read(profilesSpec)
                .where(col(SegmentTables.DT).equalTo(lit(Date.valueOf(context.date()))));
    }

    /** Each segment's size estimated from a sample of the profiles, printed; nothing is written. */
    private JobResult dryRun(
            JobContext context, SegmentDefinitions definitions, SegmentCompiler compiler, Dataset<Row> profiles) {
        context.step(name(), "dry run on a " + sample + " sample");
        Map<String, Long> sizes = new HashMap<>();
        SegmentEvaluation.members(profiles.sample(sample, 42), definitions, compiler)
                .groupBy(SegmentTables.SEGMENT_ID)
                .count()
                .collectAsList()
                .forEach(r -> sizes.put(r.getString(0), r.getLong(1)));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-32s %12s%n", "segment", "estimated size");
        for (Segment s : definitions.segments()) {
            out.printf("%-32s %12d%n", s.id(), Math.round(sizes.getOrDefault(s.id(), 0L) / sample));
        }
        out.flush();
        return new JobResult(
                0, 0, 0, Map.of("segments", (long) definitions.segments().size()));
    }

    /** One segment_stats row per segment (size, adds, removes, control), printed as a table. */
    private List<Row> stats(JobContext context, SegmentDefinitions definitions, Map<String, long[]> counts) {
        PrintWriter out = spec.commandLine().getOut();
        List<Row> stats = new ArrayList<>();
        out.printf("%-32s %10s %8s %8s %8s  %s%n", "segment", "size", "adds", "removes", "control", "labels");
        for (Segment s : definitions.segments()) {
            long[] c = counts.getOrDefault(s.id(), new long[4]);
            List<String> labels = s.labels().stream().sorted().toList();
            stats.add(RowFactory.create(
                    s.id(),
                    s.name(),
                    s.owner(),
                    s.ruleText(),
                    s.consentPurpose(),
                    labels,
                    c[0],
                    c[1],
                    c[2],
                    SegmentTables.RULE_SOURCE,
                    Date.valueOf(context.date()),
                    c[3]));
            out.printf("%-32s %10d %8d %8d %8d  %s%n", s.id(), c[0], c[1], c[2], c[3], String.join(",", labels));
        }
        out.flush();
        return stats;
    }

    /** The date's rule partitions of membership, changes and stats, and the overlaps when configured. */
    private void write(
            JobContext context,
            SegmentDefinitions definitions,
            Dataset<Row> members,
            Dataset<Row> changes,
            List<Row> stats) {
        context.step(name(), "write segment tables");
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        Map<String, Object> rulePartition =
                Map.of(SegmentTables.DT, dt, SegmentTables.SOURCE, SegmentTables.RULE_SOURCE);
        // segment_membership gained its columns before the previous members were read (previousMembers).
        lake.addMissingColumns(SegmentTables.STATS);
        lake.overwritePartition(
                SegmentTables.MEMBERSHIP,
                members.withColumn(SegmentTables.SCORE, lit(null).cast("double"))
                        .withColumn(SegmentTables.SOURCE, lit(SegmentTables.RULE_SOURCE))
                        .withColumn(SegmentTables.DT, lit(dt))
                        .select(
                                SegmentTables.SEGMENT_ID,
                                SegmentTables.PERSON_ID,
                                SegmentTables.SCORE,
                                SegmentTables.SOURCE,
                                SegmentTables.DT,
                                SegmentTables.AUDIENCE_GROUP,
                                SegmentTables.QUALIFIED_ON),
                rulePartition);
        lake.overwritePartition(
                SegmentTables.CHANGES,
                changes.withColumn(SegmentTables.SOURCE, lit(SegmentTables.RULE_SOURCE))
                        .select(
                                SegmentTables.SEGMENT_ID,
                                SegmentTables.PERSON_ID,
                                SegmentTables.CHANGE,
                                SegmentTables.SOURCE,
                                SegmentTables.DT),
                rulePartition);
        lake.overwritePartition(
                SegmentTables.STATS,
                context.spark().createDataFrame(stats, SegmentTables.STATS.schema()),
                rulePartition);
        if (!definitions.overlap().isEmpty()) {
            lake.overwritePartition(
                    SegmentTables.OVERLAPS,
                    SegmentEvaluation.overlaps(members, definitions.overlap(), context.date()),
                    Map.of(SegmentTables.DT, dt));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (validateOnly) {
            return JobRunner.validateOnly(this, options, spec, (config, audience, out) -> {
                SegmentDefinitions definitions = audience.segments();
                out.printf(
                        "%s: %d segments valid%n",
                        config.segments(), definitions.segments().size());
                for (Segment s : definitions.segments()) {
                    out.printf(
                            "  %-28s %s%s%s%s%n",
                            s.id(),
                            s.ruleText(),
                            s.consentPurpose() == null ? "" : "  [consent: " + s.consentPurpose() + "]",
                            s.controlShare() == 0
                                    ? ""
                                    : "  [control group: " + Math.round(s.controlShare() * 1000) / 10.0 + "%]",
                            s.ttlDays() == 0 ? "" : "  [member " + s.ttlDays() + " days after qualifying]");
                }
            });
        }
        return JobRunner.exitCode(this, options, spec);
    }
}
