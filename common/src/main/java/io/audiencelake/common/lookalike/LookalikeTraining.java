package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.audiencelake.common.lookalike.LookalikeModel.Tuning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Positive-unlabelled training: seed members are positives, a hash-chosen sample of everyone else is
 * taken as negatives (some of whom are in truth like the seed), positives are weighted up to balance
 * the classes, and a share of the seed is held out to measure the model.
 */
public final class LookalikeTraining {
    public static final String PERSON_ID = "person_id";
    public static final String LABEL = "label";
    public static final String WEIGHT = "weight";
    public static final String ROLE = "role";
    public static final String SCORE = "score";
    /** Rows the model is fitted on. */
    public static final String TRAIN = "train";
    /** Seed members kept out of training. */
    public static final String HOLDOUT = "holdout";
    /** Unlabelled people kept out of training, scored against the held-out seed. */
    public static final String EVALUATION = "evaluation";

    private static final String SCALED = "features_scaled";
    private static final long BUCKETS = 1_000_000;

    private LookalikeTraining() {}

    /**
     * How the population is split, from its counts. One draw per person cuts everyone, seed or not, into a held-out
     * slice ({@code holdout} of the population) and a training slice: the model is measured on held-out seed
     * members among held-out unlabelled people, a random slice of the population in which the seed has its real
     * share, so recall and lift at a reach mean what they mean for the whole population whatever
     * {@code negatives_ratio} is. Negatives are sampled from the training slice's unlabelled people.
     *
     * @param negativeFraction share of the training slice's unlabelled people sampled as training negatives
     * @param evaluationFraction share of the held-out slice's unlabelled people scored (at most max_evaluation_rows)
     * @param positiveWeight weight of a positive so both classes weigh the same in training
     */
    public record Split(
            long seed, long unlabelled, double negativeFraction, double evaluationFraction, double positiveWeight) {}

    public static Split split(long seed, long unlabelled, LookalikeModel model, long maxEvaluationRows) {
        double trainPositives = Math.max(1, seed * (1 - model.holdout()));
        double trainingSlice = unlabelled * (1 - model.holdout());
        // At most every unlabelled person of the training slice: a seed of a third of the population has fewer
        // unlabelled people than three per member. The held-out slice is never trained on.
        double negativeFraction =
                trainingSlice <= 0 ? 0 : Math.min(1.0, model.negativesRatio() * trainPositives / trainingSlice);
        double heldOut = unlabelled * model.holdout();
        double evaluationFraction = heldOut <= 0 ? 0 : Math.min(1.0, maxEvaluationRows / heldOut);
        double negatives = Math.max(1, trainingSlice * negativeFraction);
        return new Split(seed, unlabelled, negativeFraction, evaluationFraction, negatives / trainPositives);
    }

    /** A uniform number in [0, 1) from the person id and a salt: the same person always draws the same. */
    static Column draw(String seedSegment, String salt) {
        return pmod(xxhash64(col(PERSON_ID), lit(seedSegment), lit(salt)), lit(BUCKETS))
                .divide((double) BUCKETS);
    }

    /**
     * The prepared population with {@link #LABEL}, {@link #WEIGHT} and {@link #ROLE}; people in none of
     * the roles are left out. {@code seedMembers} holds the seed's person ids.
     */
    public static Dataset<Row> assign(
            Dataset<Row> prepared, Dataset<Row> seedMembers, LookalikeModel model, Split split) {
        Dataset<Row> flagged = prepared.join(
                seedMembers.select(col(PERSON_ID)).distinct().withColumn("_seed", lit(true)),
                new String[] {PERSON_ID},
                "left");
        Column seed = col("_seed").isNotNull();
        // Drawn per seed, not per model: models of one seed hold out the same members (and, at the same
        // holdout, sample their negatives and evaluation people from the same draws), so their metrics compare.
        // Drawn per model, the same boosted trees scored 0.792 to 0.802 on the bank data under five model ids.
        Column u = draw(model.seed(), "split");
        Column heldOut = u.lt(model.holdout());
        // Where a person of the training slice falls within it, uniform in [0, 1).
        Column inTraining = u.minus(model.holdout()).divide(1 - model.holdout());
        Column role = when(seed.and(heldOut), lit(HOLDOUT))
                .when(seed, lit(TRAIN))
                .when(heldOut.and(draw(model.seed(), "evaluation").lt(split.evaluationFraction())), lit(EVALUATION))
                .when(not(heldOut).and(inTraining.lt(split.negativeFraction())), lit(TRAIN));
        return flagged.withColumn(ROLE, role)
                .withColumn(LABEL, when(seed, 1.0).otherwise(0.0))
                .withColumn(WEIGHT, when(seed, split.positiveWeight()).otherwise(1.0))
                .drop("_seed")
                .where(col(ROLE).isNotNull());
    }

