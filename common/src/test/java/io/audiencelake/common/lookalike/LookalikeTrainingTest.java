package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.lookalike.LookalikeEvaluation.Metrics;
import io.audiencelake.common.lookalike.LookalikeModel.Feature;
import io.audiencelake.common.lookalike.LookalikeModel.FeatureKind;
import io.audiencelake.common.lookalike.LookalikeModel.Tuning;
import io.audiencelake.common.lookalike.LookalikeTraining.Split;
import io.audiencelake.common.lookalike.LookalikeTraining.Trained;
import io.audiencelake.common.spark.TestLake;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookalike training, evaluation and audience on a small population where every fifth person is a seed
 * member and seed members view many more pages (separable), so the answers are known.
 */
class LookalikeTrainingTest {
    private static final LocalDate DATE = LocalDate.of(2025, 6, 1);
    private static final List<Feature> FEATURES = List.of(
            new Feature("page_views_30d", FeatureKind.NUMERIC),
            new Feature("last_device_type", FeatureKind.CATEGORICAL),
            new Feature("birth_date", FeatureKind.DAYS_BEFORE),
            new Feature("tp_travel_affinity", FeatureKind.NUMERIC));

    @TempDir
    Path dir;

    /** 1,000 people p0000..p0999; p0000, p0005, ... are the seed; every third person denied consent. */
    private static Dataset<Row> profiles() {
        SparkSession spark = TestLake.spark();
        return spark.range(0, 1000)
                .select(
                        concat(lit("p"), lpad(col("id").cast("string"), 4, "0")).as("person_id"),
                        when(col("id").mod(5).equalTo(0), lit(20).plus(col("id").mod(7)))
                                .otherwise(col("id").mod(9))
                                .cast("long")
                                .as("page_views_30d"),
                        when(col("id").mod(2).equalTo(0), lit("desktop"))
                                .otherwise(lit("mobile"))
                                .as("last_device_type"),
                        date_sub(
                                        lit(Date.valueOf("1990-01-01")),
                                        col("id").mod(3000).cast("int"))
                                .as("birth_date"),
                        when(col("id").mod(4).equalTo(0), lit(null))
                                .otherwise(col("id").mod(10).divide(10.0))
                                .as("tp_travel_affinity"),
                        lit(0L).as("purchases_1d"),
                        when(col("id").mod(3).equalTo(0), lit("denied"))
                                .otherwise(lit("granted"))
                                .as("consent_ad_targeting"),
                        col("id").mod(5).equalTo(0).as("is_seed"));
    }

    private static Dataset<Row> seed() {
        return profiles().where(col("is_seed")).select("person_id");
    }

    private static LookalikeModel model(Algorithm algorithm, Map<String, Double> params, Tuning tuning) {
        return model(algorithm, params, tuning, PuMethod.NONE);
    }

    private static LookalikeModel model(Algorithm algorithm, Map<String, Double> params, Tuning tuning, PuMethod pu) {
        return model("m", algorithm, params, tuning, pu);
    }

    private static LookalikeModel model(
            String id, Algorithm algorithm, Map<String, Double> params, Tuning tuning, PuMethod pu) {
        return model(id, algorithm, params, tuning, pu, 3.0);
    }

    private static LookalikeModel model(
            String id,
            Algorithm algorithm,
            Map<String, Double> params,
            Tuning tuning,
            PuMethod pu,
            double negativesRatio) {
        return new LookalikeModel(
                id,
                "M",
                "o",
                "",
                "seed",
                "m_segment",
                FEATURES,
                0.10,
                null,
                List.of("other"),
                "ad_targeting",
                "consent_ad_targeting",
                algorithm,
                negativesRatio,
                0.2,
                params,
                tuning,
                Set.of(),
                false,
                Map.of(),
                1.0,
                pu,
                new LookalikeModel.Monitoring(2.0, null),
                0);
    }

