package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.config.DataPaths;
import io.audiencelake.common.identity.GraphVersions;
import io.audiencelake.common.identity.GroundTruthIdentifiers;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lookalike.FeatureDrift;
import io.audiencelake.common.lookalike.LatentInterestTruth;
import io.audiencelake.common.lookalike.LookalikeAudience;
import io.audiencelake.common.lookalike.LookalikeEvaluation;
import io.audiencelake.common.lookalike.LookalikeEvaluation.Metrics;
import io.audiencelake.common.lookalike.LookalikeFeatures;
import io.audiencelake.common.lookalike.LookalikeModel;
import io.audiencelake.common.lookalike.LookalikeModel.Feature;
import io.audiencelake.common.lookalike.LookalikeModels;
import io.audiencelake.common.lookalike.LookalikeModelsLoader;
import io.audiencelake.common.lookalike.LookalikeRanking;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.lookalike.LookalikeTraining;
import io.audiencelake.common.lookalike.LookalikeTraining.Split;
import io.audiencelake.common.lookalike.LookalikeTraining.Trained;
import io.audiencelake.common.lookalike.LookalikeTrainingException;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.segments.ControlGroups;
import io.audiencelake.common.segments.SegmentDefinitions;
import io.audiencelake.common.segments.SegmentEvaluation;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Trains lookalike models on a seed segment (a new version when asked, or when a model has none yet),
 * scores the date's eligible population with a saved version, and writes the scores, the lookalike
 * segments (segment_membership, source lookalike) with their adds/removes and stats, and model_runs.
 */
@Command(
        name = "lookalike",
        mixinStandardHelpOptions = true,
        description = "Train (--train) and score lookalike models of lookalike.yaml into lookalike_scores, "
                + "model_runs and segment_membership (source lookalike).")
