package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code id_graph} table: which person every identifier belongs to, one snapshot per run date. */
public final class IdGraph {
    public static final String PERSON_ID = "person_id";
    public static final String ID_TYPE = IdentifierNodes.ID_TYPE;
    public static final String ID_VALUE = IdentifierNodes.ID_VALUE;
    public static final String HASHED = "hashed";
    public static final String FIRST_SEEN = "first_seen";
    public static final String LAST_SEEN = "last_seen";
    public static final String PERSON_SIZE = "person_size";
    public static final String OVERSIZED = "oversized";
    public static final String DT = "dt";

    public static final TableSpec SPEC = new TableSpec(
            "id_graph",
            "Every identifier and the stable person id it belongs to, as of a run date. Person ids persist from "
                    + "run to run: a person keeps the id of the earlier person it overlaps most.",
            "identity",
            new StructType(new StructField[] {
                column(PERSON_ID, DataTypes.StringType, false, "stable person id"),
                column(ID_TYPE, DataTypes.StringType, false, "email, phone, maid, cookie, customer_id, partner_id"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier (SHA-256 for email and phone)"),
                column(HASHED, DataTypes.BooleanType, false, "id_value is a SHA-256 hash"),
                column(FIRST_SEEN, DataTypes.TimestampType, false, "first observation (UTC)"),
                column(LAST_SEEN, DataTypes.TimestampType, false, "latest observation (UTC)"),
                column(PERSON_SIZE, DataTypes.LongType, false, "identifiers of this person"),
                column(
                        OVERSIZED,
                        DataTypes.BooleanType,
                        false,
                        "the person has more identifiers than clustering.max_cluster_size: probably wrongly merged"),
                column(DT, DataTypes.DateType, false, "run date (partition)")
            }),
            List.of(DT),
            List.of(ID_TYPE, ID_VALUE, DT));

    private IdGraph() {}
}