    /**
     * A fitted model and what it chose.
     *
     * @param labelFrequency the estimated chance a person like the seed is in it (positive-unlabelled learning by
     *     {@link PuMethod#LABEL_FREQUENCY}), or null
     */
    public record Trained(
            PipelineModel model, Map<String, Double> params, Map<String, Double> importances, Double labelFrequency) {}

    /**
     * Where MLlib may checkpoint while fitting. Gradient-boosted trees add a level of lineage to their
     * prediction-error data per tree: past about a hundred trees a task no longer deserialises (StackOverflowError,
     * which kills the JVM). With a checkpoint directory they cut the lineage every ten trees (checkpointInterval)
     * and delete their checkpoints when done. Spark keeps one directory per application; each call makes a new
     * one under {@code dir} (any Hadoop file system the executors share: s3a on a cluster).
     */
    public static void useCheckpointDirectory(SparkSession spark, String dir) {
        spark.sparkContext().setCheckpointDir(dir);
    }

    /** Deletes the application's checkpoint directory (what {@link #useCheckpointDirectory} made), if any. */
    public static void dropCheckpointDirectory(SparkSession spark) {
        if (spark.sparkContext().getCheckpointDir().isEmpty()) {
            return;
        }
        Path dir = new Path(spark.sparkContext().getCheckpointDir().get());
        try {
            dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete checkpoint directory " + dir, e);
        }
    }

    /** Fits the model's pipeline on the {@link #TRAIN} rows of {@code assigned}; cross-validates if configured. */
    public static Trained fit(Dataset<Row> assigned, LookalikeModel model, long seed) {
        Dataset<Row> train = assigned.where(col(ROLE).equalTo(TRAIN));
        List<PipelineStage> stages = new ArrayList<>(LookalikeFeatures.encoders(model.features()));
        String featuresColumn = LookalikeFeatures.FEATURES;
        if (model.algorithm() == Algorithm.LOGISTIC_REGRESSION) {
            // Scaled inputs make the coefficients comparable as importances (and help the optimiser).
            stages.add(new StandardScaler()
                    .setInputCol(featuresColumn)
                    .setOutputCol(SCALED)
                    .setWithStd(true)
                    .setWithMean(false));
            featuresColumn = SCALED;
        }
        ProbabilisticClassifier<?, ?, ?> classifier = classifier(model.algorithm(), featuresColumn, seed);
        for (Map.Entry<String, Double> p : model.params().entrySet()) {
            set(classifier, p.getKey(), p.getValue());
        }
        stages.add(classifier);
        Pipeline pipeline = new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
        PipelineModel fitted = model.tuning() == null
                ? pipeline.fit(train)
                : crossValidated(pipeline, classifier, model.tuning(), train, seed);
        Transformer last = fitted.stages()[fitted.stages().length - 1];
        Map<String, Double> chosen = new LinkedHashMap<>();
        for (String name : model.algorithm().params()) {
            Param<Object> p = ((Params) last).getParam(camel(name));
            chosen.put(name, ((Number) ((Params) last).getOrDefault(p)).doubleValue());
        }
        return new Trained(fitted, chosen, importances(fitted, train, last), null);
    }

