package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_identifiers} table: identity's running state per identifier, so a daily run folds in only the
 * identifiers that landed since the previous run instead of rescanning {@code raw_identifiers}.
 */
public final class IdentifierState {
    public static final String ID_TYPE = IdentifierNodes.ID_TYPE;
    public static final String ID_VALUE = IdentifierNodes.ID_VALUE;
    public static final String HASHED = IdGraph.HASHED;
    public static final String FIRST_SEEN = IdGraph.FIRST_SEEN;
    public static final String LAST_SEEN = IdGraph.LAST_SEEN;
    public static final String LAST_DELIVERED = DeterministicLinks.LAST_DELIVERED;
    /** The identifier's deterministic component (its smallest node number), null when cut or expired. */
    public static final String LINKED = "linked";
    /** The run the state is up to: raw_identifiers partitions after it are new to the next run. */
    public static final String THROUGH = "through";

    public static final TableSpec SPEC = new TableSpec(
            "id_identifiers",
            "Identity's state per identifier, up to the run date in `through`: first and last observation, the "
                    + "latest date a feed delivered it (expiry counts from it) and its deterministic component. A "
                    + "daily identity run adds the raw_identifiers partitions after `through`; identity --rebuild "
                    + "recomputes it from all of raw_identifiers. Identifiers not delivered for expiry.history_days "
                    + "are dropped.",
            "identity",
            new StructType(new StructField[] {
                column(ID_TYPE, DataTypes.StringType, false, "email, phone, maid, cookie, customer_id, partner_id"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier (SHA-256 for email and phone)"),
                column(HASHED, DataTypes.BooleanType, false, "id_value is a SHA-256 hash"),
                column(FIRST_SEEN, DataTypes.TimestampType, false, "first observation (UTC)"),
                column(LAST_SEEN, DataTypes.TimestampType, false, "latest observation (UTC)"),
                column(LAST_DELIVERED, DataTypes.DateType, false, "latest raw_identifiers partition holding it"),
                column(
                        LINKED,
                        DataTypes.LongType,
                        true,
                        "deterministic component (smallest node number in it); null when cut as noise or expired"),
                column(THROUGH, DataTypes.DateType, false, "the run date the state is up to")
            }),
            List.of(),
            List.of(ID_TYPE, ID_VALUE));

    private IdentifierState() {}
}
