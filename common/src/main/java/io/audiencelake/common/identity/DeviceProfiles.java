package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One profile per device (cookie or mobile ad id) from its recent events: the networks and addresses
 * it used, when in the day it is active, and what it runs. Crawlers are left out.
 */
public final class DeviceProfiles {
    public static final String IPS = "ips";
    public static final String NETWORKS = "networks";
    public static final String HOURS = "hours";
    public static final String OS = "os";
    public static final String BROWSER = "browser";
    public static final String DEVICE_TYPE = "device_type";
    /** Field name to whether it is a list. */
    public static final Map<String, Boolean> FIELDS;
    /** At most this many addresses per device: enough to tell, bounded for a device that roams. */
    static final int MAX_ADDRESSES = 64;

    static {
        Map<String, Boolean> f = new LinkedHashMap<>();
        f.put(IPS, true);
        f.put(NETWORKS, true);
        f.put(HOURS, true);
        f.put(OS, false);
        f.put(BROWSER, false);
        f.put(DEVICE_TYPE, false);
        FIELDS = Collections.unmodifiableMap(f);
    }

    private DeviceProfiles() {}

    /** Profiles from {@code raw_events} of the {@code lookbackDays} days up to {@code date}. */
    public static Dataset<Row> of(Dataset<Row> events, LocalDate date, int lookbackDays) {
        Dataset<Row> recent = recent(events, date, lookbackDays);
        return addresses(recent)
                .join(hours(recent), new String[] {IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE})
                .select(
                        IdentifierNodes.node().as(IdentifierNodes.NODE),
                        col(IdentifierNodes.ID_TYPE),
                        col(IdentifierNodes.ID_VALUE),
                        lit("events").as(IdentifierNodes.SOURCE),
                        col(IPS),
                        col(NETWORKS),
                        col(HOURS),
                        col(OS),
                        col(BROWSER),
                        col(DEVICE_TYPE));
    }

    /** Nodes of devices with events in partitions after {@code since} up to {@code date}: their profiles changed. */
    public static Dataset<Row> active(Dataset<Row> events, LocalDate since, LocalDate date) {
        return events.where(
                        col(RawTables.DT).gt(lit(since)).and(col(RawTables.DT).leq(lit(date))))
                .where(col(RawEvents.DEVICE_ID)
                        .isNotNull()
                        .and(col(RawEvents.DEVICE_ID_TYPE).isNotNull()))
                .select(IdentifierNodes.node(col(RawEvents.DEVICE_ID_TYPE), col(RawEvents.DEVICE_ID))
                        .as(IdentifierNodes.NODE))
                .distinct();
    }

    /** The window's events of identified devices, crawlers left out. */
    static Dataset<Row> recent(Dataset<Row> events, LocalDate date, int lookbackDays) {
        return events.where(col(RawTables.DT).between(date_sub(lit(date), lookbackDays - 1), lit(date)))
                .where(col(RawEvents.DEVICE_ID)
                        .isNotNull()
                        .and(col(RawEvents.DEVICE_ID_TYPE).isNotNull()))
                .where(coalesce(col(RawEvents.IS_ROBOT), lit(false)).equalTo(false))
                .select(
                        col(RawEvents.DEVICE_ID_TYPE).as(IdentifierNodes.ID_TYPE),
                        col(RawEvents.DEVICE_ID).as(IdentifierNodes.ID_VALUE),
                        col(RawEvents.EVENT_TIME),
                        col(RawEvents.IP_HASH),
                        col(RawEvents.IP_PREFIX),
                        col(RawEvents.OS),
                        col(RawEvents.BROWSER),
                        col(RawEvents.DEVICE_TYPE));
    }

    /** Events per hour of the day, as 24 numbers (hour 0 first). */
    static Dataset<Row> hours(Dataset<Row> recent) {
        return recent.groupBy(
                        col(IdentifierNodes.ID_TYPE),
                        col(IdentifierNodes.ID_VALUE),
                        hour(col(RawEvents.EVENT_TIME)).as("h"))
                .agg(count(lit(1)).as("n"))
                .groupBy(IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE)
                .agg(map_from_entries(collect_list(struct(col("h"), col("n")))).as("hm"))
                .select(
                        col(IdentifierNodes.ID_TYPE),
                        col(IdentifierNodes.ID_VALUE),
                        transform(
                                        sequence(lit(0), lit(23)),
                                        h -> coalesce(element_at(col("hm"), h), lit(0L))
                                                .cast("double"))
                                .as(HOURS));
    }

    /** The addresses and networks a device used (bounded) and what it ran last. */
    static Dataset<Row> addresses(Dataset<Row> recent) {
        return recent.groupBy(IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE)
                .agg(
                        slice(array_sort(collect_set(col(RawEvents.IP_HASH))), 1, MAX_ADDRESSES)
                                .as(IPS),
                        slice(array_sort(collect_set(col(RawEvents.IP_PREFIX))), 1, MAX_ADDRESSES)
                                .as(NETWORKS),
                        max_by(col(RawEvents.OS), col(RawEvents.EVENT_TIME)).as(OS),
                        max_by(col(RawEvents.BROWSER), col(RawEvents.EVENT_TIME))
                                .as(BROWSER),
                        max_by(col(RawEvents.DEVICE_TYPE), col(RawEvents.EVENT_TIME))
                                .as(DEVICE_TYPE));
    }
}
