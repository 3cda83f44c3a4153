package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.config.DataPaths;
import io.audiencelake.common.identity.GroundTruthIdentifiers;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
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

    @Override
    public JobResult run(JobContext context, Definitions definitions) {
        LookalikeModels models = definitions.models();
        ProfileRules traits = definitions.traits();
        SegmentDefinitions segments = definitions.segments();
        List<LookalikeModel> selected = definitions.selected;
        if (selected.isEmpty()) {
            // An environment without lookalike models still runs the nightly pipeline through this step.
            LOG.info(
                    "lookalike {}: no models in {}; nothing to train or score",
                    context.date(),
                    context.config().lookalike());
            return new JobResult(0, 0, 0, Map.of("models", 0L));
        }
        LakeTables lake = context.lake();
        Date dt = Date.valueOf(context.date());
        var profilesSpec = Profiles.spec(traits);
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
        PrintWriter out = spec.commandLine().getOut();
        List<Dataset<Row>> members = new ArrayList<>();
        Map<Map<String, Object>, Dataset<Row>> scoreWrites = new LinkedHashMap<>();
        List<Row> stats = new ArrayList<>();
        Map<String, Long> result = new LinkedHashMap<>();
        long scored = 0;
        long population = profiles.count();
        Dataset<Row> truth = null;
        Set<String> evaluated = evaluatedRuleSegments(lake, dt);
        Map<String, Integer> versions = new HashMap<>();
        for (LookalikeModel model : selected) {
            requireEvaluated(evaluated, model.seed(), dt);
            model.exclude().forEach(s -> requireEvaluated(evaluated, s, dt));
            Dataset<Row> seed = membership
                    .where(col(SegmentTables.SEGMENT_ID).equalTo(model.seed()))
                    .select(SegmentTables.PERSON_ID);
            Row run = train || latestRun(lake, model.id()) == null
                    ? train(context, models, model, profiles, seed, population, out)
                    : chosenRun(lake, model.id());
            int v = run.getInt(run.fieldIndex(LookalikeTables.VERSION));
            versions.put(model.id(), v);
            List<Feature> features = featuresOf(model, run, columns);
            PipelineModel pipeline = PipelineModel.load(run.getString(run.fieldIndex(LookalikeTables.MODEL_PATH)));

            context.step(name(), "score " + model.id() + " v" + v);
            List<String> excludedSegments = new ArrayList<>(model.exclude());
            excludedSegments.add(model.seed());
            Dataset<Row> excluded =
                    membership.where(col(SegmentTables.SEGMENT_ID).isin(excludedSegments.toArray()));
            Dataset<Row> eligible = LookalikeAudience.eligible(profiles, excluded, model, segments.grantedValue());
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
            // Checked now, written with the segments: every quality check passes before the first commit.
            Map<String, Object> scorePartition = Map.of(LookalikeTables.DT, dt, LookalikeTables.MODEL_ID, model.id());
            scoreWrites.put(
                    scorePartition,
                    lake.checkBeforeWriting(
                            LookalikeTables.SCORES,
                            ranked.withColumn(LookalikeTables.MODEL_ID, lit(model.id()))
                                    .withColumn(LookalikeTables.VERSION, lit(v))
                                    .withColumn(LookalikeTables.DT, lit(dt))
                                    .select(
                                            LookalikeTables.MODEL_ID,
                                            LookalikeTables.VERSION,
                                            LookalikeTables.PERSON_ID,
                                            LookalikeTables.SCORE,
                                            LookalikeTables.RANK,
                                            LookalikeTables.DT),
                            scorePartition));
            Dataset<Row> chosen = LookalikeAudience.members(ranked, model, eligibleCount)
                    .select(
                            lit(model.segmentId()).as(SegmentTables.SEGMENT_ID),
                            col(LookalikeTables.PERSON_ID),
                            col(LookalikeTables.SCORE));
            members.add(chosen);
            if (evaluate != null) {
                context.step(name(), "evaluate " + model.id() + " against " + evaluate);
                if (truth == null) {
                    truth = LatentInterestTruth.persons(
                                    context.spark(),
                                    evaluate,
                                    GroundTruthIdentifiers.read(context.spark(), evaluate + "/identifiers"),
                                    lake.read(IdGraph.SPEC)
                                            .where(col(IdGraph.DT).equalTo(lit(dt))))
                            .localCheckpoint();
                }
                LatentInterestTruth.Result r = LatentInterestTruth.evaluate(truth, seed, ranked, chosen.count());
                out.printf(
                        Locale.ROOT,
                        "%s v%d against latent interests: the seed is about '%s'; AUC %.3f; %.1f%% of "
                                + "lookalike members share it vs %.1f%% of eligible people (lift %.2f)%n",
                        model.id(),
                        v,
                        r.interest(),
                        r.auc(),
                        100 * r.memberRate(),
                        100 * r.baseRate(),
                        r.lift());
                out.flush();
            }
            scored += eligibleCount;
            result.put(model.id() + ".eligible", eligibleCount);
            LOG.info(
                    "{} v{}: {} of {} people eligible, reach {}",
                    model.id(),
                    v,
                    eligibleCount,
                    population,
                    model.reachText());
        }

        context.step(name(), "lookalike segments and their changes");
        Dataset<Row> current =
                members.stream().reduce(Dataset::unionByName).orElseThrow().localCheckpoint();
        List<String> segmentIds =
                selected.stream().map(LookalikeModel::segmentId).toList();
        Dataset<Row> previous = context.spark().createDataFrame(List.of(), SegmentTables.MEMBERSHIP.schema());
        Dataset<Row> others = previous;
        if (lake.exists(SegmentTables.MEMBERSHIP)) {
            Dataset<Row> lookalike = lake.read(SegmentTables.MEMBERSHIP)
                    .where(col(SegmentTables.SOURCE).equalTo(SegmentTables.LOOKALIKE_SOURCE));
            Dataset<Row> earlier = lookalike.where(col(SegmentTables.DT).lt(lit(dt)));
            Dataset<Row> latest = earlier.groupBy(SegmentTables.SEGMENT_ID)
                    .agg(max(SegmentTables.DT).as(SegmentTables.DT));
            previous = earlier.join(latest, new String[] {SegmentTables.SEGMENT_ID, SegmentTables.DT}, "left_semi");
            // The partition is rewritten whole: segments of models not run now keep their rows.
            others = lookalike
                    .where(col(SegmentTables.DT)
                            .equalTo(lit(dt))
                            .and(col(SegmentTables.SEGMENT_ID)
                                    .isin(segmentIds.toArray())
                                    .unary_$bang()))
                    .localCheckpoint();
        }
        Dataset<Row> changes = SegmentEvaluation.changes(current, previous, segmentIds, context.date())
                .localCheckpoint();
        Map<String, long[]> counts = new HashMap<>();
        for (Row r : SegmentEvaluation.counts(current, changes).collectAsList()) {
            counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
        }
        out.printf("%-28s %-28s %8s %8s %8s%n", "model", "segment", "size", "adds", "removes");
        for (LookalikeModel model : selected) {
            long[] c = counts.getOrDefault(model.segmentId(), new long[3]);
            int v = versions.get(model.id());
            stats.add(RowFactory.create(
                    model.segmentId(),
                    model.name(),
                    model.owner(),
                    "lookalike of segment('" + model.seed() + "'), model " + model.id() + " v" + v + ", reach "
                            + model.reachText(),
                    model.consentPurpose(),
                    model.labels().stream().sorted().toList(),
                    c[0],
                    c[1],
                    c[2],
                    SegmentTables.LOOKALIKE_SOURCE,
                    dt));
            out.printf("%-28s %-28s %8d %8d %8d%n", model.id() + " v" + v, model.segmentId(), c[0], c[1], c[2]);
            result.put(model.id() + ".members", c[0]);
        }
        out.flush();

        context.step(name(), "write lookalike scores and segments");
        Map<String, Object> partition =
                Map.of(SegmentTables.DT, dt, SegmentTables.SOURCE, SegmentTables.LOOKALIKE_SOURCE);
        Dataset<Row> memberRows = lake.checkBeforeWriting(
                SegmentTables.MEMBERSHIP,
                current.withColumn(SegmentTables.SOURCE, lit(SegmentTables.LOOKALIKE_SOURCE))
                        .withColumn(SegmentTables.DT, lit(dt))
                        .select(
                                SegmentTables.SEGMENT_ID,
                                SegmentTables.PERSON_ID,
                                SegmentTables.SCORE,
                                SegmentTables.SOURCE,
                                SegmentTables.DT)
                        .unionByName(others),
                partition);
        scoreWrites.forEach(
                (scorePartition, rows) -> lake.overwritePartition(LookalikeTables.SCORES, rows, scorePartition));
        lake.overwritePartition(SegmentTables.MEMBERSHIP, memberRows, partition);
        Dataset<Row> otherChanges = context.spark().createDataFrame(List.of(), SegmentTables.CHANGES.schema());
        Dataset<Row> otherStats = context.spark().createDataFrame(List.of(), SegmentTables.STATS.schema());
        if (lake.exists(SegmentTables.CHANGES)) {
            otherChanges = keepOthers(lake.read(SegmentTables.CHANGES), dt, segmentIds);
            otherStats = keepOthers(lake.read(SegmentTables.STATS), dt, segmentIds);
        }
        lake.overwritePartition(
                SegmentTables.CHANGES,
                changes.withColumn(SegmentTables.SOURCE, lit(SegmentTables.LOOKALIKE_SOURCE))
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
                        .createDataFrame(stats, SegmentTables.STATS.schema())
                        .unionByName(otherStats),
                partition);
        context.spark().catalog().clearCache();
        result.put("models", (long) selected.size());
        result.put("scored", scored);
        return new JobResult(population, scored, 0, result);
    }

    private static Dataset<Row> keepOthers(Dataset<Row> table, Date dt, List<String> segmentIds) {
        return table.where(col(SegmentTables.DT)
                        .equalTo(lit(dt))
                        .and(col(SegmentTables.SOURCE).equalTo(SegmentTables.LOOKALIKE_SOURCE))
                        .and(col(SegmentTables.SEGMENT_ID)
                                .isin(segmentIds.toArray())
                                .unary_$bang()))
                .localCheckpoint();
    }

    /** Trains, evaluates and saves a new version; returns its model_runs row. */
    private Row train(
            JobContext context,
            LookalikeModels models,
            LookalikeModel model,
            Dataset<Row> profiles,
            Dataset<Row> seedMembers,
            long population,
            PrintWriter out) {
        context.step(name(), "train " + model.id() + " on seed " + model.seed());
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
        if (!constant.isEmpty()) {
            throw new LookalikeTrainingException("lookalike model " + model.id() + ": feature(s) " + constant
                    + " have the same value for every training row on " + context.date()
                    + ", so they cannot tell the seed from others; drop them from features in "
                    + context.config().lookalike());
        }
        Map<String, Long> roles = new HashMap<>();
        assigned.groupBy(LookalikeTraining.ROLE, LookalikeTraining.LABEL)
                .count()
                .collectAsList()
                .forEach(r -> roles.put(r.getString(0) + "/" + r.getDouble(1), r.getLong(2)));
        Trained trained = LookalikeTraining.fit(assigned, model, TRAINING_SEED);

        context.step(name(), "evaluate " + model.id());
        Metrics metrics = LookalikeEvaluation.evaluate(
                LookalikeTraining.score(
                        trained.model(),
                        assigned.where(col(LookalikeTraining.ROLE).notEqual(LookalikeTraining.TRAIN)),
                        LookalikeTraining.PERSON_ID,
                        LookalikeTraining.LABEL),
                model);

        Row previous = latestRun(context.lake(), model.id());
        int v = previous == null ? 1 : previous.getInt(1) + 1;
        String path = DataPaths.join(context.config().paths().warehouse(), "models/" + model.id() + "/v" + v);
        try {
            // A version is only real once model_runs names it: a killed run's files are overwritten by the next.
            trained.model().write().overwrite().save(path);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save model to " + path, e);
        }
        Row row = RowFactory.create(
                model.id(),
                v,
                Timestamp.from(Instant.now()),
                Date.valueOf(context.date()),
                model.seed(),
                seedSize,
                roles.getOrDefault(LookalikeTraining.TRAIN + "/1.0", 0L),
                roles.getOrDefault(LookalikeTraining.TRAIN + "/0.0", 0L),
                roles.getOrDefault(LookalikeTraining.HOLDOUT + "/1.0", 0L),
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
                liftCurve(metrics));
        // model_runs tables made before lift_curve existed get the column (older versions keep it empty).
        context.lake().addMissingColumns(LookalikeTables.MODEL_RUNS);
        context.lake()
                .merge(
                        LookalikeTables.MODEL_RUNS,
                        context.spark().createDataFrame(List.of(row), LookalikeTables.MODEL_RUNS.schema()));
        out.printf(
                Locale.ROOT,
                "%s v%d trained on %d seed members (%d held out) and %d negatives: AUC %.3f, "
                        + "recall at reach %s %.3f, lift at 1%%/5%%/10%% %.2f/%.2f/%.2f%n",
                model.id(),
                v,
                seedSize,
                metrics.positives(),
                roles.getOrDefault(LookalikeTraining.TRAIN + "/0.0", 0L),
                metrics.auc(),
                model.reachText(),
                metrics.recallAtReach(),
                metrics.lift()[0],
                metrics.lift()[1],
                metrics.lift()[2]);
        out.printf("  top features: %s%n", top(trained.importances()));
        out.flush();
        LOG.info("{} v{} saved to {}", model.id(), v, path);
        return latestRun(context.lake(), model.id());
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
