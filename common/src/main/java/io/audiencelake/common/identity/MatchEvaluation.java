package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;

/**
 * Scores a graph against ground truth. Pairwise: every two identifiers of one predicted person are a
 * predicted pair, every two of one true person a true pair; precision, recall and F1 follow. Pairs
 * are counted from group sizes (n(n-1)/2), never listed. Cluster-level: the share of true persons
 * whose identifiers form exactly one predicted person. Only identifiers present in both count.
 */
public final class MatchEvaluation {
    public static final String TRUTH = "truth_key";

    private MatchEvaluation() {}

    /** The scores. */
    public record Scores(
            long identifiers,
            long predictedPairs,
            long truePairs,
            long truePositives,
            long truePersons,
            long exactPersons) {
        public double precision() {
            return predictedPairs == 0 ? 1.0 : (double) truePositives / predictedPairs;
        }

        public double recall() {
            return truePairs == 0 ? 1.0 : (double) truePositives / truePairs;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        public double exactPersonShare() {
            return truePersons == 0 ? 1.0 : (double) exactPersons / truePersons;
        }
    }

    /**
     * @param graph (id_type, id_value, person_id)
     * @param truth (id_type, id_value, truth_key), values in the graph's form (hashed where the graph is)
     */
    public static Scores score(Dataset<Row> graph, Dataset<Row> truth) {
        Dataset<Row> both = graph.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID)
                .join(
                        truth.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, TRUTH)
                                .dropDuplicates(IdGraph.ID_TYPE, IdGraph.ID_VALUE),
                        new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE})
                .cache();
        try {
            Row predicted = pairs(both.groupBy(IdGraph.PERSON_ID));
            Row actual = pairs(both.groupBy(TRUTH));
            Row common = pairs(both.groupBy(IdGraph.PERSON_ID, TRUTH));
            Dataset<Row> personSize =
                    both.groupBy(IdGraph.PERSON_ID).agg(count(lit(1)).as("person_n"));
            Row exact = both.join(personSize, IdGraph.PERSON_ID)
                    .groupBy(TRUTH)
                    .agg(
                            countDistinct(IdGraph.PERSON_ID).as("persons"),
                            count(lit(1)).as("n"),
                            first("person_n").as("person_n"))
                    .agg(
                            count(lit(1)),
                            sum(when(col("persons").equalTo(1).and(col("n").equalTo(col("person_n"))), 1)
                                    .otherwise(0)))
                    .first();
            return new Scores(
                    predicted.getLong(0),
                    predicted.getLong(1),
                    actual.getLong(1),
                    common.getLong(1),
                    exact.getLong(0),
                    exact.isNullAt(1) ? 0 : exact.getLong(1));
        } finally {
            both.unpersist();
        }
    }

    private static Row pairs(RelationalGroupedDataset groups) {
        Column n = col("n");
        return groups.agg(count(lit(1)).as("n"))
                .agg(sum(n).cast("long"), sum(n.multiply(n.minus(1)).divide(2)).cast("long"))
                .na()
                .fill(0L)
                .first();
    }
}
