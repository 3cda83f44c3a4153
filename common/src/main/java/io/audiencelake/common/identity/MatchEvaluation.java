package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;

/**
 * Scores a graph against ground truth. Pairwise: every two identifiers of one predicted person are a
 * predicted pair, every two of one true person a true pair; precision, recall and F1 follow. Pairs
 * are counted from group sizes (n(n-1)/2), never listed. Cluster-level: the share of true persons
 * whose identifiers form exactly one predicted person. Only identifiers present in both count.
 *
 * <p>{@link #report} adds what a cross-device evaluation needs: the deterministic links alone against the whole
 * graph, scores by device kind (the pairs with at least one device of the kind), and how many predicted persons
 * mix true persons of one household (the hard case: shared address, network and sometimes a family login).
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
     * How predicted persons mix true persons: of {@code persons}, {@code withHouseholdMember} hold identifiers of two
     * or more true persons of one household, {@code acrossHouseholds} of two or more households.
     */
    public record Mixing(long persons, long withHouseholdMember, long acrossHouseholds) {
        public double withHouseholdMemberShare() {
            return persons == 0 ? 0 : (double) withHouseholdMember / persons;
        }

        public double acrossHouseholdsShare() {
            return persons == 0 ? 0 : (double) acrossHouseholds / persons;
        }
    }

    /**
     * The whole graph's scores, those of the graphs some link methods alone make (e.g. the deterministic links),
     * scores per device kind (pairs with at least one identifier of the kind; exact persons not counted there), and
     * the household mixing (null without households in the truth).
     */
    public record Report(Scores all, Map<String, Scores> byMethod, Map<String, Scores> byDeviceKind, Mixing mixing) {}

    /**
     * @param graph (id_type, id_value, person_id)
     * @param methods per name, the same for the components some link methods alone make
     * @param truth as {@link GroundTruthIdentifiers#read}: (id_type, id_value, truth_key, device_kind,
     *     household_key)
     */
    public static Report report(Dataset<Row> graph, Map<String, Dataset<Row>> methods, Dataset<Row> truth) {
        Scores all = score(graph, truth);
        Map<String, Scores> byMethod = new LinkedHashMap<>();
        methods.forEach((name, g) -> byMethod.put(name, score(g, truth)));
        Dataset<Row> both = joined(graph, truth).cache();
        try {
            List<String> kinds = new ArrayList<>();
            // One row per device kind in the truth (a handful): small enough to list on the driver.
            for (Row r : both.select(GroundTruthIdentifiers.DEVICE_KIND)
                    .where(col(GroundTruthIdentifiers.DEVICE_KIND).isNotNull())
                    .distinct()
                    .orderBy(GroundTruthIdentifiers.DEVICE_KIND)
                    .collectAsList()) {
                kinds.add(r.getString(0));
            }
            return new Report(all, byMethod, byKind(both, kinds), mixing(both));
        } finally {
            both.unpersist();
        }
    }

    /**
     * Blocking recall's numerator: per model ({@code publications}) and per model and blocking rule
     * ({@code publications/title_words}), how many candidate pairs of {@code id_compared_pairs} rows are true pairs.
     * Divided by the true pairs, it says how many matches a model could find at all: a pair never made a candidate
     * is lost whatever the comparisons.
     */
    public static Map<String, Long> trueCandidates(Dataset<Row> compared, Dataset<Row> truth) {
        Dataset<Row> matches = ReachableLinks.trueCompared(compared, truth)
                .select(
                        col(ComparedPairs.MODEL),
                        explode(array_union(array(lit("")), col(ComparedPairs.RULES)))
                                .as(CandidatePairs.RULE));
        Map<String, Long> out = new LinkedHashMap<>();
        // One row per model and rule (a handful): small enough to list on the driver.
        for (Row r : matches.groupBy(ComparedPairs.MODEL, CandidatePairs.RULE)
                .count()
                .orderBy(ComparedPairs.MODEL, CandidatePairs.RULE)
                .collectAsList()) {
            String rule = r.getString(1);
            out.put(rule.isEmpty() ? r.getString(0) : r.getString(0) + "/" + rule, r.getLong(2));
        }
        return out;
    }

    private static Dataset<Row> joined(Dataset<Row> graph, Dataset<Row> truth) {
        return graph.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, IdGraph.PERSON_ID)
                .join(
                        truth.dropDuplicates(IdGraph.ID_TYPE, IdGraph.ID_VALUE),
                        new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE});
    }

    /**
     * Per kind, the pairs with at least one identifier of the kind: in a group of n with k of the kind, n(n-1)/2
     * minus the (n-k)(n-k-1)/2 pairs without one. One pass per grouping for every kind at once.
     */
    private static Map<String, Scores> byKind(Dataset<Row> both, List<String> kinds) {
        Map<String, Scores> out = new LinkedHashMap<>();
        if (kinds.isEmpty()) {
            return out;
        }
        Row predicted = partPairs(both, kinds, col(IdGraph.PERSON_ID));
        Row actual = partPairs(both, kinds, col(TRUTH));
        Row common = partPairs(both, kinds, col(IdGraph.PERSON_ID), col(TRUTH));
        for (int i = 0; i < kinds.size(); i++) {
            out.put(
                    kinds.get(i),
                    new Scores(
                            predicted.getLong(2 * i),
                            predicted.getLong(2 * i + 1),
                            actual.getLong(2 * i + 1),
                            common.getLong(2 * i + 1),
                            0,
                            0));
        }
        return out;
    }

    /** Per kind: identifiers of the kind, pairs with at least one of them, over the groups of {@code by}. */
    private static Row partPairs(Dataset<Row> both, List<String> kinds, Column... by) {
        List<Column> counts = new ArrayList<>();
        counts.add(count(lit(1)).as("n"));
        for (int i = 0; i < kinds.size(); i++) {
            counts.add(sum(when(col(GroundTruthIdentifiers.DEVICE_KIND).equalTo(kinds.get(i)), 1)
                            .otherwise(0))
                    .as("k" + i));
        }
        Column n = col("n");
        List<Column> sums = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            Column rest = n.minus(col("k" + i));
            sums.add(sum(col("k" + i)).cast("long"));
            sums.add(sum(n.multiply(n.minus(1))
                            .divide(2)
                            .minus(rest.multiply(rest.minus(1)).divide(2)))
                    .cast("long"));
        }
        Column[] tail = sums.subList(1, sums.size()).toArray(new Column[0]);
        return both.groupBy(by)
                .agg(counts.get(0), counts.subList(1, counts.size()).toArray(new Column[0]))
                .agg(sums.get(0), tail)
                .na()
                .fill(0L)
                .first();
    }

    /** Null when the truth has no households. */
    private static Mixing mixing(Dataset<Row> both) {
        Column household = col(GroundTruthIdentifiers.HOUSEHOLD);
        Row r = both.where(household.isNotNull())
                .groupBy(col(IdGraph.PERSON_ID), household)
                .agg(countDistinct(TRUTH).as("members"))
                .groupBy(IdGraph.PERSON_ID)
                .agg(
                        max(when(col("members").geq(2), 1).otherwise(0)).as("mixed"),
                        count(lit(1)).as("households"))
                .agg(
                        count(lit(1)),
                        sum(col("mixed")).cast("long"),
                        sum(when(col("households").geq(2), 1).otherwise(0)).cast("long"))
                .first();
        return r.getLong(0) == 0 ? null : new Mixing(r.getLong(0), r.getLong(1), r.getLong(2));
    }

    /**
     * @param graph (id_type, id_value, person_id)
     * @param truth (id_type, id_value, truth_key), values in the graph's form (hashed where the graph is)
     */
    public static Scores score(Dataset<Row> graph, Dataset<Row> truth) {
        Dataset<Row> both = joined(graph, truth.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE, TRUTH))
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
