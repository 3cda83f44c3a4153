package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Stable person ids. Each new component takes the previous person id it shares most identifiers
 * with; when two components claim the same earlier person (a split), the one with the larger
 * overlap keeps it (ties: the smaller component number). Components with no earlier person, and
 * losers of a split, get a new id derived from the component and the run date, so a rerun of a
 * date gives the same ids and a new id never equals an earlier one.
 */
public final class PersonIds {
    static final String PREVIOUS = "previous_person_id";
    static final String OVERLAP = "overlap";

    private PersonIds() {}

    /** The assignment and what changed since the previous snapshot. */
    public record Result(Dataset<Row> assignment, Dataset<Row> overlaps) {}

    /**
     * (component, person_id) for every component of {@code components} (id_type, id_value, component).
     *
     * @param previous the earlier snapshot (id_type, id_value, person_id), or null on the first run
     */
    public static Result assign(Dataset<Row> components, Dataset<Row> previous, LocalDate date) {
        Dataset<Row> comps = components.select(ConnectedComponents.COMPONENT).distinct();
        Column fresh = concat_ws(
                "",
                lit("p"),
                sha2(concat_ws("@", col(ConnectedComponents.COMPONENT).cast("string"), lit(date.toString())), 256)
                        .substr(1, 20));
        if (previous == null) {
            return new Result(comps.withColumn(IdGraph.PERSON_ID, fresh), null);
        }
        Dataset<Row> overlaps = components
                .join(
                        previous.select(
                                col(IdGraph.ID_TYPE),
                                col(IdGraph.ID_VALUE),
                                col(IdGraph.PERSON_ID).as(PREVIOUS)),
                        new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE})
                .groupBy(ConnectedComponents.COMPONENT, PREVIOUS)
                .agg(count(lit(1)).as(OVERLAP));
        Dataset<Row> best = overlaps.withColumn(
                        "rank_in_component",
                        row_number()
                                .over(Window.partitionBy(ConnectedComponents.COMPONENT)
                                        .orderBy(col(OVERLAP).desc(), col(PREVIOUS))))
                .where(col("rank_in_component").equalTo(1))
                .withColumn(
                        "rank_in_previous",
                        row_number()
                                .over(Window.partitionBy(PREVIOUS)
                                        .orderBy(col(OVERLAP).desc(), col(ConnectedComponents.COMPONENT))))
                .where(col("rank_in_previous").equalTo(1))
                .select(ConnectedComponents.COMPONENT, PREVIOUS);
        Dataset<Row> assignment = comps.join(best, new String[] {ConnectedComponents.COMPONENT}, "left")
                .select(
                        col(ConnectedComponents.COMPONENT),
                        coalesce(col(PREVIOUS), fresh).as(IdGraph.PERSON_ID));
        return new Result(assignment, overlaps);
    }

    /** Components that took in identifiers of two or more earlier persons. */
    public static long merges(Dataset<Row> overlaps) {
        return overlaps == null
                ? 0
                : overlaps.groupBy(ConnectedComponents.COMPONENT)
                        .agg(countDistinct(PREVIOUS).as("n"))
                        .where(col("n").geq(2))
                        .count();
    }

    /** Earlier persons whose identifiers now fall in two or more components. */
    public static long splits(Dataset<Row> overlaps) {
        return overlaps == null
                ? 0
                : overlaps.groupBy(PREVIOUS)
                        .agg(countDistinct(ConnectedComponents.COMPONENT).as("n"))
                        .where(col("n").geq(2))
                        .count();
    }
}
