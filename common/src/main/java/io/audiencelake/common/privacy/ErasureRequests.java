package io.audiencelake.common.privacy;

import static io.audiencelake.common.lake.TableSpec.column;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.IdType;
import io.audiencelake.common.feeds.Normalise;
import io.audiencelake.common.lake.TableSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Erasure requests: read from a CSV file ({@code request_id,id_type,id_value}), normalised and hashed as
 * ingest stores identifiers (an email or phone given in clear is hashed here and never stored), and
 * recorded in {@code erasure_requests} with what was erased.
 */
public final class ErasureRequests {
    public static final String REQUEST_ID = "request_id";
    public static final String ID_TYPE = "id_type";
    public static final String ID_VALUE = "id_value";
    public static final String RECEIVED_AT = "received_at";
    public static final String STATUS = "status";
    public static final String PERSONS = "persons";
    public static final String ROWS_DELETED = "rows_deleted";
    public static final String HISTORY_RETENTION_HOURS = "history_retention_hours";
    public static final String COMPLETED_AT = "completed_at";
    public static final String DT = "dt";
    public static final String COMPLETED = "completed";
    /** Why a request line cannot be applied, or null. */
    public static final String PROBLEM = "problem";

    private static final String SHA256 = "^[0-9a-f]{64}$";

    public static final TableSpec SPEC = new TableSpec(
            "erasure_requests",
            "Every erasure request applied: the identifier (hashed where personal), the persons it found, the rows "
                    + "deleted per table, and the history retention used; proof that a request was honoured.",
            "privacy",
            new StructType(new StructField[] {
                column(REQUEST_ID, DataTypes.StringType, false, "the requester's reference"),
                column(ID_TYPE, DataTypes.StringType, false, "email, phone, maid, cookie, customer_id or partner_id"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier as stored (SHA-256 for email and phone)"),
                column(RECEIVED_AT, DataTypes.TimestampType, true, "when the request was received, if given"),
                column(STATUS, DataTypes.StringType, false, "completed"),
                column(
                        PERSONS,
                        DataTypes.createArrayType(DataTypes.StringType, false),
                        false,
                        "person ids the identifier belonged to (empty: nobody was found)"),
                column(
                        ROWS_DELETED,
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false),
                        false,
                        "rows deleted per table by the run that applied the request"),
                column(
                        HISTORY_RETENTION_HOURS,
                        DataTypes.IntegerType,
                        false,
                        "table history kept after the deletion (0: older versions purged at once)"),
                column(COMPLETED_AT, DataTypes.TimestampType, false, "when every table and its history were done"),
                column(DT, DataTypes.DateType, false, "run date")
            }),
            List.of(),
            List.of(REQUEST_ID, ID_TYPE, ID_VALUE));

    private ErasureRequests() {}

    /**
     * (request_id, id_type, id_value, received_at, problem) from a CSV file with a header; emails and phones
     * in clear are normalised and hashed (a 64-hex value is taken as already hashed), phones need the
     * international form (+44...).
     */
    public static Dataset<Row> read(SparkSession spark, String path) {
        Dataset<Row> raw = spark.read()
                .option("header", true)
                .schema("request_id string, id_type string, id_value string, received_at timestamp")
                .csv(path);
        Column type = lower(trim(col(ID_TYPE)));
        Column value = lit(null).cast("string");
        for (IdType t : IdType.values()) {
            Column given = trim(col(ID_VALUE));
            Column stored = t.hashed()
                    ? when(lower(given).rlike(SHA256), lower(given))
                            .otherwise(Normalise.stored(t, Normalise.of(t, given, lit(null))))
                    : Normalise.stored(t, Normalise.of(t, given, lit(null)));
            value = when(type.equalTo(t.key()), stored).otherwise(value);
        }
        String known = String.join(
                ", ", Arrays.stream(IdType.values()).map(IdType::key).toList());
        Column problem = when(col(REQUEST_ID).isNull(), lit("missing request_id"))
                .when(
                        type.isNull()
                                .or(type.isin((Object[]) Arrays.stream(IdType.values())
                                                .map(IdType::key)
                                                .toArray())
                                        .unary_$bang()),
                        lit("id_type must be one of " + known))
                .when(value.isNull(), lit("id_value is not a valid identifier of its type"));
        return raw.select(col(REQUEST_ID), type.as(ID_TYPE), value.as(ID_VALUE), col(RECEIVED_AT), problem.as(PROBLEM));
    }
}
