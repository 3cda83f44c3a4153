package io.audiencelake.common.profiles;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.feeds.ColumnType;
import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code sessions} table: one row per visit of a device, cut by inactivity, midnight UTC or campaign. */
public final class Sessions {
    public static final String SESSION_ID = "session_id";
    public static final String PERSON_ID = "person_id";
    public static final String DEVICE_ID_TYPE = "device_id_type";
    public static final String DEVICE_ID = "device_id";
    public static final String SESSION_START = "session_start";
    public static final String SESSION_END = "session_end";
    public static final String DURATION_SECONDS = "duration_seconds";
    public static final String EVENTS = "events";
    public static final String PAGES = "pages";
    public static final String ENTRY_PAGE = "entry_page";
    public static final String EXIT_PAGE = "exit_page";
    public static final String CHANNEL = "channel";
    public static final String REFERRER = "referrer";
    public static final String CAMPAIGN = "campaign";
    public static final String DEVICE_TYPE = "device_type";
    public static final String CONVERTED = "converted";
    public static final String REVENUE = "revenue";
    public static final String DT = "dt";

    /** Session columns a trait may aggregate or filter on, with their types. */
    public static final Map<String, ColumnType> TRAIT_COLUMNS = Map.ofEntries(
            Map.entry(DURATION_SECONDS, ColumnType.LONG), Map.entry(EVENTS, ColumnType.LONG),
            Map.entry(PAGES, ColumnType.LONG), Map.entry(ENTRY_PAGE, ColumnType.STRING),
            Map.entry(EXIT_PAGE, ColumnType.STRING), Map.entry(CHANNEL, ColumnType.STRING),
            Map.entry(REFERRER, ColumnType.STRING), Map.entry(CAMPAIGN, ColumnType.STRING),
            Map.entry(DEVICE_TYPE, ColumnType.STRING), Map.entry(CONVERTED, ColumnType.BOOLEAN),
            Map.entry(REVENUE, ColumnType.DOUBLE), Map.entry(SESSION_START, ColumnType.TIMESTAMP));

    public static final TableSpec SPEC = new TableSpec(
            "sessions",
            "Visits: a device's events until 30 minutes (sessions.gap_minutes) of inactivity, midnight UTC or a new "
                    + "campaign. Partitioned by the session's day; a day is rebuilt when late events arrive for it.",
            "profiles",
            new StructType(new StructField[] {
                column(SESSION_ID, DataTypes.StringType, false, "hash of device and start time"),
                column(
                        PERSON_ID,
                        DataTypes.StringType,
                        true,
                        "person of the device in id_graph as of the run that wrote the day"),
                column(DEVICE_ID_TYPE, DataTypes.StringType, false, "cookie or maid"),
                column(DEVICE_ID, DataTypes.StringType, false, "the device's cookie or mobile ad id"),
                column(SESSION_START, DataTypes.TimestampType, false, "first event (UTC)"),
                column(SESSION_END, DataTypes.TimestampType, false, "last event (UTC)"),
                column(DURATION_SECONDS, DataTypes.LongType, false, "from first to last event"),
                column(EVENTS, DataTypes.LongType, false, "events in the session"),
                column(PAGES, DataTypes.LongType, false, "events with a page"),
                column(ENTRY_PAGE, DataTypes.StringType, true, "page of the first event"),
                column(EXIT_PAGE, DataTypes.StringType, true, "page of the last event"),
                column(
                        CHANNEL,
                        DataTypes.StringType,
                        false,
                        "channel named by the entry referrer and campaign (sessions.channels)"),
                column(REFERRER, DataTypes.StringType, true, "host of the entry referrer"),
                column(CAMPAIGN, DataTypes.StringType, true, "first campaign seen in the session"),
                column(DEVICE_TYPE, DataTypes.StringType, true, "desktop, phone, tablet, ... of the first event"),
                column(CONVERTED, DataTypes.BooleanType, false, "an event of sessions.conversion_events happened"),
                column(REVENUE, DataTypes.DoubleType, false, "sum of order values"),
                column(DT, DataTypes.DateType, false, "day of the session (UTC, partition)")
            }),
            List.of(DT),
            List.of(SESSION_ID, DT));

    private Sessions() {}
}
