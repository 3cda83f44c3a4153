package io.audiencelake.common.feeds;

import static io.audiencelake.common.feeds.RawTables.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** The {@code raw_attributes} table: declared attributes, segments and consent, one row per value. */
public final class RawAttributes {
    public static final String SUBJECT_TYPE = "subject_type";
    public static final String SUBJECT_ID = "subject_id";
    public static final String NAME = "name";
    public static final String VALUE = "value";
    public static final String OBSERVED_AT = "observed_at";

    public static final TableSpec SPEC = new TableSpec(
            "raw_attributes",
            "Attributes of an identifier from record feeds: CRM and partner fields, third-party segments "
                    + "(segment.<id>), consent (consent.<purpose>, also from events that are consent records, such as "
                    + "a destination's unsubscribe). Personal data is SHA-256 hashed.",
            RawTables.DOMAIN,
            RawTables.schema(new StructField[] {
                column(RawTables.RECORD_ID, DataTypes.StringType, false, "id of the source row (file and line)"),
                column(RawTables.PARTY, DataTypes.StringType, false, "first, second or third party"),
                column(SUBJECT_TYPE, DataTypes.StringType, false, "id type of the subject"),
                column(SUBJECT_ID, DataTypes.StringType, false, "the subject identifier, as in raw_identifiers"),
                column(
                        NAME,
                        DataTypes.StringType,
                        false,
                        "attribute name, e.g. city, segment.IAB18, consent.ad_targeting"),
                column(VALUE, DataTypes.StringType, true, "value as text (SHA-256 for personal data)"),
                column(OBSERVED_AT, DataTypes.TimestampType, false, "when the value was observed (UTC)")
            }),
            RawTables.partitioning(),
            List.of(RawTables.RECORD_ID, NAME));

    private RawAttributes() {}
}