    @Test
    void aSeedOfAThirdOfThePopulationStillLeavesUnlabelledPeopleToMeasureAgainst() {
        LookalikeModel model = model(Algorithm.LOGISTIC_REGRESSION, Map.of(), null);
        // 1,600 seed members, 1,280 trained on: three negatives each would be more than the 2,800 unlabelled people
        // of the training slice (80 % of 3,500).
        Split split = LookalikeTraining.split(1_600, 3_500, model, 1_000_000);
        assertEquals(1.0, split.negativeFraction(), 1e-9, "every unlabelled person of the training slice");
        assertEquals(1.0, split.evaluationFraction(), 1e-9, "the 700 of the held-out slice measure the model");
        Split small = LookalikeTraining.split(200, 800, model, 1_000_000);
        assertEquals(
                0.75, small.negativeFraction(), 1e-9, "three negatives per trained seed member when there are enough");
        assertEquals(3.0, small.positiveWeight(), 1e-9);
    }

    /**
     * The people measured are a random slice of the population: the seed has its real share there (a fifth, as in
     * the population), not one that moves with negatives_ratio, so lift and recall at a reach compare across models.
     */
    @Test
    void theModelIsMeasuredOnASliceWhereTheSeedHasItsRealShare() {
        for (double ratio : List.of(1.0, 3.0)) {
            LookalikeModel model = model("m", Algorithm.LOGISTIC_REGRESSION, Map.of(), null, PuMethod.NONE, ratio);
            Map<String, Long> roles = roles(assigned(model));
            double heldOut = roles.getOrDefault("holdout/1", 0L);
            double measured = heldOut + roles.getOrDefault("evaluation/0", 0L);
            assertEquals(0.2, heldOut / measured, 0.05, "seed share among the measured at ratio " + ratio);
        }
    }

    private static Dataset<Row> assigned(LookalikeModel model) {
        Split split = LookalikeTraining.split(200, 800, model, 1_000_000);
        return LookalikeTraining.assign(
                        LookalikeFeatures.prepare(profiles(), FEATURES, DATE, "person_id"), seed(), model, split)
                .cache();
    }

    private static Metrics evaluate(Trained trained, Dataset<Row> assigned, LookalikeModel model) {
        return LookalikeEvaluation.evaluate(
                LookalikeTraining.score(
                        trained.model(), assigned.where(col("role").notEqual("train")), "person_id", "label"),
                model);
    }

    private static Map<String, Long> roles(Dataset<Row> assigned) {
        Map<String, Long> out = new HashMap<>();
        assigned.groupBy("role", "label")
                .count()
                .collectAsList()
                .forEach(r -> out.put(r.getString(0) + "/" + (int) r.getDouble(1), r.getLong(2)));
        return out;
    }

    /** Two configurations of one seed are measured on the same held-out members, so their metrics compare. */
    @Test
    void modelsOfOneSeedHoldOutTheSameMembers() {
        LookalikeModel lr = model("lr", Algorithm.LOGISTIC_REGRESSION, Map.of(), null, PuMethod.NONE);
        LookalikeModel trees = model("trees", Algorithm.RANDOM_FOREST, Map.of(), null, PuMethod.NONE);
        List<Row> lrHeldOut = heldOut(lr);
        assertFalse(lrHeldOut.isEmpty());
        assertEquals(lrHeldOut, heldOut(trees));
    }

    private static List<Row> heldOut(LookalikeModel model) {
        return assigned(model)
                .where(col("role").equalTo("holdout"))
                .select("person_id")
                .orderBy("person_id")
                .collectAsList();
    }

