package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a perfect match model could add to the links no model decides (deterministic and continuity), for
 * {@code identity --evaluate}: the true pairs among the pairs a model compared (the ceiling its blocking
 * leaves), and the true pairs of devices that share any address in the window (the ceiling of any blocking on
 * addresses, however large the blocks). Joined with the deterministic and continuity links, each gives the
 * recall no classifier of those pairs can pass; a target above it needs other evidence, not a better model.
 *
 * <p>Both are bounded by the truth: a pair is listed only when both ends are one true person, so a carrier's
 * address shared by thousands of devices adds only each person's own devices there.
 */
public final class ReachableLinks {
    private static final String TRUTH = MatchEvaluation.TRUTH;
    private static final String IP = "_ip";

    private ReachableLinks() {}

    /**
     * (src, dst) node numbers of the compared pairs whose two ends are one true person.
     *
     * @param compared {@code id_compared_pairs} rows (any models)
     * @param truth as {@link GroundTruthIdentifiers#read}
     */
    public static Dataset<Row> comparedTruePairs(Dataset<Row> compared, Dataset<Row> truth) {
        return trueCompared(compared, truth)
                .select(
                        IdentifierNodes.node(col(ComparedPairs.SRC_TYPE), col(ComparedPairs.SRC_VALUE))
                                .as(DeterministicLinks.SRC),
                        IdentifierNodes.node(col(ComparedPairs.DST_TYPE), col(ComparedPairs.DST_VALUE))
                                .as(DeterministicLinks.DST))
                .distinct();
    }

    /** The compared rows (all their columns) whose two ends are one true person: blocking recall counts them. */
    static Dataset<Row> trueCompared(Dataset<Row> compared, Dataset<Row> truth) {
        Dataset<Row> keys = keys(truth);
        Dataset<Row> src = keys.toDF(ComparedPairs.SRC_TYPE, ComparedPairs.SRC_VALUE, "_src_truth");
        Dataset<Row> dst = keys.toDF(ComparedPairs.DST_TYPE, ComparedPairs.DST_VALUE, "_dst_truth");
        return compared.join(src, new String[] {ComparedPairs.SRC_TYPE, ComparedPairs.SRC_VALUE})
                .join(dst, new String[] {ComparedPairs.DST_TYPE, ComparedPairs.DST_VALUE})
                .where(col("_src_truth").equalTo(col("_dst_truth")));
    }

    /**
     * (src, dst) node numbers of two devices of one true person seen on one address in the days, each pair once.
     *
     * @param deviceDays {@link DeviceDays} partials of the window
     * @param truth as {@link GroundTruthIdentifiers#read}
     */
    public static Dataset<Row> sharedAddressTruePairs(Dataset<Row> deviceDays, Dataset<Row> truth) {
        Dataset<Row> seen = deviceDays
                .select(
                        col(DeviceDays.ID_TYPE),
                        col(DeviceDays.ID_VALUE),
                        explode(col(DeviceDays.IPS)).as(IP))
                .join(keys(truth), new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE})
                .select(IdentifierNodes.node().as(IdentifierNodes.NODE), col(IP), col(TRUTH))
                .distinct();
        Dataset<Row> a = seen.toDF(DeterministicLinks.SRC, IP, TRUTH);
        Dataset<Row> b = seen.toDF(DeterministicLinks.DST, IP, TRUTH);
        return a.join(b, new String[] {TRUTH, IP})
                .where(col(DeterministicLinks.SRC).lt(col(DeterministicLinks.DST)))
                .select(DeterministicLinks.SRC, DeterministicLinks.DST)
                .distinct();
    }

    private static Dataset<Row> keys(Dataset<Row> truth) {
        return truth.dropDuplicates(IdGraph.ID_TYPE, IdGraph.ID_VALUE)
                .select(col(IdGraph.ID_TYPE), col(IdGraph.ID_VALUE), col(TRUTH));
    }
}
