package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.try_parse_url;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.profiles.ProfileRules.Channel;
import io.audiencelake.common.profiles.ProfileRules.SessionRules;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Cuts a device's events into sessions with window functions: a new session starts after
 * {@code gap_minutes} of inactivity, at midnight UTC, or (if configured) when the campaign changes.
 * One shuffle by device and day; a device's day of events is sorted within its task (a crawler with
 * millions of events a day is the skew to expect, which is why robots are left out by default).
 */
public final class Sessionisation {
    private static final String DAY = "_day";
    private static final String SEQ = "_seq";
    private static final String ORDER = "_order";

    private Sessionisation() {}

    /** Sessions (columns of {@link Sessions}, without person_id) from raw_events rows that have a device. */
    public static Dataset<Row> sessions(Dataset<Row> events, SessionRules rules, EventColumns columns) {
        return shaped(aggregated(numbered(rows(events, rules, columns), rules), rules), rules);
    }

    /** The columns sessions are made of, page, referrer and campaign read through the rules' event columns. */
    private static Dataset<Row> rows(Dataset<Row> events, SessionRules rules, EventColumns columns) {
        return events.where(col(RawEvents.DEVICE_ID).isNotNull())
                .select(
                        col(RawEvents.DEVICE_ID_TYPE),
                        col(RawEvents.DEVICE_ID),
                        col(RawEvents.EVENT_TIME),
                        col(RawTables.RECORD_ID),
                        col(RawEvents.EVENT_TYPE),
                        col(RawEvents.DEVICE_TYPE),
                        to_date(col(RawEvents.EVENT_TIME)).as(DAY),
                        column(columns, rules.pageColumn()).as("_page"),
                        column(columns, rules.referrerColumn()).as("_referrer"),
                        column(columns, rules.campaignColumn()).as("_campaign"),
                        col(RawEvents.REVENUE));
    }

    private static Column column(EventColumns columns, String name) {
        return name == null ? lit(null).cast(DataTypes.StringType) : columns.column(name);
    }

    /**
     * Each row with its session's number within the device's day: a new session starts after a gap longer than
     * the rules allow, or (when configured) with a new campaign.
     */
    private static Dataset<Row> numbered(Dataset<Row> rows, SessionRules rules) {
        WindowSpec byDevice = Window.partitionBy(RawEvents.DEVICE_ID_TYPE, RawEvents.DEVICE_ID, DAY)
                .orderBy(RawEvents.EVENT_TIME, RawTables.RECORD_ID);
        Column previousTime = lag(col(RawEvents.EVENT_TIME), 1).over(byDevice);
        Column starts = previousTime
                .isNull()
                .or(unix_seconds(col(RawEvents.EVENT_TIME))
                        .minus(unix_seconds(previousTime))
                        .gt(rules.gapMinutes() * 60L));
        if (rules.splitOnCampaign()) {
            Column previousCampaign = lag(col("_campaign"), 1).over(byDevice);
            starts = starts.or(
                    col("_campaign").isNotNull().and(not(col("_campaign").eqNullSafe(previousCampaign))));
        }
        return rows.withColumn("_start", when(starts, 1).otherwise(0))
                .withColumn(
                        SEQ,
                        sum(col("_start")).over(byDevice.rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
                .withColumn(ORDER, struct(col(RawEvents.EVENT_TIME), col(RawTables.RECORD_ID)));
    }

    /** One row per session: its span, events, pages, entry and exit, campaign, conversion and revenue. */
    private static Dataset<Row> aggregated(Dataset<Row> numbered, SessionRules rules) {
        return numbered.groupBy(col(RawEvents.DEVICE_ID_TYPE), col(RawEvents.DEVICE_ID), col(DAY), col(SEQ))
                .agg(
                        min(RawEvents.EVENT_TIME).as(Sessions.SESSION_START),
                        max(RawEvents.EVENT_TIME).as(Sessions.SESSION_END),
                        count(lit(1)).as(Sessions.EVENTS),
                        count(col("_page")).as(Sessions.PAGES),
                        min_by(col("_page"), col(ORDER)).as(Sessions.ENTRY_PAGE),
                        max_by(col("_page"), col(ORDER)).as(Sessions.EXIT_PAGE),
                        min_by(col("_referrer"), col(ORDER)).as("_entry_referrer"),
                        min_by(col("_campaign"), when(col("_campaign").isNotNull(), col(ORDER)))
                                .as(Sessions.CAMPAIGN),
                        min_by(col(RawEvents.DEVICE_TYPE), col(ORDER)).as(Sessions.DEVICE_TYPE),
                        max(col(RawEvents.EVENT_TYPE)
                                        .isin(rules.conversionEvents().toArray()))
                                .as(Sessions.CONVERTED),
                        // Exact decimal sum: the same session gives the same revenue however its rows were split.
                        sum(col(RawEvents.REVENUE).cast(Measure.SUM_TYPE)).as("_revenue"));
    }

    /** The sessions table's columns: a stable session id, duration, channel and the entry referrer's host. */
    private static Dataset<Row> shaped(Dataset<Row> grouped, SessionRules rules) {
        Column host = lower(try_parse_url(col("_entry_referrer"), lit("HOST")));
        Column id = sha2(
                concat_ws(
                        "|",
                        col(RawEvents.DEVICE_ID_TYPE),
                        col(RawEvents.DEVICE_ID),
                        col(Sessions.SESSION_START).cast(DataTypes.StringType)),
                256);
        return grouped.select(
                substring(id, 1, 32).as(Sessions.SESSION_ID),
                col(RawEvents.DEVICE_ID_TYPE).as(Sessions.DEVICE_ID_TYPE),
                col(RawEvents.DEVICE_ID).as(Sessions.DEVICE_ID),
                col(Sessions.SESSION_START),
                col(Sessions.SESSION_END),
                unix_seconds(col(Sessions.SESSION_END))
                        .minus(unix_seconds(col(Sessions.SESSION_START)))
                        .as(Sessions.DURATION_SECONDS),
                col(Sessions.EVENTS),
                col(Sessions.PAGES),
                col(Sessions.ENTRY_PAGE),
                col(Sessions.EXIT_PAGE),
                channel(host, col(Sessions.CAMPAIGN), rules).as(Sessions.CHANNEL),
                host.as(Sessions.REFERRER),
                col(Sessions.CAMPAIGN),
                col(Sessions.DEVICE_TYPE),
                coalesce(col(Sessions.CONVERTED), lit(false)).as(Sessions.CONVERTED),
                coalesce(col("_revenue"), lit(0)).cast(DataTypes.DoubleType).as(Sessions.REVENUE),
                col(DAY).as(Sessions.DT));
    }

    /** The first channel rule that matches; "direct" without referrer and campaign, else "referral". */
    static Column channel(Column host, Column campaign, SessionRules rules) {
        Column out = when(host.isNull().and(campaign.isNull()), lit("direct"));
        for (Channel c : rules.channels()) {
            Column match = lit(true);
            if (!c.referrerHosts().isEmpty()) {
                match = match.and(host.isin(c.referrerHosts().stream()
                        .map(h -> h.toLowerCase(Locale.ROOT))
                        .toArray()));
            }
            if (c.withCampaign() != null) {
                match = match.and(c.withCampaign() ? campaign.isNotNull() : campaign.isNull());
            }
            out = out.when(match, lit(c.name()));
        }
        return out.otherwise(when(host.isNotNull(), lit("referral")).otherwise(lit("campaign")));
    }

    private static Column not(Column c) {
        return org.apache.spark.sql.functions.not(c);
    }
}
