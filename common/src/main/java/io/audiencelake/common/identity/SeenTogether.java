package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_cooccurrence} table: every two identifiers ever seen in one source row, with the feeds that
 * showed them together. Deterministic links, the degree cap and the co-owner cut are all computed from it, so a
 * daily run adds the day's pairs instead of rejoining all of {@code raw_identifiers} by record.
 */
public final class SeenTogether {
    public static final String A_TYPE = "a_type";
    public static final String A_VALUE = "a_value";
    public static final String B_TYPE = "b_type";
    public static final String B_VALUE = "b_value";
    public static final String FEEDS = "feeds";
    public static final String LAST_DELIVERED = DeterministicLinks.LAST_DELIVERED;
    public static final String THROUGH = IdentifierState.THROUGH;

    public static final TableSpec SPEC = new TableSpec(
            "id_cooccurrence",
            "Identity's state per pair of identifiers seen in one source row (a before b by node number), up to "
                    + "the run date in `through`, with the feeds that delivered them together. Deterministic links "
                    + "are its pairs with a strong identifier at either end, noise left out.",
            "identity",
            new StructType(new StructField[] {
                column(A_TYPE, DataTypes.StringType, false, "id type of one identifier"),
                column(A_VALUE, DataTypes.StringType, false, "one identifier (SHA-256 for email and phone)"),
                column(B_TYPE, DataTypes.StringType, false, "id type of the other identifier"),
                column(B_VALUE, DataTypes.StringType, false, "the other identifier"),
                column(
                        FEEDS,
                        DataTypes.createArrayType(DataTypes.StringType, true),
                        false,
                        "feeds that delivered a row with both, sorted"),
                column(LAST_DELIVERED, DataTypes.DateType, false, "latest raw_identifiers partition with both"),
                column(THROUGH, DataTypes.DateType, false, "the run date the state is up to")
            }),
            List.of(),
            List.of(A_TYPE, A_VALUE, B_TYPE, B_VALUE));

    private SeenTogether() {}
}
