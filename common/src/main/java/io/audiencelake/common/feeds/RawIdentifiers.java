package io.audiencelake.common.feeds;

import static io.audiencelake.common.feeds.RawTables.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** The {@code raw_identifiers} table: one row per identifier seen in a source row. */
public final class RawIdentifiers {
    public static final String ID_TYPE = "id_type";
    public static final String ID_VALUE = "id_value";
    public static final String HASHED = "hashed";
    public static final String OBSERVED_AT = "observed_at";

    public static final TableSpec SPEC = new TableSpec(
            "raw_identifiers",
            "Every identifier observed in a source row: identifiers of one row were seen together. Emails and "
                    + "phones are SHA-256 of their normal form (lower-case email, E.164 phone).",
            RawTables.DOMAIN,
            RawTables.schema(new StructField[] {
                column(RawTables.RECORD_ID, DataTypes.StringType, false, "id of the source row (file and line)"),
                column(RawTables.PARTY, DataTypes.StringType, false, "first, second or third party"),
                column(ID_TYPE, DataTypes.StringType, false, "email, phone, maid, cookie, customer_id, partner_id"),
                column(ID_VALUE, DataTypes.StringType, false, "normal form, or its SHA-256 for email and phone"),
                column(HASHED, DataTypes.BooleanType, false, "id_value is a SHA-256 hash"),
                column(OBSERVED_AT, DataTypes.TimestampType, false, "when the row was observed (UTC)")
            }),
            RawTables.partitioning(),
            List.of(RawTables.RECORD_ID, ID_TYPE, ID_VALUE));

    private RawIdentifiers() {}
}