    @Test
    void separableSeedIsFoundWithAucNearOneAndHonestSplits() {
        LookalikeModel model = model(
                Algorithm.LOGISTIC_REGRESSION,
                Map.of("max_iter", 50.0),
                new Tuning(2, Map.of("reg_param", List.of(0.001, 0.5))));
        Dataset<Row> assigned = assigned(model);
        Map<String, Long> roles = roles(assigned);
        long holdout = roles.get("holdout/1");
        long trainPositives = roles.get("train/1");
        long trainNegatives = roles.get("train/0");
        assertEquals(200, holdout + trainPositives, "every seed member is either trained on or held out");
        assertTrue(holdout >= 25 && holdout <= 60, "about 20% of 200 held out: " + holdout);
        assertTrue(
                trainNegatives >= 0.7 * 3 * trainPositives && trainNegatives <= 1.3 * 3 * trainPositives,
                "about 3 negatives per positive: " + roles);
        long evaluated = roles.get("evaluation/0");
        assertTrue(
                evaluated >= 120 && evaluated <= 200, "the held-out slice's unlabelled people, ~20% of 800: " + roles);
        assertTrue(trainNegatives + evaluated < 800, "no one both trained on and measured: " + roles);

        Trained trained = LookalikeTraining.fit(assigned, model, 42);
        assertTrue(
                Set.of(0.001, 0.5).contains(trained.params().get("reg_param")),
                "chosen from the grid: " + trained.params());
        Metrics m = evaluate(trained, assigned, model);
        assertTrue(m.auc() > 0.99, "AUC " + m.auc());
        assertEquals(holdout, m.positives());
        // The seed is a fifth of the people measured, as of the population: a 10% reach holds only seed members,
        // half of them.
        assertEquals(
                (double) LookalikeEvaluation.reachCount(holdout + evaluated, 0.10) / holdout, m.recallAtReach(), 1e-9);
        assertTrue(m.lift()[0] > 3, "lift at 1%: " + m.lift()[0]);
        // The curve holds the three lifts of model_runs' own columns, and at 100% every held-out member is reached.
        double[] curve = m.liftCurve();
        assertEquals(LookalikeEvaluation.CURVE_DEPTHS.length, curve.length);
        assertEquals(m.lift()[0], curve[0], 1e-12);
        assertEquals(m.lift()[1], curve[3], 1e-12);
        assertEquals(m.lift()[2], curve[5], 1e-12);
        assertEquals(1.0, curve[curve.length - 1], 1e-12);
        assertTrue(curve[curve.length - 2] > 1.0 && curve[curve.length - 2] < curve[0], Arrays.toString(curve));
        String top = trained.importances().entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        assertEquals("page_views_30d", top, trained.importances().toString());
        assertEquals(
                1.0,
                trained.importances().values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum(),
                1e-9);
        assertEquals(
                Set.of("page_views_30d", "last_device_type", "birth_date", "tp_travel_affinity"),
                trained.importances().keySet());
    }

    @Test
    void labelFrequencyLiftsTheLookalikesHiddenAmongTheUnlabelled() {
        // Every fifth person is like the seed (many page views), but only half of them are in it (p0000, p0005,
        // p0020, ...): the other half (p0010, p0015, p0030, ...) are among the unlabelled, and plain training
        // takes them as negatives. Both halves have the same mix of devices and the rest.
        Dataset<Row> prepared = LookalikeFeatures.prepare(profiles(), FEATURES, DATE, "person_id");
        Column inSeed = expr("cast(substring(person_id, 2) as int) % 20 < 10");
        Dataset<Row> halfSeed = profiles().where(col("is_seed").and(inSeed)).select("person_id");
        Dataset<Row> hidden = profiles().where(col("is_seed").and(not(inSeed))).select("person_id");
        Map<PuMethod, Double> hiddenScore = new HashMap<>();
        Double c = null;
        for (PuMethod pu : PuMethod.values()) {
            LookalikeModel model = model(Algorithm.LOGISTIC_REGRESSION, Map.of(), null, pu);
            Dataset<Row> assigned = LookalikeTraining.assign(
                            prepared, halfSeed, model, LookalikeTraining.split(100, 900, model, 1_000_000))
                    .cache();
            Trained trained = pu.fit(assigned, model, 42);
            hiddenScore.put(
                    pu,
                    LookalikeTraining.score(trained.model(), prepared.join(hidden, "person_id"), "person_id")
                            .agg(avg("score"))
                            .first()
                            .getDouble(0));
            if (pu == PuMethod.LABEL_FREQUENCY) {
                c = trained.labelFrequency();
            } else {
                assertNull(trained.labelFrequency());
            }
        }
        assertTrue(c != null && c > 0 && c < 1, "label frequency " + c);
        assertTrue(
                hiddenScore.get(PuMethod.LABEL_FREQUENCY) > hiddenScore.get(PuMethod.NONE) + 0.05,
                "hidden lookalikes score higher once the unlabelled are weighted as possible positives: "
                        + hiddenScore);
    }

