package io.audiencelake.common.export;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The tables the export job writes, with their column names. */
public final class ExportTables {
    public static final String DESTINATION_ID = "destination_id";
    public static final String SEGMENT_ID = "segment_id";
    public static final String PERSON_ID = "person_id";
    public static final String ID_TYPE = "id_type";
    public static final String ID_VALUE = "id_value";
    public static final String ACTION = "action";
    public static final String DT = "dt";
    public static final String RUN_ID = "run_id";
    public static final String MODE = "mode";
    public static final String STATUS = "status";
    public static final String ROWS = "rows";
    public static final String ADDS = "adds";
    public static final String REMOVES = "removes";
    public static final String FILES = "files";
    public static final String SEGMENTS = "segments";
    public static final String LOCATION = "location";
    public static final String EXPORTED_AT = "exported_at";
    public static final String PREVIOUS_DT = "previous_dt";
    public static final String BATCHES = "batches";
    public static final String BATCH = "batch";
    public static final String IDEMPOTENCY_KEY = "idempotency_key";
    public static final String HTTP_STATUS = "http_status";
    public static final String ATTEMPTS = "attempts";
    public static final String RESUMED = "resumed";
    public static final String SUCCEEDED = "succeeded";
    public static final String ADD = "add";
    public static final String REMOVE = "remove";
    private static final String DOMAIN = "activation";

    /** One batch of an API delivery (DestinationWriter.Batch); nullable fields: Delta refuses NOT NULL inside arrays. */
    public static final StructType BATCH_TYPE = new StructType(new StructField[] {
        column(BATCH, DataTypes.IntegerType, true, "batch number in the delivery's order, from 1"),
        column(SEGMENT_ID, DataTypes.StringType, true, "segment id"),
        column(ACTION, DataTypes.StringType, true, "add or remove"),
        column(ROWS, DataTypes.LongType, true, "identifiers in the batch"),
        column(IDEMPOTENCY_KEY, DataTypes.StringType, true, "the key sent with every attempt"),
        column(HTTP_STATUS, DataTypes.IntegerType, true, "the platform's answer to the attempt that succeeded"),
        column(ATTEMPTS, DataTypes.IntegerType, true, "requests it took"),
        column(RESUMED, DataTypes.BooleanType, true, "acknowledged by an interrupted earlier run, not sent again")
    });

    /** What each destination holds after each export: the base of the next incremental drop, and of erasure. */
    public static final TableSpec AUDIENCE = new TableSpec(
            "export_audience",
            "The identifiers each destination holds after an export date, per segment: what a full drop wrote, "
                    + "or what an incremental drop's adds and removes leave the destination with.",
            DOMAIN,
            new StructType(new StructField[] {
                column(DESTINATION_ID, DataTypes.StringType, false, "destination id (destinations.yaml) (partition)"),
                column(SEGMENT_ID, DataTypes.StringType, false, "segment id"),
                column(PERSON_ID, DataTypes.StringType, false, "person id the identifier belongs to (id_graph)"),
                column(ID_TYPE, DataTypes.StringType, false, "identifier type the destination takes"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier (SHA-256 for email and phone)"),
                column(DT, DataTypes.DateType, false, "export date (partition)")
            }),
            List.of(DT, DESTINATION_ID),
            List.of(DESTINATION_ID, SEGMENT_ID, ID_TYPE, ID_VALUE, DT));

    public static final TableSpec LOG = new TableSpec(
            "export_log",
            "One row per destination and export date: the drop's location (or the API endpoint), files (or requests), "
                    + "rows, adds and removes, the previous export it was compared with, and an API delivery's batches.",
            DOMAIN,
            new StructType(new StructField[] {
                column(DESTINATION_ID, DataTypes.StringType, false, "destination id"),
                column(DT, DataTypes.DateType, false, "export date"),
                column(RUN_ID, DataTypes.StringType, false, "the export job run (job_runs)"),
                column(MODE, DataTypes.StringType, false, "full or incremental"),
                column(STATUS, DataTypes.StringType, false, "succeeded (a failed export leaves no row)"),
                column(SEGMENTS, DataTypes.createArrayType(DataTypes.StringType, false), false, "segments exported"),
                column(FILES, DataTypes.IntegerType, false, "data files in the drop, or requests of an API delivery"),
                column(ROWS, DataTypes.LongType, false, "data rows in the drop"),
                column(ADDS, DataTypes.LongType, false, "identifiers added since the previous export"),
                column(REMOVES, DataTypes.LongType, false, "identifiers removed since the previous export"),
                column(PREVIOUS_DT, DataTypes.DateType, true, "date of the export compared with, if any"),
                column(LOCATION, DataTypes.StringType, false, "the drop's folder (dt=<date>), or the API endpoint"),
                column(EXPORTED_AT, DataTypes.TimestampType, false, "when the drop was committed (_SUCCESS written)"),
                column(
                        BATCHES,
                        DataTypes.createArrayType(BATCH_TYPE, false),
                        true,
                        "an API delivery's batches in order: number, segment, action, rows, idempotency key, HTTP "
                                + "status, attempts, and whether an interrupted run had sent it (null for file drops)")
            }),
            List.of(),
            List.of(DESTINATION_ID, DT));

    private ExportTables() {}
}
