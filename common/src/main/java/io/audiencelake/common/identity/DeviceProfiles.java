package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.apache.spark.sql.functions.zip_with;

import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * One profile per device (cookie or mobile ad id) from its recent events: the networks and addresses
 * it used, when it was where (address and half hour, so two devices used one after the other on one network
 * meet), when in the day it is active, what it reads (a hashed histogram of the pages' categories and campaigns),
 * and what it runs and on whose platform. Crawlers are left out.
 */
public final class DeviceProfiles {
    public static final String IPS = "ips";
    public static final String NETWORKS = "networks";
    public static final String HOURS = "hours";
    public static final String OS = "os";
    public static final String BROWSER = "browser";
    public static final String DEVICE_TYPE = "device_type";
    /**
     * Address and time: hashes of (address, half hour) on two half-hour grids 15 minutes apart, so events on one
     * address within 15 minutes of each other always share one; the smallest 64 hashes (a uniform sample).
     */
    public static final String VISITS = "visits";
    /** Events per hashed bucket of their page category and campaign ({@value #TOPIC_BUCKETS} counts). */
    public static final String TOPICS = "topics";
    /**
     * The device's sessions as (start, end) minutes since the epoch (a session ends where the device is idle for
     * {@value #SESSION_GAP_MINUTES} minutes), the latest {@value #MAX_SESSIONS}: one person carries a task from one
     * device to the next within minutes, whatever network each is on ({@link ComparisonKind#HANDOFF}).
     */
    public static final String SESSIONS = "sessions";

    public static final String START = "start";
    public static final String END = "end";
    /** Whose platform the device runs: apple, google, microsoft, or the OS itself. */
    public static final String PLATFORM = "platform";
    /** Event attributes whose values describe what a device's user reads and buys. */
    static final List<String> TOPIC_ATTRIBUTES = List.of("page_category", "campaign");

    static final int TOPIC_BUCKETS = 32;
    /** Half an hour, in seconds: two grids of it 15 minutes apart make {@link #VISITS}. */
    private static final int VISIT_SECONDS = 1800;
    /** Field name to whether it is a list. */
    public static final Map<String, Boolean> FIELDS;
    /** At most this many addresses per device: enough to tell, bounded for a device that roams. */
    static final int MAX_ADDRESSES = 64;
    /** At most this many sessions per device (the latest): a month of a few sessions a day, bounded per pair. */
    static final int MAX_SESSIONS = 64;
    /** Idle minutes that end a session (the usual web analytics timeout). */
    static final int SESSION_GAP_MINUTES = 30;

    static {
        Map<String, Boolean> f = new LinkedHashMap<>();
        f.put(IPS, true);
        f.put(NETWORKS, true);
        f.put(HOURS, true);
        f.put(VISITS, true);
        f.put(TOPICS, true);
        f.put(SESSIONS, true);
        f.put(PLATFORM, false);
        f.put(OS, false);
        f.put(BROWSER, false);
        f.put(DEVICE_TYPE, false);
        FIELDS = Collections.unmodifiableMap(f);
    }

    private DeviceProfiles() {}

    /** Profiles from {@code raw_events} of the {@code lookbackDays} days up to {@code date}. */
    public static Dataset<Row> of(Dataset<Row> events, LocalDate date, int lookbackDays) {
        return fromDays(days(events, date.minusDays(lookbackDays - 1L), date), date, lookbackDays);
    }

    /**
     * Profiles from {@link DeviceDays} partials: the {@code lookbackDays} partitions up to {@code date}. The same
     * as from the events themselves: addresses are the smallest 64 of the union (each partial keeps its smallest
     * 64, so none of the union's is lost), hour counts add up, and the latest partial holds the latest event.
     */
    public static Dataset<Row> fromDays(Dataset<Row> days, LocalDate date, int lookbackDays) {
        Column[] hours = new Column[24];
        for (int h = 0; h < 24; h++) {
            hours[h] = sum(element_at(col(HOURS), h + 1)).cast("double");
        }
        Column[] topics = new Column[TOPIC_BUCKETS];
        for (int b = 0; b < TOPIC_BUCKETS; b++) {
            topics[b] = sum(element_at(col(TOPICS), b + 1)).cast("double");
        }
        return days.where(col(DeviceDays.DT)
                        .between(lit(Date.valueOf(date.minusDays(lookbackDays - 1L))), lit(Date.valueOf(date))))
                .groupBy(IdentifierNodes.ID_TYPE, IdentifierNodes.ID_VALUE)
                .agg(
                        smallest(IPS),
                        smallest(NETWORKS),
                        smallest(VISITS),
                        array(hours).as(HOURS),
                        array(topics).as(TOPICS),
                        latestSessions(flatten(collect_list(col(SESSIONS)))).as(SESSIONS),
                        max_by(col(OS), col(DeviceDays.LAST_EVENT)).as(OS),
                        max_by(col(BROWSER), col(DeviceDays.LAST_EVENT)).as(BROWSER),
                        max_by(col(DEVICE_TYPE), col(DeviceDays.LAST_EVENT)).as(DEVICE_TYPE))
                .select(
                        IdentifierNodes.node().as(IdentifierNodes.NODE),
                        col(IdentifierNodes.ID_TYPE),
                        col(IdentifierNodes.ID_VALUE),
                        lit("events").as(IdentifierNodes.SOURCE),
                        col(IPS),
                        col(NETWORKS),
                        col(HOURS),
                        col(VISITS),
                        col(TOPICS),
                        col(SESSIONS),
                        platform(col(OS)).as(PLATFORM),
                        col(OS),
                        col(BROWSER),
                        col(DEVICE_TYPE));
    }

    /** The platform's vendor: Apple's iOS, iPadOS and macOS are one platform, as are Google's Android and ChromeOS. */
    static Column platform(Column os) {
        Column o = lower(os);
        return when(o.rlike("^(ios|ipados|mac ?os|os ?x)"), lit("apple"))
                .when(o.rlike("^(android|chrome ?os)"), lit("google"))
                .when(o.rlike("^windows"), lit("microsoft"))
                .otherwise(o);
    }

    /**
     * One {@link DeviceDays} partial per device and {@code raw_events} partition from {@code from} to {@code to}
     * (both included), crawlers left out: one pass over the events.
     */
    public static Dataset<Row> days(Dataset<Row> events, LocalDate from, LocalDate to) {
        Column[] hours = new Column[24];
        for (int h = 0; h < 24; h++) {
            hours[h] = count(when(hour(col(RawEvents.EVENT_TIME)).equalTo(h), lit(1)));
        }
        Column[] topics = new Column[TOPIC_BUCKETS];
        for (int b = 0; b < TOPIC_BUCKETS; b++) {
            Column inBucket = lit(0L);
            for (String attribute : TOPIC_ATTRIBUTES) {
                inBucket = inBucket.plus(count(when(topicBucket(attribute).equalTo(b), lit(1))));
            }
            topics[b] = inBucket;
        }
        Column visits = visitHashes();
        Dataset<Row> devices = events.where(col(RawTables.DT).between(lit(Date.valueOf(from)), lit(Date.valueOf(to))))
                .where(col(RawEvents.DEVICE_ID)
                        .isNotNull()
                        .and(col(RawEvents.DEVICE_ID_TYPE).isNotNull()))
                .where(coalesce(col(RawEvents.IS_ROBOT), lit(false)).equalTo(false));
        return sessionEdges(devices)
                .groupBy(
                        col(RawEvents.DEVICE_ID_TYPE).as(DeviceDays.ID_TYPE),
                        col(RawEvents.DEVICE_ID).as(DeviceDays.ID_VALUE),
                        col(RawTables.DT).as(DeviceDays.DT))
                .agg(
                        slice(array_sort(collect_set(col(RawEvents.IP_HASH))), 1, MAX_ADDRESSES)
                                .as(IPS),
                        slice(array_sort(collect_set(col(RawEvents.IP_PREFIX))), 1, MAX_ADDRESSES)
                                .as(NETWORKS),
                        slice(
                                        array_sort(array_distinct(flatten(collect_set(
                                                when(col(RawEvents.IP_HASH).isNotNull(), visits))))),
                                        1,
                                        MAX_ADDRESSES)
                                .as(VISITS),
                        array(hours).as(HOURS),
                        array(topics).as(TOPICS),
                        latestSessions(zip_with(
                                        array_sort(collect_list(col(START))),
                                        array_sort(collect_list(col(END))),
                                        (a, b) -> struct(a.as(START), b.as(END))))
                                .as(SESSIONS),
                        max_by(col(RawEvents.OS), col(RawEvents.EVENT_TIME)).as(OS),
                        max_by(col(RawEvents.BROWSER), col(RawEvents.EVENT_TIME))
                                .as(BROWSER),
                        max_by(col(RawEvents.DEVICE_TYPE), col(RawEvents.EVENT_TIME))
                                .as(DEVICE_TYPE),
                        max(col(RawEvents.EVENT_TIME)).as(DeviceDays.LAST_EVENT));
    }

    /** An event's two (address, half hour) hashes, on grids 15 minutes apart. */
    private static Column visitHashes() {
        Column seconds = unix_seconds(col(RawEvents.EVENT_TIME));
        return array(
                xxhash64(col(RawEvents.IP_HASH), lit("a"), floor(seconds.divide(VISIT_SECONDS))),
                xxhash64(
                        col(RawEvents.IP_HASH),
                        lit("b"),
                        floor(seconds.plus(VISIT_SECONDS / 2).divide(VISIT_SECONDS))));
    }

    /**
     * Each event with {@link #START} set to its minute when it opens a session of its device (none in the
     * {@value #SESSION_GAP_MINUTES} minutes before, within the partition) and {@link #END} when it closes one: the
     * k-th start and the k-th end of a device's partition make its k-th session.
     */
    private static Dataset<Row> sessionEdges(Dataset<Row> events) {
        WindowSpec byDevice = Window.partitionBy(
                        col(RawEvents.DEVICE_ID_TYPE), col(RawEvents.DEVICE_ID), col(RawTables.DT))
                .orderBy(col(RawEvents.EVENT_TIME));
        Column minute = floor(unix_seconds(col(RawEvents.EVENT_TIME)).divide(60));
        Column before = lag(minute, 1).over(byDevice);
        Column after = lead(minute, 1).over(byDevice);
        return events.withColumn(
                        START, when(before.isNull().or(minute.minus(before).gt(SESSION_GAP_MINUTES)), minute))
                .withColumn(END, when(after.isNull().or(after.minus(minute).gt(SESSION_GAP_MINUTES)), minute));
    }

    /** The latest {@value #MAX_SESSIONS} sessions of a list, latest first. */
    private static Column latestSessions(Column sessions) {
        return slice(
                array_sort(
                        sessions,
                        (a, b) -> b.getField(START).minus(a.getField(START)).cast("int")),
                1,
                MAX_SESSIONS);
    }

    /** The topic bucket of an event's attribute value, null without one. */
    private static Column topicBucket(String attribute) {
        Column value = col(RawEvents.ATTRIBUTES).getItem(attribute);
        return when(value.isNotNull(), pmod(xxhash64(value), lit(TOPIC_BUCKETS)));
    }

    /** Nodes of devices with partials of partitions after {@code since}: their profiles changed. */
    public static Dataset<Row> active(Dataset<Row> days, LocalDate since) {
        return days.where(col(DeviceDays.DT).gt(lit(Date.valueOf(since))))
                .select(IdentifierNodes.node().as(IdentifierNodes.NODE))
                .distinct();
    }

    /** The partials' addresses (or networks) merged: the smallest {@link #MAX_ADDRESSES}, sorted. */
    private static Column smallest(String field) {
        return slice(array_sort(array_distinct(flatten(collect_list(col(field))))), 1, MAX_ADDRESSES)
                .as(field);
    }
}
