package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.lookalike.LookalikeTraining.Trained;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How a model treats the unlabelled people it samples as negatives: some of them are in truth like the seed
 * (positive-unlabelled learning). Chosen per model in {@code lookalike.yaml} as {@code pu}; recorded per version in
 * {@code model_runs}.
 */
public enum PuMethod {
    /** Every unlabelled person is a negative (weighted so the two classes balance): scores of hidden lookalikes are pushed down. */
    NONE {
        @Override
        public Trained fit(Dataset<Row> assigned, LookalikeModel model, long seed) {
            return LookalikeTraining.fit(assigned, model, seed);
        }
    },
    /**
     * Elkan and Noto (2008), "Learning classifiers from only positive and unlabeled data", section 3 (weighting):
     * a first model g separates seed members from unlabelled people; the label frequency c, the chance a person
     * like the seed is in it, is g's mean over held-out seed members; each unlabelled training row then counts as
     * a positive with weight w = (1 - c) / c * g / (1 - g) (the chance it is in truth like the seed, at most 1) and
     * as a negative with weight 1 - w, and the model is fitted again on that. Costs a second fit.
     */
    LABEL_FREQUENCY {
        @Override
        public Trained fit(Dataset<Row> assigned, LookalikeModel model, long seed) {
            Trained first = LookalikeTraining.fit(assigned, model, seed);
            Dataset<Row> holdout = assigned.where(col(LookalikeTraining.ROLE).equalTo(LookalikeTraining.HOLDOUT));
            Row mean = LookalikeTraining.score(first.model(), holdout, LookalikeTraining.PERSON_ID)
                    .agg(avg(LookalikeTraining.SCORE))
                    .first();
            if (mean.isNullAt(0) || mean.getDouble(0) <= 0) {
                // No held-out seed member to estimate c from: the first model is the answer.
                return first;
            }
            double c = Math.min(mean.getDouble(0), 1 - 1e-6);
            Dataset<Row> train = assigned.where(col(LookalikeTraining.ROLE).equalTo(LookalikeTraining.TRAIN));
            // Materialised once: the three branches below read it.
            Dataset<Row> scored = LookalikeTraining.score(first.model(), train, train.columns())
                    .localCheckpoint();
            Column g = least(col(LookalikeTraining.SCORE), lit(1 - 1e-6));
            Column w = least(
                    lit(1.0), greatest(lit(0.0), lit((1 - c) / c).multiply(g).divide(lit(1).minus(g))));
            Column unlabelled = col(LookalikeTraining.LABEL).equalTo(0.0);
            Column weight = col(LookalikeTraining.WEIGHT);
            Dataset<Row> asPositive = scored.where(unlabelled)
                    .withColumn(LookalikeTraining.WEIGHT, weight.multiply(w))
                    .withColumn(LookalikeTraining.LABEL, lit(1.0));
            Dataset<Row> asNegative =
                    scored.where(unlabelled).withColumn(LookalikeTraining.WEIGHT, weight.multiply(lit(1).minus(w)));
            Dataset<Row> reweighted = scored.where(unlabelled.unary_$bang())
                    .unionByName(asPositive)
                    .unionByName(asNegative)
                    .where(col(LookalikeTraining.WEIGHT).gt(0))
                    .drop(LookalikeTraining.SCORE)
                    .localCheckpoint();
            Trained second = LookalikeTraining.fit(reweighted, model, seed);
            return new Trained(second.model(), second.params(), second.importances(), c);
        }
    };

    /** The fitted model of the {@code TRAIN} rows of {@code assigned} (held-out rows may inform it, as above). */
    public abstract Trained fit(Dataset<Row> assigned, LookalikeModel model, long seed);

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
