package io.audiencelake.common.lookalike;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The tables the lookalike job writes, with their column names. */
public final class LookalikeTables {
    public static final String MODEL_ID = "model_id";
    public static final String VERSION = "version";
    public static final String TRAINED_AT = "trained_at";
    public static final String TRAINED_FOR = "trained_for";
    public static final String SEED_SEGMENT = "seed_segment";
    public static final String SEED_SIZE = "seed_size";
    public static final String TRAIN_POSITIVES = "train_positives";
    public static final String TRAIN_NEGATIVES = "train_negatives";
    public static final String HOLDOUT_POSITIVES = "holdout_positives";
    public static final String EVALUATED = "evaluated";
    public static final String ALGORITHM = "algorithm";
    public static final String FEATURES = "features";
    public static final String PARAMS = "params";
    public static final String AUC = "auc";
    public static final String REACH = "reach";
    public static final String RECALL_AT_REACH = "recall_at_reach";
    public static final String LIFT_1 = "lift_at_1pct";
    public static final String LIFT_5 = "lift_at_5pct";
    public static final String LIFT_10 = "lift_at_10pct";
    public static final String IMPORTANCES = "importances";
    public static final String MODEL_PATH = "model_path";
    public static final String LIFT_CURVE = "lift_curve";
    public static final String DROPPED_FEATURES = "dropped_features";
    public static final String PU_METHOD = "pu_method";
    public static final String LABEL_FREQUENCY = "label_frequency";
    public static final String REACH_CURVE = "reach_curve";
    public static final String RECOMMENDED_REACH = "recommended_reach";
    public static final String MIN_LIFT = "min_lift";
    public static final String FEATURE_BINS = "feature_bins";
    /** Fields of a {@link #REACH_CURVE} point (with {@link #LIFT}). */
    public static final String RECALL = "recall";

    public static final String PRECISION = "precision";
    public static final String MARGINAL_LIFT = "marginal_lift";
    /** Fields of a {@link #FEATURE_BINS} bin. */
    public static final String BIN = "bin";

    public static final String UPPER = "upper";
    public static final String SHARE = "share";
    /** Columns of {@link #DRIFT}. */
    public static final String FEATURE = "feature";

    public static final String PSI = "psi";
    public static final String RETRAINED = "retrained";
    /** Fields of a {@link #LIFT_CURVE} point. */
    public static final String DEPTH = "depth";

    public static final String LIFT = "lift";
    public static final String PERSON_ID = "person_id";
    public static final String SCORE = "score";
    public static final String RANK = "rank";
    public static final String DT = "dt";
    private static final String DOMAIN = "lookalike";