    @Test
    void treeModelsTrainOnTheSamePipeline() {
        for (Algorithm a : List.of(Algorithm.GRADIENT_BOOSTED_TREES, Algorithm.RANDOM_FOREST)) {
            Map<String, Double> params = a == Algorithm.RANDOM_FOREST
                    ? Map.of("num_trees", 10.0, "max_depth", 3.0)
                    : Map.of("max_iter", 5.0, "max_depth", 3.0);
            LookalikeModel model = model(a, params, null);
            Dataset<Row> assigned = assigned(model);
            Trained trained = LookalikeTraining.fit(assigned, model, 42);
            Metrics m = evaluate(trained, assigned, model);
            assertTrue(m.auc() > 0.95, a + " AUC " + m.auc());
            assertEquals(3.0, trained.params().get("max_depth"), a.toString());
        }
    }

    /**
     * Each boosted tree adds a level to the lineage of MLlib's prediction-error data; at 200 trees deserialising a
     * task overflowed the executor's stack and the StackOverflowError killed the JVM (the bank evaluation, issue
     * #24). With the job's checkpoint directory MLlib cuts the lineage every ten trees.
     */
    @Test
    void manyBoostedTreesTrainWhenCheckpointsHaveADirectory() {
        LookalikeTraining.useCheckpointDirectory(
                TestLake.spark(), dir.resolve("checkpoints").toString());
        LookalikeModel model =
                model(Algorithm.GRADIENT_BOOSTED_TREES, Map.of("max_iter", 250.0, "max_depth", 2.0), null);
        Dataset<Row> assigned = assigned(model);
        Trained trained = LookalikeTraining.fit(assigned, model, 42);
        GBTClassificationModel trees = (GBTClassificationModel)
                trained.model().stages()[trained.model().stages().length - 1];
        assertEquals(250, trees.getNumTrees(), "every round was fitted");
        assertTrue(evaluate(trained, assigned, model).auc() > 0.95);
        LookalikeTraining.dropCheckpointDirectory(TestLake.spark());
        assertEquals(0, dir.resolve("checkpoints").toFile().list().length, "checkpoints are deleted when done");
    }

    @Test
    void aSavedModelScoresExactlyAsTheTrainedOne() throws Exception {
        LookalikeModel model = model(Algorithm.LOGISTIC_REGRESSION, Map.of(), null);
        Trained trained = LookalikeTraining.fit(assigned(model), model, 42);
        String path = dir.resolve("m/v1").toString();
        trained.model().write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        Dataset<Row> prepared = LookalikeFeatures.prepare(profiles(), FEATURES, DATE, "person_id");
        Map<String, Double> before = scores(LookalikeTraining.score(trained.model(), prepared, "person_id"));
        Map<String, Double> after = scores(LookalikeTraining.score(loaded, prepared, "person_id"));
        assertEquals(1000, before.size());
        assertEquals(before, after);
    }

    private static Map<String, Double> scores(Dataset<Row> scored) {
        Map<String, Double> out = new HashMap<>();
        scored.collectAsList().forEach(r -> out.put(r.getString(0), r.getDouble(1)));
        return out;
    }

    @Test
    void featuresWithoutVarianceAreNamed() {
        List<Feature> features = List.of(
                new Feature("page_views_30d", FeatureKind.NUMERIC),
                new Feature("purchases_1d", FeatureKind.NUMERIC),
                new Feature("last_device_type", FeatureKind.CATEGORICAL),
                new Feature("consent_ad_targeting", FeatureKind.CATEGORICAL));
        Dataset<Row> desktop = profiles()
                .where(col("last_device_type").equalTo("desktop"))
                .where(col("consent_ad_targeting").equalTo("granted"));
        assertEquals(
                List.of("purchases_1d", "last_device_type", "consent_ad_targeting"),
                LookalikeFeatures.withoutVariance(LookalikeFeatures.prepare(desktop, features, DATE), features));
        // A value that is 0 for some and missing for others still varies: the missing flag tells them apart.
        List<Feature> affinity = List.of(new Feature("tp_travel_affinity", FeatureKind.NUMERIC));
        Dataset<Row> zeroOrMissing = profiles()
                .where(col("tp_travel_affinity")
                        .isNull()
                        .or(col("tp_travel_affinity").equalTo(0.0)));
        assertEquals(
                List.of(),
                LookalikeFeatures.withoutVariance(LookalikeFeatures.prepare(zeroOrMissing, affinity, DATE), affinity));
    }

