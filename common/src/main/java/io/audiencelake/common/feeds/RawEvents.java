package io.audiencelake.common.feeds;

import static io.audiencelake.common.feeds.RawTables.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** The {@code raw_events} table: one cleaned row per behavioural event. */
public final class RawEvents {
    public static final String EVENT_TIME = "event_time";
    public static final String EVENT_TYPE = "event_type";
    public static final String DEVICE_ID_TYPE = "device_id_type";
    public static final String DEVICE_ID = "device_id";
    public static final String DEVICE_TYPE = UserAgentParser.DEVICE_TYPE;
    public static final String OS = UserAgentParser.OS;
    public static final String BROWSER = UserAgentParser.BROWSER;
    public static final String IS_ROBOT = UserAgentParser.IS_ROBOT;
    public static final String IP_PREFIX = "ip_prefix";
    public static final String IP_HASH = "ip_hash";
    public static final String REVENUE = "revenue";
    public static final String CURRENCY = "currency";
    public static final String ATTRIBUTES = "attributes";
    public static final String DEDUPE_KEY = "dedupe_key";

    public static final TableSpec SPEC = new TableSpec(
            "raw_events",
            "Cleaned behavioural events from every events feed: UTC time, device, parsed user agent, network "
                    + "prefix, order value, and the feed's other columns. No personal data in clear.",
            RawTables.DOMAIN,
            RawTables.schema(new StructField[] {
                        column(
                                RawTables.RECORD_ID,
                                DataTypes.StringType,
                                false,
                                "id of the source row (file and line)"),
                        column(RawTables.PARTY, DataTypes.StringType, false, "first, second or third party"),
                        column(EVENT_TIME, DataTypes.TimestampType, false, "when the event happened (UTC)"),
                        column(EVENT_TYPE, DataTypes.StringType, false, "what happened, e.g. page_view, purchase"),
                        column(DEVICE_ID_TYPE, DataTypes.StringType, true, "cookie or maid"),
                        column(
                                DEVICE_ID,
                                DataTypes.StringType,
                                true,
                                "the device's cookie or mobile ad id (normalised)"),
                        column(
                                DEVICE_TYPE,
                                DataTypes.StringType,
                                true,
                                "desktop, phone, tablet, robot, ... (from the user agent)"),
                        column(OS, DataTypes.StringType, true, "operating system (from the user agent)"),
                        column(BROWSER, DataTypes.StringType, true, "browser or app (from the user agent)"),
                        column(IS_ROBOT, DataTypes.BooleanType, true, "the user agent is a crawler"),
                        column(IP_PREFIX, DataTypes.StringType, true, "IPv4 /24 or IPv6 /48 network of the client"),
                        column(IP_HASH, DataTypes.StringType, true, "SHA-256 of the full IP address"),
                        column(REVENUE, DataTypes.DoubleType, true, "order value of a purchase"),
                        column(CURRENCY, DataTypes.StringType, true, "currency of the order value"),
                        column(
                                ATTRIBUTES,
                                DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType),
                                true,
                                "the feed's other columns (page, category, product, campaign, ...) and unknown extra ones")
                    })
                    // After the lineage columns: tables written before it existed get it appended there
                    // (addMissingColumns).
                    .add(column(
                            DEDUPE_KEY,
                            DataTypes.StringType,
                            true,
                            "hash of the contract's dedupe_key values: a redelivery on a later day is found by it")),
            RawTables.partitioning(),
            List.of(RawTables.RECORD_ID));

    private RawEvents() {}
}