    public static final TableSpec MODEL_RUNS = new TableSpec(
            "model_runs",
            "Every trained lookalike model version: seed, training set, features, chosen hyper-parameters, "
                    + "held-out metrics and where the model is saved. Scoring runs name the version they used.",
            DOMAIN,
            new StructType(new StructField[] {
                column(MODEL_ID, DataTypes.StringType, false, "model id (lookalike.yaml)"),
                column(VERSION, DataTypes.IntegerType, false, "model version, 1, 2, ... per model"),
                column(TRAINED_AT, DataTypes.TimestampType, false, "when training finished (UTC)"),
                column(TRAINED_FOR, DataTypes.DateType, false, "run date whose profiles and seed it was trained on"),
                column(SEED_SEGMENT, DataTypes.StringType, false, "seed segment id"),
                column(SEED_SIZE, DataTypes.LongType, false, "seed members with a profile on the date"),
                column(TRAIN_POSITIVES, DataTypes.LongType, false, "seed members trained on"),
                column(TRAIN_NEGATIVES, DataTypes.LongType, false, "unlabelled people sampled as negatives"),
                column(HOLDOUT_POSITIVES, DataTypes.LongType, false, "seed members held out for evaluation"),
                column(EVALUATED, DataTypes.LongType, false, "people scored for evaluation (held out + unlabelled)"),
                column(
                        ALGORITHM,
                        DataTypes.StringType,
                        false,
                        "logistic_regression, gradient_boosted_trees or random_forest"),
                column(
                        FEATURES,
                        DataTypes.createArrayType(DataTypes.StringType, false),
                        false,
                        "profiles columns used"),
                column(
                        PARAMS,
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
                        false,
                        "hyper-parameters of the trained model (chosen by cross-validation where configured)"),
                column(AUC, DataTypes.DoubleType, true, "area under ROC: held-out seed vs unlabelled (a lower bound)"),
                column(REACH, DataTypes.StringType, false, "the configured reach, e.g. 5% or score >= 0.8"),
                column(RECALL_AT_REACH, DataTypes.DoubleType, true, "share of held-out seed members within the reach"),
                column(LIFT_1, DataTypes.DoubleType, true, "held-out seed rate in the top 1% over the overall rate"),
                column(LIFT_5, DataTypes.DoubleType, true, "held-out seed rate in the top 5% over the overall rate"),
                column(LIFT_10, DataTypes.DoubleType, true, "held-out seed rate in the top 10% over the overall rate"),
                column(
                        IMPORTANCES,
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
                        false,
                        "share of the model's weight per feature, summing to 1"),
                column(MODEL_PATH, DataTypes.StringType, false, "where the MLlib pipeline model is saved"),
                column(
                        LIFT_CURVE,
                        DataTypes.createArrayType(
                                DataTypes.createStructType(new StructField[] {
                                    // Nullable throughout, so an existing table can take the column (ALTER TABLE ADD
                                    // COLUMNS).
                                    DataTypes.createStructField(DEPTH, DataTypes.DoubleType, true),
                                    DataTypes.createStructField(LIFT, DataTypes.DoubleType, true)
                                }),
                                true),
                        true,
                        "lift over random at depths of the ranking from 1% to 100% of the evaluated people (held-out seed "
                                + "rate in the top depth over the overall rate); empty for versions trained before it was kept"),
                column(
                        DROPPED_FEATURES,
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true),
                        true,
                        "the leak report of features: auto: each profiles column left out and why (read by the seed's "
                                + "rule, the same rows as a rule column, constant, or near-perfectly correlated with the "
                                + "seed); empty for listed features"),
                column(
                        PU_METHOD,
                        DataTypes.StringType,
                        true,
                        "how unlabelled people were treated: none (all negatives) or label_frequency (Elkan and Noto "
                                + "2008); empty for versions trained before it was kept"),
                column(
                        LABEL_FREQUENCY,
                        DataTypes.DoubleType,
                        true,
                        "label_frequency's estimate of the chance a person like the seed is in it (the mean first-model "
                                + "score of held-out seed members)"),
                column(
                        REACH_CURVE,
                        DataTypes.createArrayType(
                                DataTypes.createStructType(new StructField[] {
                                    DataTypes.createStructField(REACH, DataTypes.DoubleType, true),
                                    DataTypes.createStructField(RECALL, DataTypes.DoubleType, true),
                                    DataTypes.createStructField(PRECISION, DataTypes.DoubleType, true),
                                    DataTypes.createStructField(LIFT, DataTypes.DoubleType, true),
                                    DataTypes.createStructField(MARGINAL_LIFT, DataTypes.DoubleType, true)
                                }),
                                true),
                        true,
                        "what each reach from 1% to 20% of the ranking would give: recall (share of held-out seed members "
                                + "within it), precision (a proxy: lift times the seed's share of the population, the share "
                                + "of reached people who would be seed members if the population were like the evaluated "
                                + "people), lift over random, and the lift of the people this reach adds to the one before"),
                column(
                        RECOMMENDED_REACH,
                        DataTypes.DoubleType,
                        true,
                        "where the lift of the people added falls below min_lift: the reach of reach_curve before the first "
                                + "step whose marginal_lift is under it (20% when none is); empty when even 1% falls short"),
                column(MIN_LIFT, DataTypes.DoubleType, true, "the lift floor of recommended_reach (lookalike.yaml)"),
                column(
                        FEATURE_BINS,
                        DataTypes.createMapType(
                                DataTypes.StringType,
                                DataTypes.createArrayType(
                                        DataTypes.createStructType(new StructField[] {
                                            DataTypes.createStructField(BIN, DataTypes.StringType, true),
                                            DataTypes.createStructField(UPPER, DataTypes.DoubleType, true),
                                            DataTypes.createStructField(SHARE, DataTypes.DoubleType, true)
                                        }),
                                        true),
                                true),
                        true,
                        "each feature's distribution over every profile on trained_for, the baseline of lookalike_drift: "
                                + "deciles of a number (bin value, inclusive upper bound, share) and missing; the most "
                                + "frequent texts and (other)")
            }),
            List.of(),
            List.of(MODEL_ID, VERSION));

    public static final TableSpec SCORES = new TableSpec(
            "lookalike_scores",
            "Scores of every eligible person (not in the seed or an excluded segment, with the consent) per model "
                    + "and run date, ranked; the top of the ranking is the lookalike segment.",
            DOMAIN,
            new StructType(new StructField[] {
                column(MODEL_ID, DataTypes.StringType, false, "model id (partition)"),
                column(VERSION, DataTypes.IntegerType, false, "model version that scored"),
                column(PERSON_ID, DataTypes.StringType, false, "person id (id_graph)"),
                column(SCORE, DataTypes.DoubleType, false, "probability-like score, higher is more like the seed"),
                column(RANK, DataTypes.LongType, false, "1 = highest score; ties broken by person id"),
                column(DT, DataTypes.DateType, false, "run date (partition)")
            }),
            List.of(DT, MODEL_ID),
            List.of(MODEL_ID, PERSON_ID, DT));

    public static final TableSpec DRIFT = new TableSpec(
            "lookalike_drift",
            "Population stability index of each feature of the version a scoring run checked, between the date the "
                    + "version was trained for and the run date, over every profile; above 0.25 the run warns, and "
                    + "above retrain_when_psi_above it trains a new version before scoring.",
            DOMAIN,
            new StructType(new StructField[] {
                column(MODEL_ID, DataTypes.StringType, false, "model id (partition)"),
                column(VERSION, DataTypes.IntegerType, false, "the version whose training distribution was compared"),
                column(TRAINED_FOR, DataTypes.DateType, false, "that version's training date"),
                column(FEATURE, DataTypes.StringType, false, "profiles column"),
                column(PSI, DataTypes.DoubleType, false, "population stability index, trained_for to dt"),
                column(
                        RETRAINED,
                        DataTypes.BooleanType,
                        false,
                        "whether the run trained a new version because of this drift (retrain_when_psi_above)"),
                column(DT, DataTypes.DateType, false, "run date (partition)")
            }),
            List.of(DT, MODEL_ID),
            List.of(MODEL_ID, FEATURE, DT));

    private LookalikeTables() {}
}
