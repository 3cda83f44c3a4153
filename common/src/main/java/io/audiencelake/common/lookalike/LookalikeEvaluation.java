package io.audiencelake.common.lookalike;

import static io.audiencelake.common.lookalike.LookalikeTraining.LABEL;
import static io.audiencelake.common.lookalike.LookalikeTraining.PERSON_ID;
import static io.audiencelake.common.lookalike.LookalikeTraining.SCORE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Measures a model on people it was not trained on: held-out seed members (positives) against
 * unlabelled people (taken as negatives). Some unlabelled people are in truth like the seed, so AUC,
 * recall and lift here are lower bounds of the model's quality.
 */
public final class LookalikeEvaluation {
    private static final String RANK = "rank";
    /** Reaches at which lift is reported in model_runs' own columns; each is also a depth of {@link #CURVE_DEPTHS}. */
    public static final double[] LIFT_AT = {0.01, 0.05, 0.10};
    /** The largest reach a model may take (lookalike.yaml) and so the end of the reach curve. */
    public static final double MAX_RECOMMENDED = 0.20;
    /** Depths of the ranking (shares of the evaluated people) at which the lift curve is measured. */
    public static final double[] CURVE_DEPTHS = {
        0.01, 0.02, 0.03, 0.05, 0.075, 0.10, 0.15, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 1.0
    };

    private LookalikeEvaluation() {}

    /**
     * @param recallAtReach share of held-out seed members the model's reach would include
     * @param lift lift over random at 1%, 5% and 10% of the evaluated people
     * @param liftCurve lift over random at each of {@link #CURVE_DEPTHS}
     * @param recallCurve share of held-out seed members within each of {@link #CURVE_DEPTHS}
     */
    public record Metrics(
            double auc,
            double recallAtReach,
            double[] lift,
            double[] liftCurve,
            double[] recallCurve,
            long positives,
            long evaluated) {
        /**
         * Lift of the people a depth of the curve adds to the one before it: the held-out seed members among them over
         * their share of the evaluated people (the first depth's is its lift).
         */
        public double marginalLift(int i) {
            double recallBefore = i == 0 ? 0 : recallCurve[i - 1];
            double depthBefore = i == 0 ? 0 : CURVE_DEPTHS[i - 1];
            return (recallCurve[i] - recallBefore) / (CURVE_DEPTHS[i] - depthBefore);
        }

        /**
         * Where the lift of the people added falls below {@code minLift}: the depth before the first step of the curve
         * (up to {@link #MAX_RECOMMENDED}) whose marginal lift is under it, or the largest depth when none is; NaN when
         * even the first 1% falls short (or nothing could be measured).
         */
        public double recommendedReach(double minLift) {
            double best = Double.NaN;
            for (int i = 0; i < CURVE_DEPTHS.length && CURVE_DEPTHS[i] <= MAX_RECOMMENDED + 1e-9; i++) {
                if (!(marginalLift(i) >= minLift)) {
                    break;
                }
                best = CURVE_DEPTHS[i];
            }
            return best;
        }
    }

    /** Metrics from {@code scored}: (person_id, label, score) of the held-out and evaluation people. */
    public static Metrics evaluate(Dataset<Row> scored, LookalikeModel model) {
        Dataset<Row> rows = scored.select(PERSON_ID, LABEL, SCORE).persist();
        try {
            Row counts = rows.agg(count(lit(1)), sum(col(LABEL))).first();
            long n = counts.getLong(0);
            long positives = counts.isNullAt(1) ? 0 : (long) counts.getDouble(1);
            if (positives == 0 || positives == n) {
                return unmeasured(positives, n);
            }
            double auc = new BinaryClassificationEvaluator()
                    .setLabelCol(LABEL)
                    .setRawPredictionCol(SCORE)
                    .setMetricName("areaUnderROC")
                    .setNumBins(0)
                    .evaluate(rows);
            Dataset<Row> ranked = LookalikeRanking.rank(rows, SCORE, PERSON_ID, RANK);
            Column positive = col(LABEL).equalTo(1.0);
            Column reached = model.reachShare() != null
                    ? col(RANK).leq(reachCount(n, model.reachShare()))
                    : col(SCORE).geq(model.minScore());
            // One pass over the ranking for the reach and every depth of the curve.
            Column[] hitCounts = new Column[CURVE_DEPTHS.length + 1];
            hitCounts[0] = count(when(positive.and(reached), 1));
            for (int i = 0; i < CURVE_DEPTHS.length; i++) {
                hitCounts[i + 1] = count(when(positive.and(col(RANK).leq(reachCount(n, CURVE_DEPTHS[i]))), 1));
            }
            Row hits = ranked.agg(hitCounts[0], Arrays.copyOfRange(hitCounts, 1, hitCounts.length))
                    .first();
            double[] curve = new double[CURVE_DEPTHS.length];
            double[] recalls = new double[CURVE_DEPTHS.length];
            for (int i = 0; i < CURVE_DEPTHS.length; i++) {
                recalls[i] = (double) hits.getLong(i + 1) / positives;
                curve[i] = recalls[i] / ((double) reachCount(n, CURVE_DEPTHS[i]) / n);
            }
            double[] lift = new double[LIFT_AT.length];
            for (int i = 0; i < LIFT_AT.length; i++) {
                lift[i] = curve[Arrays.binarySearch(CURVE_DEPTHS, LIFT_AT[i])];
            }
            return new Metrics(auc, (double) hits.getLong(0) / positives, lift, curve, recalls, positives, n);
        } finally {
            rows.unpersist();
        }
    }

    /** Metrics of an evaluation set with one class only: nothing can be measured. */
    private static Metrics unmeasured(long positives, long n) {
        double[] none = new double[CURVE_DEPTHS.length];
        Arrays.fill(none, Double.NaN);
        return new Metrics(
                Double.NaN, Double.NaN, new double[] {Double.NaN, Double.NaN, Double.NaN}, none, none, positives, n);
    }

    /** People a reach of {@code share} takes from {@code population}: at least one. */
    public static long reachCount(long population, double share) {
        return Math.max(1, Math.round(population * share));
    }
}
