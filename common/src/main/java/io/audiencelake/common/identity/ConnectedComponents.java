package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connected components by the alternating large-star / small-star algorithm of Kiveris, Lattanzi, Mirrokni,
 * Rastogi and Vassilvitskii ("Connected Components in MapReduce and Beyond", SoCC 2014), all in Spark. The
 * edges are rewritten, never the nodes: large-star links every neighbour above a node to the smallest node of
 * its neighbourhood, small-star links a node and its neighbours below it to the smallest of them. Each step
 * keeps the components and never adds edges, and the pair of steps ends with every component a star around
 * its smallest node, which is then every member's label. The paper proves at most O(log² n) rounds for n
 * nodes, whatever the shape; chains, stars and trees take about log₂ of their size in practice (the tests hold
 * adversarial shapes to a bound). Each round is checkpointed so plans stay short; no graph reaches the driver.
 */
public final class ConnectedComponents {
    public static final String COMPONENT = "component";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectedComponents.class);
    /** An edge as this class keeps it: the higher node and the lower one. */
    private static final String HI = "hi";

    private static final String LO = "lo";

    private ConnectedComponents() {}

    /** The result and how many rounds (a large-star and a small-star step each) it took. */
    public record Result(Dataset<Row> components, int rounds) {}

    /**
     * (node, component) for every node of {@code nodes} (column node) given edges (src, dst); the component is
     * the smallest node number in it.
     *
     * @throws IllegalStateException when the graph is not yet a set of stars after {@code maxRounds}
     */
    public static Result of(Dataset<Row> nodes, Dataset<Row> edges, int maxRounds) {
        Dataset<Row> current = edges.select(
                        greatest(col(DeterministicLinks.SRC), col(DeterministicLinks.DST))
                                .as(HI),
                        least(col(DeterministicLinks.SRC), col(DeterministicLinks.DST))
                                .as(LO))
                .where(col(HI).notEqual(col(LO)))
                .distinct()
                .localCheckpoint();
        for (int round = 1; round <= maxRounds; round++) {
            if (isStars(current)) {
                return new Result(labels(nodes, current), round - 1);
            }
            current = smallStar(largeStar(current).localCheckpoint()).localCheckpoint();
            LOG.info("connected components: round {}", round);
        }
        if (isStars(current)) {
            return new Result(labels(nodes, current), maxRounds);
        }
        throw new IllegalStateException("connected components did not converge in " + maxRounds
                + " rounds; raise clustering.max_iterations or look for a chain of weak links");
    }

    /**
     * As {@link #of}, seeded with the components of a previous run: a previous component none of whose nodes left
     * and none of whose previous edges disappeared is still connected, so it enters the rounds as one node (its
     * label, its smallest node) and only the edges between such components and the nodes of changed ones take
     * part. The answer equals {@link #of} on the same nodes and edges; the rounds grow with the change, not the
     * graph.
     *
     * @param previous (node, component) of the previous run, or null for none
     * @param previousEdges (src, dst) the previous components were computed from
     */
    public static Result update(
            Dataset<Row> nodes, Dataset<Row> edges, Dataset<Row> previous, Dataset<Row> previousEdges, int maxRounds) {
        if (previous == null) {
            return of(nodes, edges, maxRounds);
        }
        Dataset<Row> current = nodes.select(col(IdentifierNodes.NODE)).distinct();
        // Previous edges that are gone: their ends' previous components may have split.
        Dataset<Row> lost = ordered(previousEdges)
                .join(ordered(edges), new String[] {DeterministicLinks.SRC, DeterministicLinks.DST}, "left_anti");
        Dataset<Row> touched = lost.select(col(DeterministicLinks.SRC).as(IdentifierNodes.NODE))
                .union(lost.select(col(DeterministicLinks.DST).as(IdentifierNodes.NODE)))
                .union(previous.select(IdentifierNodes.NODE)
                        .join(current, new String[] {IdentifierNodes.NODE}, "left_anti"));
        Dataset<Row> changed =
                previous.join(touched, IdentifierNodes.NODE).select(COMPONENT).distinct();
        Dataset<Row> seed =
                previous.select(IdentifierNodes.NODE, COMPONENT).join(changed, new String[] {COMPONENT}, "left_anti");
        // Each current node stands for itself, or for its unchanged previous component.
        Dataset<Row> proxy = current.join(seed, new String[] {IdentifierNodes.NODE}, "left")
                .select(
                        col(IdentifierNodes.NODE),
                        coalesce(col(COMPONENT), col(IdentifierNodes.NODE)).as("proxy"))
                .localCheckpoint();
        Dataset<Row> contracted = edges.join(proxy.toDF(DeterministicLinks.SRC, "s"), DeterministicLinks.SRC)
                .join(proxy.toDF(DeterministicLinks.DST, "d"), DeterministicLinks.DST)
                .where(col("s").notEqual(col("d")))
                .select(col("s").as(DeterministicLinks.SRC), col("d").as(DeterministicLinks.DST));
        Result r = of(proxy.select(col("proxy").as(IdentifierNodes.NODE)), contracted, maxRounds);
        Dataset<Row> components = proxy.join(r.components().toDF("proxy", COMPONENT), "proxy")
                .select(IdentifierNodes.NODE, COMPONENT)
                .localCheckpoint();
        return new Result(components, r.rounds());
    }

    private static Dataset<Row> ordered(Dataset<Row> edges) {
        return edges.select(
                        least(col(DeterministicLinks.SRC), col(DeterministicLinks.DST))
                                .as(DeterministicLinks.SRC),
                        greatest(col(DeterministicLinks.SRC), col(DeterministicLinks.DST))
                                .as(DeterministicLinks.DST))
                .distinct();
    }

    /** Every neighbour above a node is linked to the smallest node of that node's neighbourhood (itself included). */
    static Dataset<Row> largeStar(Dataset<Row> edges) {
        Dataset<Row> both =
                edges.select(col(HI).as("a"), col(LO).as("b")).union(edges.select(col(LO).as("a"), col(HI).as("b")));
        Dataset<Row> smallest =
                both.groupBy("a").agg(least(col("a"), min(col("b"))).as("m"));
        // Each edge (hi, lo) is seen from its lower end: hi is a neighbour above lo and goes to m(lo) <= lo < hi.
        return edges.join(smallest, edges.col(LO).equalTo(smallest.col("a")))
                .select(col(HI), col("m").as(LO))
                .distinct();
    }

    /** A node and its neighbours below it are all linked to the smallest of them. */
    static Dataset<Row> smallStar(Dataset<Row> edges) {
        Dataset<Row> smallest = edges.groupBy(HI).agg(min(LO).as("m"));
        Dataset<Row> withMin = edges.join(smallest, HI);
        Dataset<Row> lowerNeighbours =
                withMin.where(col(LO).notEqual(col("m"))).select(col(LO).as(HI), col("m").as(LO));
        return smallest.select(col(HI), col("m").as(LO)).union(lowerNeighbours).distinct();
    }

    /** Converged: every node has at most one lower neighbour and no node with one is another's centre. */
    private static boolean isStars(Dataset<Row> edges) {
        boolean oneCentreEach = edges.groupBy(HI)
                .agg(count(lit(1)).as("n"))
                .where(col("n").gt(1))
                .isEmpty();
        return oneCentreEach
                && edges.select(col(LO).as(HI))
                        .join(edges.select(HI), HI, "left_semi")
                        .isEmpty();
    }

    private static Dataset<Row> labels(Dataset<Row> nodes, Dataset<Row> stars) {
        Dataset<Row> distinct = nodes.select(col(IdentifierNodes.NODE)).distinct();
        return distinct.join(stars, distinct.col(IdentifierNodes.NODE).equalTo(stars.col(HI)), "left")
                .select(
                        col(IdentifierNodes.NODE),
                        coalesce(col(LO), col(IdentifierNodes.NODE)).as(COMPONENT))
                .localCheckpoint();
    }
}
