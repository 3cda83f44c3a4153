package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_record_values} table: the latest value of every attribute the record models compare, per
 * subject and feed, so a daily run folds in the day's attributes instead of rereading all of
 * {@code raw_attributes}.
 */
public final class RecordValues {
    public static final String SUBJECT_TYPE = RawAttributes.SUBJECT_TYPE;
    public static final String SUBJECT_ID = RawAttributes.SUBJECT_ID;
    public static final String FEED = RawTables.FEED;
    public static final String NAME = RawAttributes.NAME;
    public static final String VALUE = RawAttributes.VALUE;
    public static final String OBSERVED_AT = RawAttributes.OBSERVED_AT;
    public static final String THROUGH = IdentifierState.THROUGH;

    public static final TableSpec SPEC = new TableSpec(
            "id_record_values",
            "Identity's state for record matching: per subject, feed and attribute the record models read, the "
                    + "latest non-null value (SHA-256 for personal data, as in raw_attributes), up to "
                    + "the run date in `through`. Subjects no longer among identity's identifiers are dropped. "
                    + "identity --rebuild recomputes it (needed after a model reads a new attribute or feed).",
            "identity",
            new StructType(new StructField[] {
                column(SUBJECT_TYPE, DataTypes.StringType, false, "customer_id, partner_id, ..."),
                column(SUBJECT_ID, DataTypes.StringType, false, "subject identifier"),
                column(FEED, DataTypes.StringType, false, "feed that delivered it"),
                column(NAME, DataTypes.StringType, false, "attribute name"),
                column(VALUE, DataTypes.StringType, false, "latest value"),
                column(OBSERVED_AT, DataTypes.TimestampType, false, "when the latest value was observed (UTC)"),
                column(THROUGH, DataTypes.DateType, false, "the run date the state is up to")
            }),
            List.of(),
            List.of(SUBJECT_TYPE, SUBJECT_ID, FEED, NAME));

    private RecordValues() {}
}
