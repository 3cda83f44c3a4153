package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connected components by minimum-label propagation with pointer jumping, all in Spark: every node
 * starts as its own label, takes the smallest label among itself and its neighbours, then the label
 * of its label; it stops when a round changes no label. Rounds grow with the logarithm of the
 * graph's diameter rather than with its size; each round's labels are checkpointed so the plan
 * stays short. No graph ever reaches the driver.
 */
public final class ConnectedComponents {
    public static final String COMPONENT = "component";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectedComponents.class);

    private ConnectedComponents() {}

    /** The result and how many rounds it took. */
    public record Result(Dataset<Row> components, int rounds) {}

    /**
     * (node, component) for every node of {@code nodes} (column node) given edges (src, dst); the
     * component is the smallest node number in it.
     *
     * @throws IllegalStateException when labels still change after {@code maxRounds}
     */
    public static Result of(Dataset<Row> nodes, Dataset<Row> edges, int maxRounds) {
        Dataset<Row> both = edges.select(
                        col(DeterministicLinks.SRC).as("a"),
                        col(DeterministicLinks.DST).as("b"))
                .union(edges.select(
                        col(DeterministicLinks.DST).as("a"),
                        col(DeterministicLinks.SRC).as("b")))
                .distinct()
                .localCheckpoint();
        Dataset<Row> labels = nodes.select(
                        col(IdentifierNodes.NODE), col(IdentifierNodes.NODE).as(COMPONENT))
                .distinct()
                .localCheckpoint();
        for (int round = 1; round <= maxRounds; round++) {
            Dataset<Row> proposed = both.join(labels, both.col("b").equalTo(labels.col(IdentifierNodes.NODE)))
                    .select(both.col("a").as(IdentifierNodes.NODE), labels.col(COMPONENT));
            Dataset<Row> propagated = labels.union(proposed)
                    .groupBy(IdentifierNodes.NODE)
                    .agg(min(COMPONENT).as(COMPONENT));
            Dataset<Row> parent = propagated.select(
                    col(IdentifierNodes.NODE).as("p"), col(COMPONENT).as("pc"));
            Dataset<Row> next = propagated
                    .join(parent, propagated.col(COMPONENT).equalTo(parent.col("p")), "left")
                    .select(
                            propagated.col(IdentifierNodes.NODE),
                            least(
                                            propagated.col(COMPONENT),
                                            org.apache.spark.sql.functions.coalesce(
                                                    col("pc"), propagated.col(COMPONENT)))
                                    .as(COMPONENT))
                    .localCheckpoint();
            long changed = next.join(labels.withColumnRenamed(COMPONENT, "before"), IdentifierNodes.NODE)
                    .where(col(COMPONENT).notEqual(col("before")))
                    .count();
            LOG.info("connected components: round {} changed {} labels", round, changed);
            labels = next;
            if (changed == 0) {
                return new Result(labels, round);
            }
        }
        throw new IllegalStateException("connected components did not converge in " + maxRounds
                + " rounds; raise clustering.max_iterations or look for a chain of weak links");
    }
}
