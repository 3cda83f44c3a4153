package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_device_days} table: one partial device profile per device and {@code raw_events} partition, so
 * a daily run aggregates the day's events once and builds the window's profiles from these partials instead of
 * from every event of the last {@code lookback_days}.
 */
public final class DeviceDays {
    public static final String ID_TYPE = IdentifierNodes.ID_TYPE;
    public static final String ID_VALUE = IdentifierNodes.ID_VALUE;
    public static final String IPS = DeviceProfiles.IPS;
    public static final String NETWORKS = DeviceProfiles.NETWORKS;
    /** Events per hour of the day (24 counts, hour 0 first). */
    public static final String HOURS = DeviceProfiles.HOURS;
    /** Hashed (address, half hour) of the partition's events, the smallest 64. */
    public static final String VISITS = DeviceProfiles.VISITS;
    /** Events per hashed topic bucket (page category, campaign). */
    public static final String TOPICS = DeviceProfiles.TOPICS;
    /** The partition's sessions, (start, end) minutes since the epoch, the latest 64. */
    public static final String SESSIONS = DeviceProfiles.SESSIONS;

    public static final String OS = DeviceProfiles.OS;
    public static final String BROWSER = DeviceProfiles.BROWSER;
    public static final String DEVICE_TYPE = DeviceProfiles.DEVICE_TYPE;
    /** The partition's latest event of the device: its OS, browser and device type are the ones kept. */
    public static final String LAST_EVENT = "last_event";
    /** The {@code raw_events} partition the partial is of. */
    public static final String DT = "dt";

    public static final TableSpec SPEC = new TableSpec(
            "id_device_days",
            "Identity's state for device matching: per device and raw_events partition (crawlers left out), the "
                    + "hashed addresses and networks it used, when it was on which address, its events per hour of the day "
                    + "and per topic, its sessions, and what it ran last. "
                    + "The devices model's profiles are these partials over its lookback_days; partitions older "
                    + "than the longest lookback are dropped. identity --rebuild recomputes it.",
            "identity",
            new StructType(new StructField[] {
                column(ID_TYPE, DataTypes.StringType, false, "cookie or maid"),
                column(ID_VALUE, DataTypes.StringType, false, "device identifier"),
                column(
                        IPS,
                        DataTypes.createArrayType(DataTypes.StringType, true),
                        false,
                        "hashed IP addresses, sorted, at most 64"),
                column(
                        NETWORKS,
                        DataTypes.createArrayType(DataTypes.StringType, true),
                        false,
                        "network prefixes (/24, /48), sorted, at most 64"),
                column(
                        HOURS,
                        DataTypes.createArrayType(DataTypes.LongType, true),
                        false,
                        "events per hour of the day (UTC), hour 0 first"),
                column(
                        VISITS,
                        DataTypes.createArrayType(DataTypes.LongType, true),
                        false,
                        "hashes of (hashed IP, half hour) on two grids 15 minutes apart, sorted, at most 64"),
                column(
                        TOPICS,
                        DataTypes.createArrayType(DataTypes.LongType, true),
                        false,
                        "events per hashed bucket of page category and campaign (32 counts)"),
                column(
                        SESSIONS,
                        DataTypes.createArrayType(
                                new StructType(new StructField[] {
                                    DataTypes.createStructField(DeviceProfiles.START, DataTypes.LongType, true),
                                    DataTypes.createStructField(DeviceProfiles.END, DataTypes.LongType, true)
                                }),
                                true),
                        false,
                        "sessions (30 idle minutes end one) as start and end minutes since the epoch, latest first, "
                                + "at most 64"),
                column(OS, DataTypes.StringType, true, "operating system of the latest event"),
                column(BROWSER, DataTypes.StringType, true, "browser of the latest event"),
                column(DEVICE_TYPE, DataTypes.StringType, true, "device type of the latest event"),
                column(LAST_EVENT, DataTypes.TimestampType, false, "time of the latest event (UTC)"),
                column(DT, DataTypes.DateType, false, "raw_events partition")
            }),
            List.of(DT),
            List.of(ID_TYPE, ID_VALUE, DT));

    private DeviceDays() {}
}
