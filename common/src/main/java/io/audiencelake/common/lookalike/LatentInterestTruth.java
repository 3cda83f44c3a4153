package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.MatchEvaluation;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Scores a lookalike model against the sample generator's hidden truth: each generated person has a
 * latent top interest. The interest most over-represented in the seed is what the seed is "about";
 * a good lookalike ranks eligible people who share it above the rest.
 */
public final class LatentInterestTruth {
    public static final String TOP_INTEREST = "top_interest";
    private static final String TRUTH = "truth";

    private LatentInterestTruth() {}

    /** AUC of the scores for the truth label; NaN when only one class is present. */
    private static double auc(Dataset<Row> labelled) {
        Row classes = labelled.agg(min(col(TRUTH)), max(col(TRUTH))).first();
        if (classes.isNullAt(0) || classes.getDouble(0) == classes.getDouble(1)) {
            return Double.NaN;
        }
        return new BinaryClassificationEvaluator()
                .setLabelCol(TRUTH)
                .setRawPredictionCol(LookalikeTables.SCORE)
                .setNumBins(0)
                .evaluate(labelled);
    }

    /**
     * @param interest the seed's most over-represented latent interest
     * @param auc AUC of the scores for "shares that interest" over the eligible people
     * @param baseRate share of eligible people with that interest
     * @param memberRate share of lookalike members with it
     * @param activeAuc the same AUC over the eligible people the lake saw active in the window, whose interest can
     *     show in their behaviour at all (NaN when not measured)
     * @param activeShare the share of eligible people that were active
     */
    public record Result(
            String interest, double auc, double baseRate, double memberRate, double activeAuc, double activeShare) {
        public double lift() {
            return baseRate == 0 ? Double.NaN : memberRate / baseRate;
        }
    }

    /**
     * (person_id, top_interest) from the generator's ground truth ({@code persons/} CSVs) through the
     * identifiers ({@code identifiers}: id_type, id_value, truth) and the date's id_graph: a person
     * takes the generated person most of their identifiers belong to.
     */
    public static Dataset<Row> persons(
            SparkSession spark, String groundTruth, Dataset<Row> identifiers, Dataset<Row> idGraph) {
        Dataset<Row> generated = spark.read()
                .option("header", true)
                .option("recursiveFileLookup", true)
                .csv(groundTruth + "/persons")
                .select(col("person_key").as(MatchEvaluation.TRUTH), col(TOP_INTEREST));
        Dataset<Row> votes = idGraph.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID)
                .join(identifiers, new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE})
                .groupBy(IdGraph.PERSON_ID, MatchEvaluation.TRUTH)
                .agg(count(lit(1)).as("votes"));
        return votes.groupBy(IdGraph.PERSON_ID)
                .agg(max_by(col(MatchEvaluation.TRUTH), col("votes")).as(MatchEvaluation.TRUTH))
                .join(generated, MatchEvaluation.TRUTH)
                .select(IdGraph.PERSON_ID, TOP_INTEREST);
    }

    /**
     * @param truth (person_id, top_interest)
     * @param seed person ids of the seed
     * @param scores (person_id, score, rank) of the eligible people
     * @param memberCount how many of the top ranks form the lookalike segment
     * @param active person ids of people active in the window (each once)
     */
    public static Result evaluate(
            Dataset<Row> truth, Dataset<Row> seed, Dataset<Row> scores, long memberCount, Dataset<Row> active) {
        Dataset<Row> inSeed = truth.join(seed.select(IdGraph.PERSON_ID).distinct(), IdGraph.PERSON_ID);
        long seedKnown = inSeed.count();
        long allKnown = truth.count();
        Dataset<Row> seedShare =
                inSeed.groupBy(TOP_INTEREST).agg(count(lit(1)).divide(seedKnown).as("seed_share"));
        Dataset<Row> allShare =
                truth.groupBy(TOP_INTEREST).agg(count(lit(1)).divide(allKnown).as("all_share"));
        Row top = seedShare
                .join(allShare, TOP_INTEREST)
                .where(col("seed_share").geq(0.05))
                .orderBy(col("seed_share").divide(col("all_share")).desc(), col(TOP_INTEREST))
                .first();
        String interest = top.getString(top.fieldIndex(TOP_INTEREST));
        Dataset<Row> labelled = scores.join(truth, IdGraph.PERSON_ID)
                .withColumn(
                        TRUTH, when(col(TOP_INTEREST).equalTo(interest), 1.0).otherwise(0.0))
                .cache();
        try {
            double auc = auc(labelled);
            Dataset<Row> seen = labelled.join(active.select(IdGraph.PERSON_ID), IdGraph.PERSON_ID);
            long seenCount = seen.count();
            long labelledCount = labelled.count();
            double activeAuc = seenCount == 0 ? Double.NaN : auc(seen);
            Row rates = labelled.agg(
                            avg(col(TRUTH)), avg(when(col(LookalikeTables.RANK).leq(memberCount), col(TRUTH))))
                    .first();
            return new Result(
                    interest,
                    auc,
                    rates.getDouble(0),
                    rates.isNullAt(1) ? Double.NaN : rates.getDouble(1),
                    activeAuc,
                    labelledCount == 0 ? Double.NaN : (double) seenCount / labelledCount);
        } finally {
            labelled.unpersist();
        }
    }
}
