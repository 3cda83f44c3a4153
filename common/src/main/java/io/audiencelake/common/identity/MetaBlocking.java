package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Meta-blocking (Papadakis, Koutrika, Palpanas and Nejdl, "Meta-Blocking: Taking Entity Resolution to the Next
 * Level", TKDE 2014; JedAI's implementation): the pairs a rule's blocks make form a graph whose edges are weighed by
 * how much the two profiles' blocks say they belong together, and edges too light for the graph, or for their
 * nodes, are pruned. A common word shared by a thousand titles weighs little; the one rare word two titles share,
 * or most of their blocks in common, weighs much. Weights and thresholds are Spark aggregates over the pairs, never
 * a loop on the driver.
 */
public final class MetaBlocking {
    static final String SHARED = "_shared";
    static final String RECIPROCAL_SUM = "_arcs";
    static final String WEIGHT = "_weight";
    private static final String BLOCKS = "_blocks";
    private static final String END = "_end";
    private static final String OTHER = "_other";

    private MetaBlocking() {}

    /** What a rule's meta-blocking weighs pairs by and how it prunes them. */
    public record Settings(Weighting weighting, Pruning pruning) {}

    /**
     * How an edge is weighed, from the blocks its profiles share ({@value #SHARED}), the sum over those of one over
     * the block's comparisons ({@value #RECIPROCAL_SUM}), each profile's block count, and the rule's block count.
     */
    public enum Weighting {
        /** Common blocks scheme: the number of blocks shared. */
        CBS {
            @Override
            Column weight(long blocks) {
                return col(SHARED).cast("double");
            }
        },
        /** Aggregate reciprocal comparisons: a shared small block counts more than a shared large one. */
        ARCS {
            @Override
            Column weight(long blocks) {
                return col(RECIPROCAL_SUM);
            }
        },
        /** Jaccard of the two profiles' blocks: shared blocks over the blocks of either. */
        JS {
            @Override
            Column weight(long blocks) {
                return col(SHARED)
                        .divide(col(CandidatePairs.LEFT + BLOCKS)
                                .plus(col(CandidatePairs.RIGHT + BLOCKS))
                                .minus(col(SHARED)));
            }
        },
        /** Enhanced common blocks: shared blocks, discounted for profiles that sit in many blocks. */
        ECBS {
            @Override
            Column weight(long blocks) {
                return col(SHARED)
                        .multiply(log(lit((double) blocks).divide(col(CandidatePairs.LEFT + BLOCKS))))
                        .multiply(log(lit((double) blocks).divide(col(CandidatePairs.RIGHT + BLOCKS))));
            }
        };

        abstract Column weight(long blocks);
    }

    /** Which edges survive: a global threshold, or each node's own. */
    public enum Pruning {
        /** Weighted edge pruning: edges at least as heavy as the mean edge. */
        WEP {
            @Override
            Dataset<Row> prune(Dataset<Row> weighted, Stats stats) {
                Row mean = weighted.agg(avg(col(WEIGHT))).first();
                return mean.isNullAt(0) ? weighted : weighted.where(col(WEIGHT).geq(mean.getDouble(0)));
            }
        },
        /** Weighted node pruning: edges at least as heavy as the mean edge of either end. */
        WNP {
            @Override
            Dataset<Row> prune(Dataset<Row> weighted, Stats stats) {
                return aboveNodeMeans(weighted, false);
            }
        },
        /** Reciprocal weighted node pruning: at least the mean edge of both ends. */
        RECIPROCAL_WNP {
            @Override
            Dataset<Row> prune(Dataset<Row> weighted, Stats stats) {
                return aboveNodeMeans(weighted, true);
            }
        },
        /**
         * Cardinality node pruning: each profile keeps its k heaviest edges, k = the mean blocks per profile minus
         * one (at least one); an edge stays when either end keeps it.
         */
        CNP {
            @Override
            Dataset<Row> prune(Dataset<Row> weighted, Stats stats) {
                return topPerNode(weighted, stats.perNode(), false);
            }
        },
        /** Reciprocal cardinality node pruning: an edge stays when both ends keep it. */
        RECIPROCAL_CNP {
            @Override
            Dataset<Row> prune(Dataset<Row> weighted, Stats stats) {
                return topPerNode(weighted, stats.perNode(), true);
            }
        };

        abstract Dataset<Row> prune(Dataset<Row> weighted, Stats stats);
    }

    /** Sizes of a rule's blocking graph: blocks, memberships and profiles in blocks. */
    record Stats(long blocks, long memberships, long profiles) {
        /** CNP's k: JedAI's floor(memberships / profiles) - 1, at least one. */
        int perNode() {
            return (int) Math.max(1, memberships / Math.max(1, profiles) - 1);
        }
    }

    /**
     * The pairs a rule keeps after meta-blocking.
     *
     * @param members (block key, node, source) of the blocks within the rule's cap
     * @param pairs (block key, l_node, r_node) of every pair those blocks make
     * @param acrossFeedsOnly whether a block's comparisons are only those across feeds
     * @param minShared pairs sharing fewer blocks are dropped before weighing
     * @return distinct (l_node, r_node) with {@value #WEIGHT}
     */
    static Dataset<Row> prune(
            Dataset<Row> members, Dataset<Row> pairs, boolean acrossFeedsOnly, int minShared, Settings settings) {
        String key = CandidatePairs.KEY;
        String node = IdentifierNodes.NODE;
        Row sizes = members.agg(countDistinct(col(key)), count(lit(1)), countDistinct(col(node)))
                .first();
        Stats stats = new Stats(sizes.getLong(0), sizes.getLong(1), sizes.getLong(2));
        // A block's comparisons: all its pairs, or only those across feeds (n^2 - sum of each feed's n^2) / 2.
        Dataset<Row> perSource =
                members.groupBy(key, IdentifierNodes.SOURCE).agg(count(lit(1)).as("_n"));
        Column total = sum(col("_n"));
        Column comparisons = acrossFeedsOnly
                ? total.multiply(total)
                        .minus(sum(col("_n").multiply(col("_n"))))
                        .divide(2)
                : total.multiply(total.minus(1)).divide(2);
        Dataset<Row> reciprocal = perSource
                .groupBy(key)
                .agg(comparisons.as("_c"))
                .select(
                        col(key),
                        when(col("_c").gt(0), lit(1.0).divide(col("_c")))
                                .otherwise(0.0)
                                .as("_inv"));
        Dataset<Row> nodeBlocks = members.groupBy(node).agg(count(lit(1)).as(BLOCKS));
        String l = CandidatePairs.LEFT + node;
        String r = CandidatePairs.RIGHT + node;
        Dataset<Row> edges = pairs.join(reciprocal, key)
                .groupBy(l, r)
                .agg(count(lit(1)).as(SHARED), sum(col("_inv")).as(RECIPROCAL_SUM))
                .where(col(SHARED).geq(minShared))
                .join(nodeBlocks.withColumnRenamed(node, l).withColumnRenamed(BLOCKS, CandidatePairs.LEFT + BLOCKS), l)
                .join(
                        nodeBlocks.withColumnRenamed(node, r).withColumnRenamed(BLOCKS, CandidatePairs.RIGHT + BLOCKS),
                        r);
        // Checkpointed: pruning reads the weighted edges twice (a threshold, then the edges above it).
        Dataset<Row> weighted = edges.select(
                        col(l),
                        col(r),
                        settings.weighting().weight(stats.blocks()).as(WEIGHT))
                .localCheckpoint();
        return settings.pruning().prune(weighted, stats).select(l, r, WEIGHT);
    }

    /** Each edge once per end: (end, other, weight). */
    private static Dataset<Row> ends(Dataset<Row> weighted) {
        String l = CandidatePairs.LEFT + IdentifierNodes.NODE;
        String r = CandidatePairs.RIGHT + IdentifierNodes.NODE;
        return weighted.select(col(l).as(END), col(r).as(OTHER), col(WEIGHT))
                .unionByName(weighted.select(col(r).as(END), col(l).as(OTHER), col(WEIGHT)));
    }

    private static Dataset<Row> aboveNodeMeans(Dataset<Row> weighted, boolean both) {
        String l = CandidatePairs.LEFT + IdentifierNodes.NODE;
        String r = CandidatePairs.RIGHT + IdentifierNodes.NODE;
        Dataset<Row> means = ends(weighted).groupBy(END).agg(avg(col(WEIGHT)).as("_mean"));
        Dataset<Row> withMeans = weighted.join(
                        means.select(col(END).as(l), col("_mean").as("_lm")), l)
                .join(means.select(col(END).as(r), col("_mean").as("_rm")), r);
        Column left = col(WEIGHT).geq(col("_lm"));
        Column right = col(WEIGHT).geq(col("_rm"));
        return withMeans.where(both ? left.and(right) : left.or(right));
    }

    private static Dataset<Row> topPerNode(Dataset<Row> weighted, int k, boolean both) {
        String l = CandidatePairs.LEFT + IdentifierNodes.NODE;
        String r = CandidatePairs.RIGHT + IdentifierNodes.NODE;
        // Ties broken by the other end's node, so a rerun keeps the same edges.
        Dataset<Row> kept = ends(weighted)
                .withColumn(
                        "_rank",
                        row_number()
                                .over(Window.partitionBy(END)
                                        .orderBy(col(WEIGHT).desc(), col(OTHER))))
                .where(col("_rank").leq(k))
                .select(
                        when(col(END).lt(col(OTHER)), col(END))
                                .otherwise(col(OTHER))
                                .as(l),
                        when(col(END).lt(col(OTHER)), col(OTHER))
                                .otherwise(col(END))
                                .as(r),
                        col(WEIGHT))
                .groupBy(l, r)
                .agg(count(lit(1)).as("_ends"), max(col(WEIGHT)).as(WEIGHT));
        return kept.where(col("_ends").geq(both ? 2 : 1));
    }
}