    @Test
    void audienceLeavesOutSeedExcludedAndUnconsentedAndTakesTheReach() {
        LookalikeModel model = model(Algorithm.LOGISTIC_REGRESSION, Map.of(), null);
        Dataset<Row> excluded =
                seed().union(profiles().where(col("page_views_30d").equalTo(8)).select("person_id"));
        Dataset<Row> eligible = LookalikeAudience.eligible(profiles(), excluded, model, "granted")
                .cache();
        long n = eligible.count();
        assertEquals(0, eligible.where(col("is_seed")).count(), "no seed member");
        assertEquals(0, eligible.where(col("page_views_30d").equalTo(8)).count(), "no member of an excluded segment");
        assertEquals(
                0,
                eligible.where(col("consent_ad_targeting").notEqual("granted")).count(),
                "only with consent");
        assertEquals(
                profiles()
                        .where(col("is_seed")
                                .unary_$bang()
                                .and(col("page_views_30d").notEqual(8))
                                .and(col("consent_ad_targeting").equalTo("granted")))
                        .count(),
                n);

        Trained trained = LookalikeTraining.fit(assigned(model), model, 42);
        Dataset<Row> ranked = LookalikeRanking.rank(
                LookalikeTraining.score(
                        trained.model(), LookalikeFeatures.prepare(eligible, FEATURES, DATE, "person_id"), "person_id"),
                "score",
                "person_id",
                "rank");
        Dataset<Row> members = LookalikeAudience.members(ranked, model, n);
        assertEquals(Math.round(n * 0.10), members.count(), "the reach is 10% of the eligible people");
        double lowestMember =
                members.agg(org.apache.spark.sql.functions.min("score")).first().getDouble(0);
        assertTrue(
                ranked.where(col("rank").gt(members.count()))
                        .where(col("score").gt(lowestMember))
                        .isEmpty(),
                "nobody outside the reach scores above a member");

        LookalikeModel byScore = new LookalikeModel(
                "m",
                "M",
                "o",
                "",
                "seed",
                "m_segment",
                FEATURES,
                null,
                0.5,
                List.of(),
                null,
                null,
                Algorithm.LOGISTIC_REGRESSION,
                3.0,
                0.2,
                Map.of(),
                null,
                Set.of(),
                false,
                Map.of(),
                1.0,
                PuMethod.NONE,
                new LookalikeModel.Monitoring(2.0, null),
                0);
        assertEquals(
                ranked.where(col("score").geq(0.5)).count(),
                LookalikeAudience.members(ranked, byScore, n).count());
    }

    @Test
    void ranksAreExactWithTiesBrokenByPersonId() {
        SparkSession spark = TestLake.spark();
        Dataset<Row> scored = spark.range(0, 50)
                .select(
                        concat(lit("p"), lpad(col("id").cast("string"), 2, "0")).as("person_id"),
                        col("id").mod(3).cast("double").as("score"))
                .repartition(4);
        List<Row> ranked = LookalikeRanking.rank(scored, "score", "person_id", "rank")
                .orderBy("rank")
                .collectAsList();
        assertEquals(50, ranked.size());
        for (int i = 0; i < ranked.size(); i++) {
            assertEquals(i + 1L, ranked.get(i).getLong(2));
        }
        assertEquals("p02", ranked.get(0).getString(0), "highest score 2.0, lowest id first");
        assertEquals("p05", ranked.get(1).getString(0));
        assertFalse(ranked.get(49).getDouble(1) > 0, "lowest score last");
        assertEquals("p48", ranked.get(49).getString(0));
    }
}
