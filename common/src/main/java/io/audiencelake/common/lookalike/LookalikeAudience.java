package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Who a lookalike model may pick, and who it picks. */
public final class LookalikeAudience {
    private static final String PERSON_ID = LookalikeTraining.PERSON_ID;

    private LookalikeAudience() {}

    /**
     * Profiles of people who may join the lookalike segment: not a seed member, not in an excluded
     * segment ({@code excluded}: person ids, seed included), and with the model's consent purpose granted.
     */
    public static Dataset<Row> eligible(
            Dataset<Row> profiles, Dataset<Row> excluded, LookalikeModel model, String grantedValue) {
        Dataset<Row> out = profiles.join(excluded.select(PERSON_ID).distinct(), new String[] {PERSON_ID}, "left_anti");
        if (model.consentColumn() != null) {
            out = out.where(col(model.consentColumn()).eqNullSafe(functions.lit(grantedValue)));
        }
        return out;
    }

    /** Ranked eligible people who join the lookalike segment: the top of the reach, or above the score. */
    public static Dataset<Row> members(Dataset<Row> ranked, LookalikeModel model, long eligible) {
        Column in = model.reachShare() != null
                ? col(LookalikeTables.RANK).leq(LookalikeEvaluation.reachCount(eligible, model.reachShare()))
                : col(LookalikeTables.SCORE).geq(model.minScore());
        return ranked.where(in);
    }
}
