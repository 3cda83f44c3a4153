package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;

import io.audiencelake.common.identity.IdentityRules.BlockingRule;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Candidate pairs from blocking rules: two profiles are a candidate when a rule's fields are equal
 * (any shared element for a list field). Blocks larger than the rule's cap are skipped, so a hot key
 * (a carrier's NAT address, a common postcode) can neither blow up the pair count nor skew one task;
 * the join only ever pairs profiles inside bounded blocks. Never a cross join.
 */
public final class CandidatePairs {
    public static final String LEFT = "l_";
    public static final String RIGHT = "r_";
    public static final String RULES = "rules";
    public static final String RULE = "rule";
    static final String KEY = "_block";
    private static final String TOUCHED = "_touched";

    private CandidatePairs() {}

    /** (node, source, block key) of a rule; list fields are exploded, profiles missing a field left out. */
    static Dataset<Row> keyed(Dataset<Row> profiles, BlockingRule rule) {
        // explode() is allowed once per select: one select per field, carrying the keys made so far.
        Dataset<Row> keyed = profiles;
        List<Column> parts = new ArrayList<>();
        for (int i = 0; i < rule.on().size(); i++) {
            String field = rule.on().get(i);
            Column c = isList(profiles, field) ? explode(col(field)) : col(field);
            List<Column> keep = new ArrayList<>(List.of(col(IdentifierNodes.NODE), col(IdentifierNodes.SOURCE)));
            keep.addAll(parts);
            rule.on().subList(i + 1, rule.on().size()).forEach(f -> keep.add(col(f)));
            keep.add(c.as("_k" + i));
            keyed = keyed.select(keep.toArray(Column[]::new));
            parts.add(col("_k" + i));
        }
        Column present = lit(true);
        for (Column p : parts) {
            present = present.and(p.isNotNull());
        }
        return keyed.where(present)
                .select(
                        col(IdentifierNodes.NODE),
                        col(IdentifierNodes.SOURCE),
                        concat_ws("\u0001", parts.toArray(Column[]::new)).as(KEY))
                .distinct();
    }

    private static boolean isList(Dataset<Row> profiles, String field) {
        return profiles.schema().apply(field).dataType() instanceof ArrayType;
    }

    /** Block sizes of one rule: key and number of profiles. */
    public static Dataset<Row> blocks(Dataset<Row> keyed) {
        return keyed.groupBy(KEY).agg(count(lit(1)).as("size"));
    }

    /** Distinct pairs (l_node < r_node) of one rule, from blocks within its cap. */
    public static Dataset<Row> ofRule(Dataset<Row> profiles, MatchModel model, BlockingRule rule) {
        Dataset<Row> keyed = keyed(profiles, rule);
        return ofBlocks(keyed, blocks(keyed), model, rule, null);
    }

    /** As {@link #ofRule}, from a rule's keyed profiles and block sizes already computed. */
    static Dataset<Row> ofBlocks(
            Dataset<Row> keyed, Dataset<Row> blocks, MatchModel model, BlockingRule rule, Dataset<Row> touched) {
        Dataset<Row> allowed =
                blocks.where(col("size").between(2, rule.maxBlockSize())).select(KEY);
        Dataset<Row> members = keyed.join(allowed, KEY);
        if (rule.metaBlocking() != null) {
            return weighed(members, model, rule, touched);
        }
        if (touched == null) {
            members = members.withColumn(TOUCHED, lit(true));
        } else {
            // Only blocks with a touched profile can hold a pair to score.
            Dataset<Row> flagged =
                    touched.select(IdentifierNodes.NODE).distinct().withColumn(TOUCHED, lit(true));
            members = members.join(flagged, new String[] {IdentifierNodes.NODE}, "left")
                    .na()
                    .fill(false, new String[] {TOUCHED});
            members = members.join(members.where(col(TOUCHED)).select(KEY).distinct(), new String[] {KEY}, "left_semi");
        }
        Dataset<Row> l = members.select(
                col(KEY),
                col(IdentifierNodes.NODE).as(LEFT + IdentifierNodes.NODE),
                col(IdentifierNodes.SOURCE).as(LEFT + IdentifierNodes.SOURCE),
                col(TOUCHED).as(LEFT + TOUCHED));
        Dataset<Row> r = members.select(
                col(KEY),
                col(IdentifierNodes.NODE).as(RIGHT + IdentifierNodes.NODE),
                col(IdentifierNodes.SOURCE).as(RIGHT + IdentifierNodes.SOURCE),
                col(TOUCHED).as(RIGHT + TOUCHED));
        Column condition = col(LEFT + IdentifierNodes.NODE)
                .lt(col(RIGHT + IdentifierNodes.NODE))
                .and(col(LEFT + TOUCHED).or(col(RIGHT + TOUCHED)));
        if (model.acrossFeedsOnly()) {
            condition = condition.and(col(LEFT + IdentifierNodes.SOURCE).notEqual(col(RIGHT + IdentifierNodes.SOURCE)));
        }
        Dataset<Row> pairs = l.join(r, KEY).where(condition);
        Dataset<Row> distinct = rule.minShared() <= 1
                ? pairs.select(col(LEFT + IdentifierNodes.NODE), col(RIGHT + IdentifierNodes.NODE))
                        .distinct()
                // Meta-blocking by common blocks: one shared word in two titles is chance, several are not.
                : pairs.groupBy(LEFT + IdentifierNodes.NODE, RIGHT + IdentifierNodes.NODE)
                        .agg(count(lit(1)).as("_shared"))
                        .where(col("_shared").geq(rule.minShared()))
                        .drop("_shared");
        return distinct.withColumn(RULE, lit(rule.name()));
    }

    /**
     * A meta-blocking rule's pairs. Weights and thresholds read every block and every pair of the rule (a profile's
     * block count, a node's mean edge), so they are computed over all of them, not only blocks with a touched
     * profile: a daily run keeps, of the pairs with a touched end (the only ones returned), exactly those a rebuild
     * would. The cost is the rule's whole pair graph each run, not the new data's share. A standing pair between two
     * untouched profiles is not weighed again, though new neighbours may have moved its weight or its thresholds;
     * a rebuild (`--rebuild`) weighs everything anew.
     */
    private static Dataset<Row> weighed(
            Dataset<Row> members, MatchModel model, BlockingRule rule, Dataset<Row> touched) {
        Dataset<Row> l = members.select(
                col(KEY),
                col(IdentifierNodes.NODE).as(LEFT + IdentifierNodes.NODE),
                col(IdentifierNodes.SOURCE).as(LEFT + IdentifierNodes.SOURCE));
        Dataset<Row> r = members.select(
                col(KEY),
                col(IdentifierNodes.NODE).as(RIGHT + IdentifierNodes.NODE),
                col(IdentifierNodes.SOURCE).as(RIGHT + IdentifierNodes.SOURCE));
        Column condition = col(LEFT + IdentifierNodes.NODE).lt(col(RIGHT + IdentifierNodes.NODE));
        if (model.acrossFeedsOnly()) {
            condition = condition.and(col(LEFT + IdentifierNodes.SOURCE).notEqual(col(RIGHT + IdentifierNodes.SOURCE)));
        }
        Dataset<Row> pairs = l.join(r, KEY)
                .where(condition)
                .select(col(KEY), col(LEFT + IdentifierNodes.NODE), col(RIGHT + IdentifierNodes.NODE));
        Dataset<Row> kept = MetaBlocking.prune(
                        members, pairs, model.acrossFeedsOnly(), rule.minShared(), rule.metaBlocking())
                .select(col(LEFT + IdentifierNodes.NODE), col(RIGHT + IdentifierNodes.NODE));
        if (touched != null) {
            Dataset<Row> t = touched.select(IdentifierNodes.NODE).distinct();
            kept = kept.join(
                            t.withColumnRenamed(IdentifierNodes.NODE, "_tl"),
                            col(LEFT + IdentifierNodes.NODE).equalTo(col("_tl")),
                            "left")
                    .join(
                            t.withColumnRenamed(IdentifierNodes.NODE, "_tr"),
                            col(RIGHT + IdentifierNodes.NODE).equalTo(col("_tr")),
                            "left")
                    .where(col("_tl").isNotNull().or(col("_tr").isNotNull()))
                    .select(col(LEFT + IdentifierNodes.NODE), col(RIGHT + IdentifierNodes.NODE));
        }
        return kept.withColumn(RULE, lit(rule.name()));
    }

    /**
     * Sorted neighbourhood (Hernández and Stolfo, 1995): profiles sorted by the rule's key (then node), each paired
     * with the next {@code window - 1}. A key that differs only at its end ("smith", "smithe") sorts beside its
     * match where an equal-key block would miss it; the pair count is at most profiles × (window - 1) whatever the
     * keys. Positions come from a sorted RDD's zipWithIndex (a range-partitioned sort, no single-partition window),
     * and the neighbours from an equi-join on position.
     */
    static Dataset<Row> ofNeighbourhood(
            Dataset<Row> profiles, MatchModel model, BlockingRule rule, Dataset<Row> touched) {
        Dataset<Row> keyed = keyed(profiles, rule);
        Dataset<Row> sorted = keyed.sort(col(KEY), col(IdentifierNodes.NODE));
        StructType schema = sorted.schema().add("_pos", DataTypes.LongType, false);
        JavaRDD<Row> numbered = sorted.toJavaRDD().zipWithIndex().map(t -> {
            Object[] values = new Object[t._1().size() + 1];
            for (int i = 0; i < t._1().size(); i++) {
                values[i] = t._1().get(i);
            }
            values[values.length - 1] = t._2();
            return RowFactory.create(values);
        });
        // Checkpointed: both sides of the join read the positions, which would otherwise sort and number twice.
        Dataset<Row> positions =
                profiles.sparkSession().createDataFrame(numbered, schema).localCheckpoint();
        if (touched != null) {
            positions = positions
                    .join(
                            touched.select(IdentifierNodes.NODE).distinct().withColumn(TOUCHED, lit(true)),
                            new String[] {IdentifierNodes.NODE},
                            "left")
                    .na()
                    .fill(false, new String[] {TOUCHED});
        } else {
            positions = positions.withColumn(TOUCHED, lit(true));
        }
        Dataset<Row> l = positions.select(
                explode(sequence(col("_pos").plus(1), col("_pos").plus(rule.window() - 1)))
                        .as("_next"),
                col(IdentifierNodes.NODE).as("_ln"),
                col(IdentifierNodes.SOURCE).as("_ls"),
                col(TOUCHED).as("_lt"));
        Dataset<Row> r = positions.select(
                col("_pos").as("_next"),
                col(IdentifierNodes.NODE).as("_rn"),
                col(IdentifierNodes.SOURCE).as("_rs"),
                col(TOUCHED).as("_rt"));
        Column condition = col("_ln").notEqual(col("_rn")).and(col("_lt").or(col("_rt")));
        if (model.acrossFeedsOnly()) {
            condition = condition.and(col("_ls").notEqual(col("_rs")));
        }
        return l.join(r, "_next")
                .where(condition)
                .select(
                        least(col("_ln"), col("_rn")).as(LEFT + IdentifierNodes.NODE),
                        greatest(col("_ln"), col("_rn")).as(RIGHT + IdentifierNodes.NODE))
                .distinct()
                .withColumn(RULE, lit(rule.name()));
    }

    /** Pairs of all rules, each once with the rules that found it. */
    public static Dataset<Row> union(List<Dataset<Row>> perRule) {
        Dataset<Row> all = perRule.get(0);
        for (Dataset<Row> d : perRule.subList(1, perRule.size())) {
            all = all.unionByName(d);
        }
        return all.groupBy(LEFT + IdentifierNodes.NODE, RIGHT + IdentifierNodes.NODE)
                .agg(array_sort(collect_set(col(RULE))).as(RULES));
    }

    /** Pairs with both profiles' fields, prefixed l_ and r_. */
    public static Dataset<Row> withProfiles(Dataset<Row> pairs, Dataset<Row> profiles) {
        return pairs.join(prefixed(profiles, LEFT), LEFT + IdentifierNodes.NODE)
                .join(prefixed(profiles, RIGHT), RIGHT + IdentifierNodes.NODE);
    }

    static Dataset<Row> prefixed(Dataset<Row> profiles, String prefix) {
        return profiles.select(Arrays.stream(profiles.columns())
                .map(c -> col(c).as(prefix + c))
                .toArray(Column[]::new));
    }
}
