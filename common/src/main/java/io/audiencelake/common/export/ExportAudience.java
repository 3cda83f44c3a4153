package io.audiencelake.common.export;

import static io.audiencelake.common.export.ExportTables.ACTION;
import static io.audiencelake.common.export.ExportTables.ID_TYPE;
import static io.audiencelake.common.export.ExportTables.ID_VALUE;
import static io.audiencelake.common.export.ExportTables.PERSON_ID;
import static io.audiencelake.common.export.ExportTables.SEGMENT_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.identity.IdGraph;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Who a destination gets: members of its segments, with consent, as the identifier type it takes. */
public final class ExportAudience {
    private static final String[] KEY = {SEGMENT_ID, ID_TYPE, ID_VALUE};

    private ExportAudience() {}

    /**
     * (segment_id, person_id, id_type, id_value): each member of the destination's segments who has granted
     * its consent purpose ({@code granted}: person ids), once per identifier of the destination's type
     * (a person with two cookies gives two rows; one without such an identifier gives none).
     *
     * @param membership (segment_id, person_id) of the date
     * @param idGraph the date's id_graph
     */
    public static Dataset<Row> current(
            Dataset<Row> membership, Dataset<Row> idGraph, Dataset<Row> granted, Destination destination) {
        Dataset<Row> members = membership
                .where(col(SEGMENT_ID).isin(destination.segments().toArray()))
                .select(SEGMENT_ID, PERSON_ID)
                .distinct()
                .join(granted.select(PERSON_ID).distinct(), PERSON_ID, "left_semi");
        Dataset<Row> ids = idGraph.where(col(IdGraph.ID_TYPE)
                        .equalTo(lit(destination.identifier().key())))
                .select(
                        col(IdGraph.PERSON_ID).as(PERSON_ID),
                        col(IdGraph.ID_TYPE).as(ID_TYPE),
                        col(IdGraph.ID_VALUE).as(ID_VALUE));
        return members.join(ids, PERSON_ID)
                .select(SEGMENT_ID, PERSON_ID, ID_TYPE, ID_VALUE)
                .dropDuplicates(KEY);
    }

    /**
     * (segment_id, id_type, id_value, action): identifiers in {@code current} and not in {@code previous}
     * are adds; the other way round, removes (left a segment, withdrew consent, or were erased).
     */
    public static Dataset<Row> changes(Dataset<Row> current, Dataset<Row> previous) {
        Dataset<Row> now = current.select(SEGMENT_ID, ID_TYPE, ID_VALUE);
        Dataset<Row> before = previous.select(SEGMENT_ID, ID_TYPE, ID_VALUE);
        return now.join(before, KEY, "left_anti")
                .withColumn(ACTION, lit(ExportTables.ADD))
                .unionByName(before.join(now, KEY, "left_anti").withColumn(ACTION, lit(ExportTables.REMOVE)));
    }
}
