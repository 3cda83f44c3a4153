package io.audiencelake.common.privacy;

import static io.audiencelake.common.lake.TableSpec.column;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code erased_identifiers} table: every identifier of every erased person (hashed where personal), with
 * the request that erased it. It is two things at once: the scope an erase computes and commits before it
 * deletes anything, so that a killed erase resumes with the same scope although it already deleted the
 * id_graph rows that found it; and the suppression list ingest drops rows by, so that the next CRM extract
 * does not bring an erased person back.
 */
public final class ErasedIdentifiers {
    public static final String REQUEST_ID = ErasureRequests.REQUEST_ID;
    public static final String ID_TYPE = IdGraph.ID_TYPE;
    public static final String ID_VALUE = IdGraph.ID_VALUE;
    public static final String PERSON_ID = IdGraph.PERSON_ID;
    public static final String RECORDED_AT = "recorded_at";

    public static final TableSpec SPEC = new TableSpec(
            "erased_identifiers",
            "Identifiers of erased persons (SHA-256 for email and phone) per erasure request: the scope an erase "
                    + "records before it deletes, and the suppression list ingest drops rows by.",
            "privacy",
            new StructType(new StructField[] {
                column(REQUEST_ID, DataTypes.StringType, false, "the erasure request (erasure_requests)"),
                column(ID_TYPE, DataTypes.StringType, false, "email, phone, maid, cookie, customer_id or partner_id"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier as stored (SHA-256 for email and phone)"),
                column(PERSON_ID, DataTypes.StringType, true, "the person it belonged to, when id_graph knew one"),
                column(RECORDED_AT, DataTypes.TimestampType, false, "when the erase recorded it")
            }),
            List.of(),
            List.of(REQUEST_ID, ID_TYPE, ID_VALUE));

    private ErasedIdentifiers() {}

    /** (id_type, id_value) that ingest must not keep: distinct, small enough to broadcast in practice. */
    public static Dataset<Row> suppressed(SparkSession spark, LakeTables lake) {
        if (!lake.exists(SPEC)) {
            return spark.createDataFrame(
                    List.of(),
                    new StructType().add(ID_TYPE, DataTypes.StringType).add(ID_VALUE, DataTypes.StringType));
        }
        return lake.read(SPEC).select(ID_TYPE, ID_VALUE).distinct();
    }

    /** What an earlier (perhaps killed) run recorded for these requests: (request_id, id_type, id_value, person_id). */
    public static Dataset<Row> recorded(SparkSession spark, LakeTables lake, Dataset<Row> requests) {
        if (!lake.exists(SPEC)) {
            return spark.createDataFrame(List.of(), SPEC.schema()).select(REQUEST_ID, ID_TYPE, ID_VALUE, PERSON_ID);
        }
        return lake.read(SPEC)
                .join(requests.select(REQUEST_ID).distinct(), REQUEST_ID, "left_semi")
                .select(REQUEST_ID, ID_TYPE, ID_VALUE, PERSON_ID);
    }

    /** Rows for the table from (request_id, id_type, id_value, person_id). */
    public static Dataset<Row> rows(Dataset<Row> scope, Timestamp at) {
        return scope.select(col(REQUEST_ID), col(ID_TYPE), col(ID_VALUE), col(PERSON_ID), lit(at).as(RECORDED_AT))
                .dropDuplicates(REQUEST_ID, ID_TYPE, ID_VALUE);
    }
}
