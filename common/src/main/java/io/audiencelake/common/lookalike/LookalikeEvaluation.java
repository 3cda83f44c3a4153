package io.audiencelake.common.lookalike;

import static io.audiencelake.common.lookalike.LookalikeTraining.LABEL;
import static io.audiencelake.common.lookalike.LookalikeTraining.PERSON_ID;
import static io.audiencelake.common.lookalike.LookalikeTraining.SCORE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

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
  /** Reaches at which lift is reported. */
  public static final double[] LIFT_AT = {0.01, 0.05, 0.10};

  private LookalikeEvaluation() {}

  /**
   * @param recallAtReach share of held-out seed members the model's reach would include
   * @param lift lift over random at 1%, 5% and 10% of the evaluated people
   */
  public record Metrics(double auc, double recallAtReach, double[] lift, long positives, long evaluated) {}

  /** Metrics from {@code scored}: (person_id, label, score) of the held-out and evaluation people. */
  public static Metrics evaluate(Dataset<Row> scored, LookalikeModel model) {
    Dataset<Row> rows = scored.select(PERSON_ID, LABEL, SCORE).persist();
    try {
      Row counts = rows.agg(count(lit(1)), sum(col(LABEL))).first();
      long n = counts.getLong(0);
      long positives = counts.isNullAt(1) ? 0 : (long) counts.getDouble(1);
      if (positives == 0 || positives == n) {
        return new Metrics(Double.NaN, Double.NaN, new double[] {Double.NaN, Double.NaN, Double.NaN}, positives, n);
      }
      double auc = new BinaryClassificationEvaluator().setLabelCol(LABEL).setRawPredictionCol(SCORE)
          .setMetricName("areaUnderROC").setNumBins(0).evaluate(rows);
      Dataset<Row> ranked = LookalikeRanking.rank(rows, SCORE, PERSON_ID, RANK);
      Column positive = col(LABEL).equalTo(1.0);
      Column reached = model.reachShare() != null ? col(RANK).leq(reachCount(n, model.reachShare()))
          : col(SCORE).geq(model.minScore());
      Row hits = ranked.agg(
          count(when(positive.and(reached), 1)),
          count(when(positive.and(col(RANK).leq(reachCount(n, LIFT_AT[0]))), 1)),
          count(when(positive.and(col(RANK).leq(reachCount(n, LIFT_AT[1]))), 1)),
          count(when(positive.and(col(RANK).leq(reachCount(n, LIFT_AT[2]))), 1))).first();
      double[] lift = new double[LIFT_AT.length];
      for (int i = 0; i < LIFT_AT.length; i++) {
        double recall = (double) hits.getLong(i + 1) / positives;
        lift[i] = recall / ((double) reachCount(n, LIFT_AT[i]) / n);
      }
      return new Metrics(auc, (double) hits.getLong(0) / positives, lift, positives, n);
    } finally {
      rows.unpersist();
    }
  }

  /** People a reach of {@code share} takes from {@code population}: at least one. */
  public static long reachCount(long population, double share) {
    return Math.max(1, Math.round(population * share));
  }
}
