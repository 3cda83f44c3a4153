package io.audiencelake.common.export;

import static io.audiencelake.common.lake.TableSpec.column;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.lake.TableSpec;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code export_tombstones} table: identifiers of erased persons that destinations were sent and must be
 * told to remove. Erase deletes a person's {@code export_audience} rows, from which an incremental export
 * computes its removes, so without these the destination would keep the person forever. An export of the
 * destination delivers a row and stamps its date ({@value #DELIVERED_DT}); a rerun of that date delivers it
 * again (a rerun gives the same drop); the export of a later date deletes it.
 */
public final class ExportTombstones {
    public static final String DESTINATION_ID = ExportTables.DESTINATION_ID;
    public static final String SEGMENT_ID = ExportTables.SEGMENT_ID;
    public static final String ID_TYPE = ExportTables.ID_TYPE;
    public static final String ID_VALUE = ExportTables.ID_VALUE;
    public static final String ERASED_AT = "erased_at";
    public static final String DELIVERED_DT = "delivered_dt";

    public static final TableSpec SPEC = new TableSpec(
            "export_tombstones",
            "Identifiers of erased persons that a destination still holds: the next export of that destination sends "
                    + "them as removes (a full export leaves them out) and stamps them delivered; a later date's export deletes them.",
            "activation",
            new StructType(new StructField[] {
                column(DESTINATION_ID, DataTypes.StringType, false, "destination id (destinations.yaml)"),
                column(SEGMENT_ID, DataTypes.StringType, false, "segment the identifier was exported in"),
                column(ID_TYPE, DataTypes.StringType, false, "identifier type the destination takes"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier (SHA-256 for email and phone)"),
                column(ERASED_AT, DataTypes.TimestampType, false, "when the erase ran"),
                column(DELIVERED_DT, DataTypes.DateType, true, "export date that sent the remove (null: not yet)")
            }),
            List.of(),
            List.of(DESTINATION_ID, SEGMENT_ID, ID_TYPE, ID_VALUE));

    private ExportTombstones() {}

    /** Tombstones from {@code export_audience} rows of erased persons (any export date: what was ever sent). */
    public static Dataset<Row> of(Dataset<Row> exportAudienceOfPersons, Timestamp erasedAt) {
        return exportAudienceOfPersons
                .select(
                        col(DESTINATION_ID),
                        col(SEGMENT_ID),
                        col(ID_TYPE),
                        col(ID_VALUE),
                        lit(erasedAt).as(ERASED_AT),
                        lit(null).cast(DataTypes.DateType).as(DELIVERED_DT))
                .dropDuplicates(DESTINATION_ID, SEGMENT_ID, ID_TYPE, ID_VALUE);
    }

    /** A destination's tombstones an export of {@code dt} sends: not yet delivered, or delivered by this date. */
    public static Dataset<Row> due(Dataset<Row> tombstones, String destination, Date dt) {
        return tombstones.where(col(DESTINATION_ID)
                .equalTo(lit(destination))
                .and(col(DELIVERED_DT).isNull().or(col(DELIVERED_DT).equalTo(lit(dt)))));
    }

    /** (segment_id, id_type, id_value, action=remove) of due tombstones, for an incremental drop. */
    public static Dataset<Row> removes(Dataset<Row> due) {
        return due.select(
                col(SEGMENT_ID),
                col(ID_TYPE),
                col(ID_VALUE),
                lit(ExportTables.REMOVE).as(ExportTables.ACTION));
    }
}
