package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.audiencelake.common.activation.LiftMeasurement;
import io.audiencelake.common.activation.LiftMeasurement.Experiment;
import io.audiencelake.common.activation.LiftMeasurement.GroupSums;
import io.audiencelake.common.activation.LiftMetric;
import io.audiencelake.common.activation.LiftStatistics.Estimate;
import io.audiencelake.common.activation.LiftTables;
import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lookalike.LookalikeModel;
import io.audiencelake.common.lookalike.LookalikeModels;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.segments.SegmentTables;
import java.io.PrintWriter;
import java.sql.Date;
import java.time.LocalDate;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures what sending audiences did: for every segment a destination has received, its treated members against
 * its control group (visits, conversions, revenue per person after they joined), or one segment against another
 * given on the command line; writes lift_results for the date and prints one line per experiment and outcome.
 */
@Command(
        name = "lift",
        mixinStandardHelpOptions = true,
        description = "Compare treated and control members of every exported segment (or --treated against --control) "
                + "on visits, conversions and revenue after they joined: lift with its confidence interval, p-value "
                + "and minimum detectable effect, into lift_results.")
public final class LiftJob implements Job<LiftJob.Plan>, Callable<Integer> {
    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--treated",
            paramLabel = "SEGMENT",
            description = "Measure this segment's members against --control's instead of every exported segment "
                    + "against its control group (an experiment randomised elsewhere).")
    String treated;

    @Option(names = "--control", paramLabel = "SEGMENT", description = "The control segment of --treated.")
    String control;

    @Option(
            names = "--since",
            paramLabel = "DATE",
            description = "With --treated: people count from the first date they were members on or after this "
                    + "(the send date); outcomes from the next day.")
    LocalDate since;

    @Option(
            names = "--confidence",
            paramLabel = "LEVEL",
            defaultValue = "0.95",
            description = "Level of the confidence intervals (default ${DEFAULT-VALUE}).")
    double confidence;

    /** What to measure: the one comparison of the command line, or null for every exported segment. */
    record Plan(Experiment explicit, double confidence) {}

    @Override
    public String name() {
        return "lift";
    }

    @Override
    public Plan load(AppConfig config) {
        List<String> problems = new ArrayList<>();
        if (!(confidence > 0.5 && confidence < 1)) {
            problems.add("--confidence: expected a level in (0.5, 1), e.g. 0.95, got " + confidence);
        }
        boolean any = treated != null || control != null || since != null;
        if (any && (treated == null || control == null || since == null)) {
            problems.add("--treated, --control and --since go together: give all three or none");
        }
        if (since != null && options.date() != null && since.isAfter(options.date())) {
            problems.add("--since: must not be after --date " + options.date() + ", got " + since);
        }
        if (treated != null && treated.equals(control)) {
            problems.add("--control: must differ from --treated, got '" + control + "' for both");
        }
        if (any && problems.isEmpty()) {
            Set<String> known = segmentIds(config);
            for (String id : List.of(treated, control)) {
                if (!known.contains(id)) {
                    problems.add("unknown segment '" + id + "'; expected one of " + known);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new Plan(any ? Experiment.segments(treated, control, since) : null, confidence);
    }

    /** Rule segments and lookalike segments. */
    private static Set<String> segmentIds(AppConfig config) {
        AudienceDefinitions audience = AudienceDefinitions.load(config);
        Set<String> ids = new TreeSet<>(audience.segments().byId().keySet());
        LookalikeModels models = audience.lookalikeIfAny(config);
        if (models != null) {
            models.models().stream().map(LookalikeModel::segmentId).forEach(ids::add);
        }
        return ids;
    }

    @Override
    public JobResult run(JobContext context, Plan plan) {
        LakeTables lake = context.lake();
        for (var required : List.of(SegmentTables.MEMBERSHIP, Sessions.SPEC)) {
            if (!lake.exists(required)) {
                throw new IllegalStateException("no " + required.name() + " table: run profiles and segments up to "
                        + context.date() + " first");
            }
        }
        context.step(name(), "experiments");
        List<Experiment> experiments = plan.explicit() != null ? List.of(plan.explicit()) : exported(context);
        List<Row> results = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        if (!experiments.isEmpty()) {
            context.step(name(), "groups and outcomes of " + experiments.size() + " experiments");
            Dataset<Row> cohorts =
                    LiftMeasurement.cohorts(lake.read(SegmentTables.MEMBERSHIP), experiments, context.date());
            Map<String, GroupSums> sums = new HashMap<>();
            // Two rows per experiment.
            for (Row r : LiftMeasurement.groupSums(cohorts, lake.read(Sessions.SPEC), context.date())
                    .collectAsList()) {
                sums.put(
                        r.getAs(LiftTables.EXPERIMENT) + "|" + r.getAs(SegmentTables.AUDIENCE_GROUP),
                        LiftMeasurement.sums(r));
            }
            results = compare(context, experiments, sums, plan.confidence(), counts);
        }
        context.step(name(), "write lift_results");
        Date dt = Date.valueOf(context.date());
        Dataset<Row> rows = context.spark().createDataFrame(results, LiftTables.RESULTS.schema());
        if (lake.exists(LiftTables.RESULTS)) {
            // The date's other experiments (e.g. one given with --treated) keep their rows.
            rows = rows.unionByName(lake.read(LiftTables.RESULTS)
                    .where(col(LiftTables.DT)
                            .equalTo(lit(dt))
                            .and(not(col(LiftTables.EXPERIMENT)
                                    .isin(experiments.stream()
                                            .map(Experiment::name)
                                            .toArray()))))
                    .localCheckpoint());
        }
        lake.overwritePartition(LiftTables.RESULTS, rows, Map.of(LiftTables.DT, dt));
        counts.put("experiments", (long) experiments.size());
        counts.put("results", (long) results.size());
        return new JobResult(0, results.size(), 0, counts);
    }

    /** Every (segment, destination) with a succeeded export up to the date, from its first export. */
    private static List<Experiment> exported(JobContext context) {
        if (!context.lake().exists(ExportTables.LOG)) {
            return List.of();
        }
        List<Experiment> out = new ArrayList<>();
        // One row per exported (segment, destination): bounded by the destinations' configuration.
        for (Row r : LiftMeasurement.firstExports(context.lake().read(ExportTables.LOG), context.date())
                .orderBy(SegmentTables.SEGMENT_ID, ExportTables.DESTINATION_ID)
                .collectAsList()) {
            out.add(Experiment.exported(
                    r.getAs(SegmentTables.SEGMENT_ID),
                    r.getAs(ExportTables.DESTINATION_ID),
                    r.<Date>getAs(LiftTables.SINCE).toLocalDate()));
        }
        return out;
    }

    /** The lift_results rows of the experiments with both groups, printed; the others are named and skipped. */
    private List<Row> compare(
            JobContext context,
            List<Experiment> experiments,
            Map<String, GroupSums> sums,
            double confidence,
            Map<String, Long> counts) {
        PrintWriter out = spec.commandLine().getOut();
        List<Row> rows = new ArrayList<>();
        long skipped = 0;
        for (Experiment e : experiments) {
            GroupSums t = sums.get(e.name() + "|" + SegmentTables.TREATED);
            GroupSums c = sums.get(e.name() + "|" + SegmentTables.CONTROL);
            if (t == null || c == null || t.n() < 2 || c.n() < 2) {
                out.printf(
                        "%s: not measured: %d treated and %d control people since %s (a control group needs "
                                + "control_group in segments.yaml or lookalike.yaml)%n",
                        e.name(), t == null ? 0 : t.n(), c == null ? 0 : c.n(), e.since());
                skipped++;
                continue;
            }
            for (LiftMetric m : LiftMetric.values()) {
                Estimate est = m.estimate(t, c, confidence);
                rows.add(row(e, m, t, c, est, confidence, context.date()));
                out.println(line(e, m, t, c, est));
            }
        }
        out.flush();
        counts.put("skipped", skipped);
        return rows;
    }

    private static String line(Experiment e, LiftMetric m, GroupSums t, GroupSums c, Estimate est) {
        return String.format(
                Locale.ROOT,
                "%s: %-10s treated %.4f (n=%d)  control %.4f (n=%d)  lift %+.4f [%+.4f, %+.4f]  p=%.4f  mde %.4f",
                e.name(),
                m.label(),
                est.treated(),
                t.n(),
                est.control(),
                c.n(),
                est.difference(),
                est.low(),
                est.high(),
                est.pValue(),
                est.minimumDetectable());
    }

    private static Row row(
            Experiment e, LiftMetric m, GroupSums t, GroupSums c, Estimate est, double confidence, LocalDate date) {
        double relative = est.relative();
        return RowFactory.create(
                e.name(),
                e.segmentId(),
                e.controlSegmentId(),
                e.destinationId(),
                Date.valueOf(e.since()),
                m.label(),
                t.n(),
                c.n(),
                est.treated(),
                est.control(),
                est.difference(),
                est.low(),
                est.high(),
                Double.isNaN(relative) ? null : relative,
                est.pValue(),
                est.minimumDetectable(),
                confidence,
                Date.valueOf(date));
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