public final class LookalikeJob implements Job<LookalikeJob.Definitions>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LookalikeJob.class);
    private static final long TRAINING_SEED = 42;

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "ID", description = "Only this model (repeatable; default: every model).")
    List<String> modelIds = new ArrayList<>();

    @Option(
            names = "--train",
            description = "Train a new version of each model on this date's seed before scoring "
                    + "(a model without any version is trained anyway).")
    boolean train;

    @Option(
            names = "--model-version",
            paramLabel = "N",
            description = "Score with this saved version (one --model only; " + "default: the latest).")
    Integer version;

    @Option(
            names = "--evaluate",
            paramLabel = "PATH",
            description = "Also score each model against the sample "
                    + "generator's ground truth under PATH (identifiers/ and persons/): the seed's most over-represented latent "
                    + "interest, and how well the scores find eligible people who share it.")
    String evaluate;

    @Option(
            names = "--validate",
            description = "Check lookalike.yaml (with traits and segments) and exit; starts no Spark.")
    boolean validateOnly;

    /** The models (and the traits and segments they were checked against), and those this run trains or scores. */
    record Definitions(
            LookalikeModels models, ProfileRules traits, SegmentDefinitions segments, List<LookalikeModel> selected) {}

    @Override
    public String name() {
        return "lookalike";
    }

    @Override
    public Definitions load(AppConfig config) {
        AudienceDefinitions loaded = AudienceDefinitions.load(config);
        LookalikeModels models = loaded.lookalike(config);
        for (String id : modelIds) {
            if (models.byId(id).isEmpty()) {
                throw new ConfigException("--model: unknown model '" + id + "'; expected one of "
                        + models.models().stream().map(LookalikeModel::id).toList());
            }
        }
        if (version != null && (modelIds.size() != 1 || train)) {
            throw new ConfigException("--model-version: give exactly one --model, and not --train");
        }
        List<LookalikeModel> selected = modelIds.isEmpty()
                ? models.models()
                : modelIds.stream().map(id -> models.byId(id).orElseThrow()).toList();
        return new Definitions(models, loaded.traits(), loaded.segments(), selected);
    }

    /** What every model of the run reads: the date's profiles and rule segments, and the truth when evaluating. */
    private record Inputs(
            Dataset<Row> profiles,
            Dataset<Row> membership,
            Map<String, DataType> columns,
            long population,
            Set<String> evaluated,
            Dataset<Row> truth) {
        Dataset<Row> segment(String id) {
            return membership.where(col(SegmentTables.SEGMENT_ID).equalTo(id)).select(SegmentTables.PERSON_ID);
        }
    }

    /** A model scored: its version, its lookalike segment's members, its checked score rows, how many were eligible. */
    private record Scored(
            LookalikeModel model,
            int version,
            Dataset<Row> members,
            Map<String, Object> scorePartition,
            Dataset<Row> scoreRows,
            long eligible,
            List<Row> drift) {}

    /** The version a model scores with, and the lookalike_drift rows of the version checked (none when trained now). */
    private record Chosen(Row run, List<Row> drift) {}

    /** The lookalike segments of this run: members now, adds and removes against the previous date, and sizes. */
    private record Segments(
            List<String> ids, Dataset<Row> current, Dataset<Row> others, Dataset<Row> changes, List<Row> stats) {}

    @Override
    public JobResult run(JobContext context, Definitions definitions) {
        if (definitions.selected().isEmpty()) {
            // An environment without lookalike models still runs the nightly pipeline through this step.
            LOG.info(
                    "lookalike {}: no models in {}; nothing to train or score",
                    context.date(),
                    context.config().lookalike());
            return new JobResult(0, 0, 0, Map.of("models", 0L));
        }
        Inputs in = inputs(context, definitions);
        Map<String, Long> result = new LinkedHashMap<>();
        List<Scored> scored = new ArrayList<>();
        for (LookalikeModel model : definitions.selected()) {
            Scored s = score(context, definitions, in, model);
            scored.add(s);
            result.put(model.id() + ".eligible", s.eligible());
        }
        Segments segments = segments(context, definitions.segments().controlGroups(), scored, result);
        write(context, scored, segments);
        context.spark().catalog().clearCache();
        long eligible = scored.stream().mapToLong(Scored::eligible).sum();
        result.put("models", (long) scored.size());
        result.put("scored", eligible);
        return new JobResult(in.population(), eligible, 0, result);
    }

    private Inputs inputs(JobContext context, Definitions definitions) {
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        var profilesSpec = Profiles.spec(definitions.traits());
        if (!lake.exists(profilesSpec)) {
            throw new IllegalStateException("no profiles table: run profiles --date " + context.date() + " first");
        }
        if (!lake.exists(SegmentTables.STATS)) {
            throw new IllegalStateException("no segment tables: run segments --date " + context.date() + " first");
        }
        Dataset<Row> profiles =
                lake.read(profilesSpec).where(col(SegmentTables.DT).equalTo(lit(dt)));
        Dataset<Row> membership = lake.read(SegmentTables.MEMBERSHIP)
                .where(col(SegmentTables.DT)
                        .equalTo(lit(dt))
                        .and(col(SegmentTables.SOURCE).equalTo(SegmentTables.RULE_SOURCE)));
        Map<String, DataType> columns = new HashMap<>();
        for (StructField f : profiles.schema().fields()) {
            columns.put(f.name(), f.dataType());
        }
        Dataset<Row> truth = evaluate == null
                ? null
                : LatentInterestTruth.persons(
                                context.spark(),
                                evaluate,
                                GroundTruthIdentifiers.read(context.spark(), evaluate + "/identifiers"),
                                GraphVersions.asOf(lake.read(IdGraph.SPEC), dt.toLocalDate()))
                        .localCheckpoint();
        return new Inputs(profiles, membership, columns, profiles.count(), evaluatedRuleSegments(lake, dt), truth);
    }

    /**
     * Scores the model's eligible people with its chosen version (training one first when asked or when it has
     * none) and picks its lookalike segment at the model's reach; the score rows are checked now and written with
     * the segments, so every quality check passes before the first commit.
     */
    private Scored score(JobContext context, Definitions definitions, Inputs in, LookalikeModel model) {
        Date dt = Date.valueOf(context.date());
        requireEvaluated(in.evaluated(), model.seed(), dt);
        model.exclude().forEach(s -> requireEvaluated(in.evaluated(), s, dt));
        Dataset<Row> seed = in.segment(model.seed());
        Chosen chosen = chosen(context, definitions, in, model, seed);
        Row run = chosen.run();
        int v = run.getInt(run.fieldIndex(LookalikeTables.VERSION));
        List<Feature> features = featuresOf(model, run, in.columns());
        PipelineModel pipeline = PipelineModel.load(run.getString(run.fieldIndex(LookalikeTables.MODEL_PATH)));

        context.step(name(), "score " + model.id() + " v" + v);
        List<String> excludedSegments = new ArrayList<>(model.exclude());
        excludedSegments.add(model.seed());
        Dataset<Row> excluded =
                in.membership().where(col(SegmentTables.SEGMENT_ID).isin(excludedSegments.toArray()));
        Dataset<Row> eligible = LookalikeAudience.eligible(
                in.profiles(), excluded, model, definitions.segments().grantedValue());
        Dataset<Row> scores = LookalikeTraining.score(
                        pipeline,
                        LookalikeFeatures.prepare(eligible, features, context.date(), LookalikeTraining.PERSON_ID),
                        LookalikeTraining.PERSON_ID)
                .persist();
        long eligibleCount = scores.count();
        Dataset<Row> ranked = LookalikeRanking.rank(
                        scores, LookalikeTables.SCORE, LookalikeTables.PERSON_ID, LookalikeTables.RANK)
                .localCheckpoint();
        scores.unpersist();
        Map<String, Object> scorePartition = Map.of(LookalikeTables.DT, dt, LookalikeTables.MODEL_ID, model.id());
        Dataset<Row> scoreRows = context.lake()
                .checkBeforeWriting(LookalikeTables.SCORES, scoreRows(ranked, model, v, dt), scorePartition);
        Dataset<Row> members = LookalikeAudience.members(ranked, model, eligibleCount)
                .select(
                        lit(model.segmentId()).as(SegmentTables.SEGMENT_ID),
                        col(LookalikeTables.PERSON_ID),
                        col(LookalikeTables.SCORE));
        if (in.truth() != null) {
            evaluate(context, model, v, in.truth(), seed, ranked, members.count());
        }
        LOG.info(
                "{} v{}: {} of {} people eligible, reach {}",
                model.id(),
                v,
                eligibleCount,
                in.population(),
                model.reachText());
        return new Scored(model, v, members, scorePartition, scoreRows, eligibleCount, chosen.drift());
    }

    /**
     * The version to score with: a new one when asked (or when there is none); else the chosen one, after measuring
     * how far its features drifted since its training date, and a new one when that drift passes
     * retrain_when_psi_above (not when a version is pinned with --model-version).
     */
    private Chosen chosen(
            JobContext context, Definitions definitions, Inputs in, LookalikeModel model, Dataset<Row> seed) {
        if (train || latestRun(context.lake(), model.id()) == null) {
            return new Chosen(
                    train(context, definitions.models(), model, in.profiles(), seed, in.population()), List.of());
        }
        Row run = chosenRun(context.lake(), model.id());
        Map<String, Double> psi = drift(context, model, run, in);
        Double limit = model.monitoring().retrainWhenPsiAbove();
        boolean retrain =
                version == null && limit != null && psi.values().stream().anyMatch(p -> p > limit);
        List<Row> rows = new ArrayList<>();
        int checked = run.getInt(run.fieldIndex(LookalikeTables.VERSION));
        Date trainedFor = run.getDate(run.fieldIndex(LookalikeTables.TRAINED_FOR));
        for (Map.Entry<String, Double> e : psi.entrySet()) {
            rows.add(RowFactory.create(
                    model.id(), checked, trainedFor, e.getKey(), e.getValue(), retrain, Date.valueOf(context.date())));
        }
        if (retrain) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("  drift above retrain_when_psi_above %s: training a new version%n", limit);
            out.flush();
            run = train(context, definitions.models(), model, in.profiles(), seed, in.population());
        }
        return new Chosen(run, rows);
    }

    /**
     * Each feature's population stability index between the version's training date and the run date (over every
     * profile), reported with a warning for the shifted ones; none when the version was trained for this date or
     * keeps no training distribution (versions trained before drift was measured).
     */
    private Map<String, Double> drift(JobContext context, LookalikeModel model, Row run, Inputs in) {
        int v = run.getInt(run.fieldIndex(LookalikeTables.VERSION));
        Date trainedFor = run.getDate(run.fieldIndex(LookalikeTables.TRAINED_FOR));
        Map<String, List<FeatureDrift.Bin>> baseline = baseline(run);
        if (trainedFor.toLocalDate().equals(context.date()) || baseline.isEmpty()) {
            return Map.of();
        }
        context.step(name(), "drift of " + model.id() + " v" + v + " since " + trainedFor);
        List<Feature> features = featuresOf(model, run, in.columns());
        Map<String, Double> psi = FeatureDrift.psi(
                LookalikeFeatures.prepare(in.profiles(), features, context.date()), features, baseline);
        List<Map.Entry<String, Double>> worst = psi.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .toList();
        Function<Map.Entry<String, Double>, String> reading =
                e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue());
        List<String> shifted = worst.stream()
                .filter(e -> e.getValue() > FeatureDrift.WARNING)
                .map(reading)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s v%d drift since %s (population stability index, over %.2f = shifted): %s%n",
                model.id(),
                v,
                trainedFor,
                FeatureDrift.WARNING,
                worst.stream()
                        .limit(5)
                        .map(reading)
                        .reduce((a, b) -> a + ", " + b)
                        .orElse("no features"));
        if (!shifted.isEmpty()) {
            out.printf("  WARNING: %d feature(s) shifted: %s; consider --train%n", shifted.size(), shifted);
            LOG.warn("{} v{}: features shifted since {}: {}", model.id(), v, trainedFor, shifted);
        }
        out.flush();
        return psi;
    }

    /** A version's training distribution per feature (its model_runs row's feature_bins), or none. */
    private static Map<String, List<FeatureDrift.Bin>> baseline(Row run) {
        // Versions saved before drift was measured have no feature_bins column (or a null in it).
        if (!List.of(run.schema().fieldNames()).contains(LookalikeTables.FEATURE_BINS)
                || run.isNullAt(run.fieldIndex(LookalikeTables.FEATURE_BINS))) {
            return Map.of();
        }
        Map<String, List<FeatureDrift.Bin>> out = new LinkedHashMap<>();
        run.<String, Seq<Row>>getJavaMap(run.fieldIndex(LookalikeTables.FEATURE_BINS))
                .forEach((feature, bins) -> out.put(
                        feature,
                        CollectionConverters.asJava(bins).stream()
                                .map(b -> new FeatureDrift.Bin(
                                        b.getString(0), b.isNullAt(1) ? null : b.getDouble(1), b.getDouble(2)))
                                .toList()));
        return out;
    }

    /** The lookalike_scores rows of a model's ranked scores. */
    private static Dataset<Row> scoreRows(Dataset<Row> ranked, LookalikeModel model, int v, Date dt) {
        return ranked.withColumn(LookalikeTables.MODEL_ID, lit(model.id()))
                .withColumn(LookalikeTables.VERSION, lit(v))
                .withColumn(LookalikeTables.DT, lit(dt))
                .select(
                        LookalikeTables.MODEL_ID,
                        LookalikeTables.VERSION,
                        LookalikeTables.PERSON_ID,
                        LookalikeTables.SCORE,
                        LookalikeTables.RANK,
                        LookalikeTables.DT);
    }

    /** How well the scores find eligible people who share the seed's most over-represented latent interest. */
    private void evaluate(
            JobContext context,
            LookalikeModel model,
            int v,
            Dataset<Row> truth,
            Dataset<Row> seed,
            Dataset<Row> ranked,
            long members) {
        context.step(name(), "evaluate " + model.id() + " against " + evaluate);
        LatentInterestTruth.Result r =
                LatentInterestTruth.evaluate(truth, seed, ranked, members, activeIn30Days(context));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s v%d against latent interests: the seed is about '%s'; AUC %.3f; %.1f%% of "
                        + "lookalike members share it vs %.1f%% of eligible people (lift %.2f); among the %.0f%% of "
                        + "eligible people with a session in the last 30 days, AUC %.3f%n",
                model.id(),
                v,
                r.interest(),
                r.auc(),
                100 * r.memberRate(),
                100 * r.baseRate(),
                r.lift(),
                100 * r.activeShare(),
                r.activeAuc());
        out.flush();
    }

    /**
     * People with a session in the 30 days up to the run date: those whose interests could show in the lake at all
     * (the generator's interests drive only behaviour).
     */
    private static Dataset<Row> activeIn30Days(JobContext context) {
        if (!context.lake().exists(Sessions.SPEC)) {
            return context.spark()
                    .emptyDataFrame()
                    .withColumn(Sessions.PERSON_ID, lit(null).cast("string"));
        }
        Date dt = Date.valueOf(context.date());
        return context.lake()
                .read(Sessions.SPEC)
                .where(col(Sessions.DT)
                        .between(Date.valueOf(context.date().minusDays(29)), dt)
                        .and(col(Sessions.PERSON_ID).isNotNull()))
                .select(Sessions.PERSON_ID)
                .distinct();
    }

    /**
     * The lookalike segments' members, their adds and removes against each segment's previous date, and one
     * segment_stats row each (printed as a table); segments of models not run now keep their rows.
     */
    private Segments segments(
            JobContext context, ControlGroups controlGroups, List<Scored> scored, Map<String, Long> result) {
        context.step(name(), "lookalike segments and their changes");
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        Map<String, Double> controlShares = new HashMap<>();
        scored.forEach(s -> controlShares.put(s.model().segmentId(), s.model().controlShare()));
        Dataset<Row> current = controlGroups
                .assign(
                        scored.stream()
                                .map(Scored::members)
                                .reduce(Dataset::unionByName)
                                .orElseThrow(),
                        controlShares)
                .localCheckpoint();
        List<String> ids = scored.stream().map(s -> s.model().segmentId()).toList();
        Dataset<Row> previous = context.spark().createDataFrame(List.of(), SegmentTables.MEMBERSHIP.schema());
        Dataset<Row> others = previous;
        if (lake.exists(SegmentTables.MEMBERSHIP)) {
            // Before reading the rows to keep, so they carry the group column this run writes.
            lake.addMissingColumns(SegmentTables.MEMBERSHIP);
            lake.addMissingColumns(SegmentTables.STATS);
            Dataset<Row> membership = lake.read(SegmentTables.MEMBERSHIP);
            previous = SegmentEvaluation.previousMembers(membership, SegmentTables.LOOKALIKE_SOURCE, context.date());
            others = keepOthers(membership, dt, ids);
        }
        Dataset<Row> changes = SegmentEvaluation.changes(current, previous, ids, context.date())
                .localCheckpoint();
        Map<String, long[]> counts = new HashMap<>();
        // One row per segment of this run: small enough to list on the driver.
        for (Row r : SegmentEvaluation.counts(current, changes).collectAsList()) {
            counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)});
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-28s %-28s %8s %8s %8s %8s%n", "model", "segment", "size", "adds", "removes", "control");
        List<Row> stats = new ArrayList<>();
        for (Scored s : scored) {
            LookalikeModel model = s.model();
            long[] c = counts.getOrDefault(model.segmentId(), new long[4]);
            stats.add(statsRow(s, c, dt));
            out.printf(
                    "%-28s %-28s %8d %8d %8d %8d%n",
                    model.id() + " v" + s.version(), model.segmentId(), c[0], c[1], c[2], c[3]);
            result.put(model.id() + ".members", c[0]);
        }
        out.flush();
        return new Segments(ids, current, others, changes, stats);
    }

    /** The segment_stats row of a lookalike segment: size, adds, removes and control members. */
    private static Row statsRow(Scored s, long[] sizeAddsRemovesControl, Date dt) {
        LookalikeModel model = s.model();
        return RowFactory.create(
                model.segmentId(),
                model.name(),
                model.owner(),
                "lookalike of segment('" + model.seed() + "'), model " + model.id() + " v" + s.version() + ", reach "
                        + model.reachText(),
                model.consentPurpose(),
                model.labels().stream().sorted().toList(),
                sizeAddsRemovesControl[0],
                sizeAddsRemovesControl[1],
                sizeAddsRemovesControl[2],
                SegmentTables.LOOKALIKE_SOURCE,
                dt,
                sizeAddsRemovesControl[3]);
    }

    /** Checks the lookalike segments, then writes the scores, the segments, their changes and their stats. */
    private void write(JobContext context, List<Scored> scored, Segments segments) {
        context.step(name(), "write lookalike scores and segments");
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        Map<String, Object> partition =
                Map.of(SegmentTables.DT, dt, SegmentTables.SOURCE, SegmentTables.LOOKALIKE_SOURCE);
        Dataset<Row> memberRows = lake.checkBeforeWriting(
                SegmentTables.MEMBERSHIP,
                segments.current()
                        .withColumn(SegmentTables.SOURCE, lit(SegmentTables.LOOKALIKE_SOURCE))
                        // A lookalike member is chosen by the model each run: no rule date to keep.
                        .withColumn(SegmentTables.QUALIFIED_ON, lit(null).cast("date"))
                        .withColumn(SegmentTables.DT, lit(dt))
                        .select(
                                SegmentTables.SEGMENT_ID,
                                SegmentTables.PERSON_ID,
                                SegmentTables.SCORE,
                                SegmentTables.SOURCE,
                                SegmentTables.DT,
                                SegmentTables.AUDIENCE_GROUP,
                                SegmentTables.QUALIFIED_ON)
                        .unionByName(segments.others()),
                partition);
        scored.forEach(s -> writeScores(context, s));
        lake.overwritePartition(SegmentTables.MEMBERSHIP, memberRows, partition);
        Dataset<Row> otherChanges = context.spark().createDataFrame(List.of(), SegmentTables.CHANGES.schema());
        Dataset<Row> otherStats = context.spark().createDataFrame(List.of(), SegmentTables.STATS.schema());
        if (lake.exists(SegmentTables.CHANGES)) {
            otherChanges = keepOthers(lake.read(SegmentTables.CHANGES), dt, segments.ids());
            otherStats = keepOthers(lake.read(SegmentTables.STATS), dt, segments.ids());
        }
        lake.overwritePartition(
                SegmentTables.CHANGES,
                segments.changes()
                        .withColumn(SegmentTables.SOURCE, lit(SegmentTables.LOOKALIKE_SOURCE))
                        .select(
                                SegmentTables.SEGMENT_ID,
                                SegmentTables.PERSON_ID,
                                SegmentTables.CHANGE,
                                SegmentTables.SOURCE,
                                SegmentTables.DT)
                        .unionByName(otherChanges),
                partition);
        lake.overwritePartition(
                SegmentTables.STATS,
                context.spark()
                        .createDataFrame(segments.stats(), SegmentTables.STATS.schema())
                        .unionByName(otherStats),
                partition);
    }

    /** A model's scores, and the drift of the version it checked when it measured any. */
    private static void writeScores(JobContext context, Scored s) {
        context.lake().overwritePartition(LookalikeTables.SCORES, s.scoreRows(), s.scorePartition());
        if (!s.drift().isEmpty()) {
            context.lake()
                    .overwritePartition(
                            LookalikeTables.DRIFT,
                            context.spark().createDataFrame(s.drift(), LookalikeTables.DRIFT.schema()),
                            s.scorePartition());
        }
    }

    /** The date's rows of lookalike segments other than this run's: the partition is rewritten whole. */
    static Dataset<Row> keepOthers(Dataset<Row> table, Date dt, List<String> segmentIds) {
        return table.where(col(SegmentTables.DT)
                        .equalTo(lit(dt))
                        .and(col(SegmentTables.SOURCE).equalTo(SegmentTables.LOOKALIKE_SOURCE))
                        .and(not(col(SegmentTables.SEGMENT_ID).isin(segmentIds.toArray()))))
                .localCheckpoint();
    }

    /** A model's training and held-out rows, and how many of each role and label. */
    /**
     * @param model the model as trained: with auto features, without those training dropped
     * @param dropped with auto features, every profiles column left out and why
     */
    private record TrainingSet(
            long seedSize,
            long population,
            Dataset<Row> prepared,
            Dataset<Row> assigned,
            Map<String, Long> roles,
            LookalikeModel model,
            Map<String, String> dropped) {
        long count(String role, double label) {
            return roles.getOrDefault(role + "/" + label, 0L);
        }
    }

    /** Trains, evaluates and saves a new version; returns its model_runs row. */
    private Row train(
            JobContext context,
            LookalikeModels models,
            LookalikeModel model,
            Dataset<Row> profiles,
            Dataset<Row> seedMembers,
            long population) {
        context.step(name(), "train " + model.id() + " on seed " + model.seed());
        TrainingSet set = trainingSet(context, models, model, profiles, seedMembers, population);
        LookalikeTraining.useCheckpointDirectory(
                context.spark(), DataPaths.join(context.config().paths().warehouse(), "_checkpoints/lookalike"));
        Trained trained;
        try {
            trained = set.model().pu().fit(set.assigned(), set.model(), TRAINING_SEED);
        } finally {
            LookalikeTraining.dropCheckpointDirectory(context.spark());
        }

        context.step(name(), "evaluate " + model.id());
        Metrics metrics = LookalikeEvaluation.evaluate(
                LookalikeTraining.score(
                        trained.model(),
                        set.assigned().where(col(LookalikeTraining.ROLE).notEqual(LookalikeTraining.TRAIN)),
                        LookalikeTraining.PERSON_ID,
                        LookalikeTraining.LABEL),
                model);

        context.step(name(), "training distribution of " + model.id() + "'s features");
        Map<String, List<FeatureDrift.Bin>> bins =
                FeatureDrift.baseline(set.prepared(), set.model().features());

        Row previous = latestRun(context.lake(), model.id());
        int v = previous == null ? 1 : previous.getInt(1) + 1;
        String path = DataPaths.join(context.config().paths().warehouse(), "models/" + model.id() + "/v" + v);
        try {
            // A version is only real once model_runs names it: a killed run's files are overwritten by the next.
            trained.model().write().overwrite().save(path);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save model to " + path, e);
        }
        // model_runs tables made before lift_curve existed get the column (older versions keep it empty).
        context.lake().addMissingColumns(LookalikeTables.MODEL_RUNS);
        context.lake()
                .merge(
                        LookalikeTables.MODEL_RUNS,
                        context.spark()
                                .createDataFrame(
                                        List.of(modelRun(context, v, set, trained, metrics, path, bins)),
                                        LookalikeTables.MODEL_RUNS.schema()));
        report(v, set, trained, metrics);
        LOG.info("{} v{} saved to {}", model.id(), v, path);
        return latestRun(context.lake(), model.id());
    }

    /**
     * The seed members with a profile (refused below min_seed), split into training and held-out rows with
     * negatives from everyone else; refused when a feature has one value for every training row.
     */
    private static TrainingSet trainingSet(
            JobContext context,
            LookalikeModels models,
            LookalikeModel model,
            Dataset<Row> profiles,
            Dataset<Row> seedMembers,
            long population) {
        Dataset<Row> seed = seedMembers
                .join(profiles.select(LookalikeTraining.PERSON_ID), LookalikeTraining.PERSON_ID)
                .distinct()
                .persist();
        long seedSize = seed.count();
        if (seedSize < models.minSeed()) {
            seed.unpersist();
            throw new LookalikeTrainingException("lookalike model " + model.id() + ": seed segment " + model.seed()
                    + " has " + seedSize + " members with a profile on " + context.date() + "; at least "
                    + models.minSeed()
                    + " are needed to train (min_seed in " + context.config().lookalike() + ")");
        }
        Split split = LookalikeTraining.split(seedSize, population - seedSize, model, models.maxEvaluationRows());
        Dataset<Row> prepared =
                LookalikeFeatures.prepare(profiles, model.features(), context.date(), LookalikeTraining.PERSON_ID);
        Dataset<Row> assigned =
                LookalikeTraining.assign(prepared, seed, model, split).localCheckpoint();
        seed.unpersist();
        Dataset<Row> trainRows = assigned.where(col(LookalikeTraining.ROLE).equalTo(LookalikeTraining.TRAIN));
        List<String> constant = LookalikeFeatures.withoutVariance(trainRows, model.features());
        Map<String, String> dropped = new LinkedHashMap<>(model.excludedFeatures());
        LookalikeModel trained = model;
        if (model.autoFeatures()) {
            trained = leakFree(model, trainRows, constant, dropped);
        } else if (!constant.isEmpty()) {
            throw new LookalikeTrainingException("lookalike model " + model.id() + ": feature(s) " + constant
                    + " have the same value for every training row on " + context.date()
                    + ", so they cannot tell the seed from others; drop them from features in "
                    + context.config().lookalike());
        }
        Map<String, Long> roles = new HashMap<>();
        // At most four (role, label) rows.
        assigned.groupBy(LookalikeTraining.ROLE, LookalikeTraining.LABEL)
                .count()
                .collectAsList()
                .forEach(r -> roles.put(r.getString(0) + "/" + r.getDouble(1), r.getLong(2)));
        return new TrainingSet(seedSize, population, prepared, assigned, roles, trained, dropped);
    }

    /**
     * Auto features without those that cannot help (one value for every training row) or give the seed away
     * (correlation with seed membership of at least max_feature_correlation), each added to {@code dropped}.
     */
    private static LookalikeModel leakFree(
            LookalikeModel model, Dataset<Row> trainRows, List<String> constant, Map<String, String> dropped) {
        Map<String, Double> correlations = LookalikeFeatures.labelCorrelations(trainRows, model.features());
        List<Feature> kept = new ArrayList<>();
        for (Feature f : model.features()) {
            Double r = correlations.get(f.column());
            if (constant.contains(f.column())) {
                dropped.put(f.column(), "the same value for every training row");
            } else if (r != null && Math.abs(r) >= model.maxFeatureCorrelation()) {
                dropped.put(
                        f.column(),
                        String.format(
                                Locale.ROOT,
                                "correlation %.3f with seed membership on the training set (max_feature_correlation %s)",
                                r,
                                model.maxFeatureCorrelation()));
            } else {
                kept.add(f);
            }
        }
        if (kept.isEmpty()) {
            throw new LookalikeTrainingException(
                    "lookalike model " + model.id() + ": features: auto left no feature: " + dropped);
        }
        return model.withFeatures(kept);
    }

    /** The model_runs row of a trained version. */
    private static Row modelRun(
            JobContext context,
            int v,
            TrainingSet set,
            Trained trained,
            Metrics metrics,
            String path,
            Map<String, List<FeatureDrift.Bin>> bins) {
        LookalikeModel model = set.model();
        Map<String, List<Row>> binRows = new LinkedHashMap<>();
        bins.forEach((feature, list) -> binRows.put(
                feature,
                list.stream()
                        .map(b -> RowFactory.create(b.label(), b.upper(), b.share()))
                        .toList()));
        return RowFactory.create(
                model.id(),
                v,
                Timestamp.from(Instant.now()),
                Date.valueOf(context.date()),
                model.seed(),
                set.seedSize(),
                set.count(LookalikeTraining.TRAIN, 1.0),
                set.count(LookalikeTraining.TRAIN, 0.0),
                set.count(LookalikeTraining.HOLDOUT, 1.0),
                metrics.evaluated(),
                model.algorithm().yamlName(),
                model.features().stream().map(Feature::column).toList(),
                trained.params(),
                nan(metrics.auc()),
                model.reachText(),
                nan(metrics.recallAtReach()),
                nan(metrics.lift()[0]),
                nan(metrics.lift()[1]),
                nan(metrics.lift()[2]),
                trained.importances(),
                path,
                liftCurve(metrics),
                set.dropped(),
                model.pu().yamlName(),
                trained.labelFrequency(),
                reachCurve(metrics, set),
                nan(metrics.recommendedReach(model.monitoring().minLift())),
                model.monitoring().minLift(),
                binRows);
    }

    /**
     * Reach, recall, precision proxy and lift at each depth of the curve up to the largest reach a model may take.
     * Precision is lift times the seed's share of the population: the share of seed members the reach would hold
     * if the population were like the evaluated people; unlabelled people like the seed count as misses in both.
     */
    private static List<Row> reachCurve(Metrics metrics, TrainingSet set) {
        double seedShare = (double) set.seedSize() / Math.max(1, set.population());
        List<Row> points = new ArrayList<>();
        for (int i = 0; i < LookalikeEvaluation.CURVE_DEPTHS.length; i++) {
            double depth = LookalikeEvaluation.CURVE_DEPTHS[i];
            if (depth <= LookalikeEvaluation.MAX_RECOMMENDED + 1e-9) {
                double lift = metrics.liftCurve()[i];
                points.add(RowFactory.create(
                        depth,
                        nan(metrics.recallCurve()[i]),
                        nan(Math.min(1.0, lift * seedShare)),
                        nan(lift),
                        nan(metrics.marginalLift(i))));
            }
        }
        return points;
    }

    private void report(int v, TrainingSet set, Trained trained, Metrics metrics) {
        LookalikeModel model = set.model();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s v%d trained on %d seed members (%d held out) and %d negatives: AUC %.3f, "
                        + "recall at reach %s %.3f, lift at 1%%/5%%/10%% %.2f/%.2f/%.2f%n",
                model.id(),
                v,
                set.seedSize(),
                metrics.positives(),
                set.count(LookalikeTraining.TRAIN, 0.0),
                metrics.auc(),
                model.reachText(),
                metrics.recallAtReach(),
                metrics.lift()[0],
                metrics.lift()[1],
                metrics.lift()[2]);
        out.printf("  top features: %s%n", top(trained.importances()));
        reportReach(out, model, metrics, set);
        if (trained.labelFrequency() != null) {
            out.printf(
                    Locale.ROOT,
                    "  positive-unlabelled: %s, label frequency %.3f%n",
                    model.pu().yamlName(),
                    trained.labelFrequency());
        }
        if (model.autoFeatures()) {
            out.printf(
                    "  features: auto, %d used; left out: %s%n",
                    model.features().size(),
                    set.dropped().entrySet().stream()
                            .map(e -> e.getKey() + " (" + e.getValue() + ")")
                            .reduce((a, b) -> a + "; " + b)
                            .orElse("none"));
        }
        out.flush();
    }

    /** The reach curve as a small table, and the reach recommended by the lift floor. */
    private static void reportReach(PrintWriter out, LookalikeModel model, Metrics metrics, TrainingSet set) {
        out.printf("  %-10s %8s %10s %6s %12s%n", "reach", "recall", "precision", "lift", "added lift");
        for (Row p : reachCurve(metrics, set)) {
            out.printf(
                    Locale.ROOT,
                    "  %-10s %8s %10s %6s %12s%n",
                    String.format(Locale.ROOT, "%.1f%%", 100 * p.getDouble(0)),
                    fixed(p.get(1), 3),
                    fixed(p.get(2), 3),
                    fixed(p.get(3), 2),
                    fixed(p.get(4), 2));
        }
        double recommended = metrics.recommendedReach(model.monitoring().minLift());
        double minLift = model.monitoring().minLift();
        out.println(
                Double.isNaN(recommended)
                        ? String.format(
                                Locale.ROOT,
                                "  no reach keeps lift >= %.2f (min_lift): the model barely tells "
                                        + "the seed from others",
                                minLift)
                        : String.format(
                                Locale.ROOT,
                                "  recommended reach %.1f%% (beyond it the people added are less than %.2f times "
                                        + "as seed-like as random, min_lift; configured %s)",
                                100 * recommended,
                                minLift,
                                model.reachText()));
    }

    private static String fixed(Object v, int digits) {
        return v == null ? "-" : String.format(Locale.ROOT, "%." + digits + "f", (Double) v);
    }

    private static List<Row> liftCurve(Metrics metrics) {
        List<Row> points = new ArrayList<>();
        for (int i = 0; i < LookalikeEvaluation.CURVE_DEPTHS.length; i++) {
            points.add(RowFactory.create(LookalikeEvaluation.CURVE_DEPTHS[i], nan(metrics.liftCurve()[i])));
        }
        return points;
    }

    private static String top(Map<String, Double> importances) {
        return importances.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(5)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** Rule segments the segments job evaluated for the date (one row each in segment_stats). */
    private static Set<String> evaluatedRuleSegments(LakeTables lake, Date dt) {
        return new HashSet<>(lake.read(SegmentTables.STATS)
                .where(col(SegmentTables.DT)
                        .equalTo(lit(dt))
                        .and(col(SegmentTables.SOURCE).equalTo(SegmentTables.RULE_SOURCE)))
                .select(SegmentTables.SEGMENT_ID)
                .as(Encoders.STRING())
                .collectAsList());
    }

    private static void requireEvaluated(Set<String> evaluated, String segment, Date dt) {
        if (!evaluated.contains(segment)) {
            throw new IllegalStateException(
                    "segment " + segment + " was not evaluated for " + dt + ": run segments --date " + dt + " first");
        }
    }

    private static Row latestRun(LakeTables lake, String modelId) {
        if (!lake.exists(LookalikeTables.MODEL_RUNS)) {
            return null;
        }
        List<Row> rows = lake.read(LookalikeTables.MODEL_RUNS)
                .where(col(LookalikeTables.MODEL_ID).equalTo(modelId))
                .orderBy(col(LookalikeTables.VERSION).desc())
                .limit(1)
                .collectAsList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    private Row chosenRun(LakeTables lake, String modelId) {
        if (version == null) {
            return latestRun(lake, modelId);
        }
        List<Row> rows = lake.read(LookalikeTables.MODEL_RUNS)
                .where(col(LookalikeTables.MODEL_ID)
                        .equalTo(modelId)
                        .and(col(LookalikeTables.VERSION).equalTo(version)))
                .collectAsList();
        if (rows.isEmpty()) {
            throw new IllegalStateException("model " + modelId + " has no version " + version + " in model_runs");
        }
        return rows.get(0);
    }

    /** The features a saved version was trained on, typed by today's profiles. */
    private static List<Feature> featuresOf(LookalikeModel model, Row run, Map<String, DataType> columns) {
        List<String> names = run.getList(run.fieldIndex(LookalikeTables.FEATURES));
        List<Feature> out = new ArrayList<>();
        for (String n : names) {
            Feature configured = model.features().stream()
                    .filter(f -> f.column().equals(n))
                    .findFirst()
                    .orElse(null);
            if (configured != null) {
                out.add(configured);
                continue;
            }
            DataType type = columns.get(n);
            if (type == null) {
                throw new IllegalStateException("model " + model.id() + " v" + run.getInt(1) + " uses profiles column "
                        + n + ", which profiles no longer has; train a new version (--train)");
            }
            out.add(new Feature(n, LookalikeModelsLoader.kindOf(type)));
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (validateOnly) {
            return JobRunner.validateOnly(this, options, spec, (config, definitions, out) -> {
                LookalikeModels models = definitions.models();
                out.printf(
                        "%s: %d lookalike models valid%n",
                        config.lookalike(), models.models().size());
                for (LookalikeModel m : models.models()) {
                    out.printf(
                            "  %-28s seed %s, %s, reach %s, %d features%n",
                            m.id(),
                            m.seed(),
                            m.algorithm().yamlName(),
                            m.reachText(),
                            m.features().size());
                }
            });
        }
        return JobRunner.exitCode(this, options, spec);
    }
}