    /** The best of the tuning grid by area under ROC over {@code folds} folds. */
    private static PipelineModel crossValidated(
            Pipeline pipeline,
            ProbabilisticClassifier<?, ?, ?> classifier,
            Tuning tuning,
            Dataset<Row> train,
            long seed) {
        ParamGridBuilder grid = new ParamGridBuilder();
        for (Map.Entry<String, List<Double>> g : tuning.grid().entrySet()) {
            Param<Object> param = classifier.getParam(camel(g.getKey()));
            if (param instanceof IntParam ip) {
                grid.addGrid(
                        ip, g.getValue().stream().mapToInt(Double::intValue).toArray());
            } else {
                grid.addGrid(
                        (DoubleParam) (Object) param,
                        g.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        CrossValidatorModel cv = new CrossValidator()
                .setEstimator(pipeline)
                .setEstimatorParamMaps(grid.build())
                .setEvaluator(
                        new BinaryClassificationEvaluator().setLabelCol(LABEL).setWeightCol(WEIGHT))
                .setNumFolds(tuning.folds())
                .setSeed(seed)
                .setParallelism(2)
                .fit(train);
        return (PipelineModel) cv.bestModel();
    }

    private static ProbabilisticClassifier<?, ?, ?> classifier(Algorithm algorithm, String features, long seed) {
        return switch (algorithm) {
            // Each optimiser iteration is one pass over the training rows (a Spark job): MLlib's default tolerance,
            // 1e-6, kept refining the loss in its sixth digit for about 50 iterations per fit, which moves no
            // person's rank that matters at a reach of a few per cent. 1e-4 stops about when the ranking settles.
            case LOGISTIC_REGRESSION ->
                new LogisticRegression()
                        .setFeaturesCol(features)
                        .setLabelCol(LABEL)
                        .setWeightCol(WEIGHT)
                        .setMaxIter(100)
                        .setRegParam(0.01)
                        .setTol(1e-4);
            case GRADIENT_BOOSTED_TREES ->
                new GBTClassifier()
                        .setFeaturesCol(features)
                        .setLabelCol(LABEL)
                        .setWeightCol(WEIGHT)
                        .setMaxIter(30)
                        .setMaxDepth(4)
                        .setSeed(seed);
            case RANDOM_FOREST ->
                new RandomForestClassifier()
                        .setFeaturesCol(features)
                        .setLabelCol(LABEL)
                        .setWeightCol(WEIGHT)
                        .setNumTrees(50)
                        .setMaxDepth(6)
                        .setSeed(seed);
        };
    }

    private static void set(Params target, String name, double value) {
        Param<Object> p = target.getParam(camel(name));
        target.set(p, p instanceof IntParam ? (Object) (int) Math.round(value) : (Object) value);
    }

    static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return out.toString();
    }

    /**
     * Share of the model's weight per feature (summing to 1): tree importances, or the absolute
     * coefficients of the scaled inputs for logistic regression; one-hot slots add up to their feature.
     */
    private static Map<String, Double> importances(PipelineModel fitted, Dataset<Row> train, Transformer last) {
        Vector weights;
        if (last instanceof LogisticRegressionModel lr) {
            weights = lr.coefficients();
        } else if (last instanceof GBTClassificationModel gbt) {
            weights = gbt.featureImportances();
        } else {
            weights = ((RandomForestClassificationModel) last).featureImportances();
        }
        AttributeGroup group = AttributeGroup.fromStructField(
                fitted.transform(train.limit(0)).schema().apply(LookalikeFeatures.FEATURES));
        Attribute[] attributes = group.attributes().get();
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < weights.size(); i++) {
            String name =
                    attributes[i].name().isDefined() ? attributes[i].name().get() : "slot" + i;
            double w = Math.abs(weights.apply(i));
            out.merge(LookalikeFeatures.featureOf(name), w, Double::sum);
            total += w;
        }
        if (total > 0) {
            double t = total;
            out.replaceAll((k, v) -> v / t);
        }
        return out;
    }

    /** {@code prepared} plus {@link #SCORE}: the model's probability that a person is like the seed. */
    public static Dataset<Row> score(PipelineModel model, Dataset<Row> prepared, String... keep) {
        List<Column> out = new ArrayList<>();
        for (String k : keep) {
            out.add(col(k));
        }
        out.add(functions
                .vector_to_array(col("probability"), "float64")
                .getItem(1)
                .as(SCORE));
        return model.transform(prepared).select(out.toArray(Column[]::new));
    }
}
