package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Cookie churn: one browser under a new cookie after its old one expired (Safari's seven days) or was cleared.
 * Cookie B continues cookie A when B's first active day is at most {@code maxGapDays} after A's last, A began
 * before B, both run the same OS, browser and device type, and they share an address on those two days; and the
 * pair is unambiguous: A has no other successor and B no other predecessor (two household members' iPhones on
 * one home network are left apart). Only private addresses count: one used by more than {@code maxDevices}
 * devices over the window (an office, a carrier's NAT, a cafe's hotspot) would link strangers whose cookies
 * happen to follow each other there, so it is skipped, and no address blows the pairs up.
 *
 * <p>Works on {@link DeviceDays} partials (a day's addresses, OS, browser and type per device): the continuity of
 * a device is "same device" evidence, found before any person-level matching.
 */
public final class DeviceContinuity {
    /** The rule name of continuity links in id_edges. */
    public static final String RULE = "continuity:same_browser";
    /**
     * An address more devices than this used over the window is public (office, carrier NAT, hotspot): no evidence.
     * A home with two or three people, a few devices each and Safari's weekly cookies stays under it.
     */
    public static final int MAX_DEVICES_PER_ADDRESS = 30;

    private static final String FIRST = "first_day";
    private static final String LAST = "last_day";
    private static final String IP = "ip";

    private DeviceContinuity() {}

    /**
     * (src, dst) node numbers: the earlier cookie and the one that continues it.
     *
     * @param days {@link DeviceDays} partials of the window (any device types; only cookies churn)
     */
    public static Dataset<Row> links(Dataset<Row> days, int maxGapDays, int maxDevices) {
        Dataset<Row> cookies = days.where(col(DeviceDays.ID_TYPE)
                .equalTo("cookie")
                .and(col(DeviceDays.OS).isNotNull())
                .and(col(DeviceDays.BROWSER).isNotNull())
                .and(col(DeviceDays.DEVICE_TYPE).isNotNull()));
        Dataset<Row> span = cookies.groupBy(DeviceDays.ID_TYPE, DeviceDays.ID_VALUE)
                .agg(min(DeviceDays.DT).as(FIRST), max(DeviceDays.DT).as(LAST));
        Dataset<Row> withSpan = cookies.join(span, new String[] {DeviceDays.ID_TYPE, DeviceDays.ID_VALUE});
        Dataset<Row> privateAddresses = days.select(
                        explode(col(DeviceDays.IPS)).as(IP), col(DeviceDays.ID_TYPE), col(DeviceDays.ID_VALUE))
                .distinct()
                .groupBy(IP)
                .agg(count(lit(1)).as("devices"))
                .where(col("devices").leq(maxDevices))
                .select(IP);
        Dataset<Row> ends = side(withSpan.where(col(DeviceDays.DT).equalTo(col(LAST))), privateAddresses);
        Dataset<Row> starts = side(withSpan.where(col(DeviceDays.DT).equalTo(col(FIRST))), privateAddresses);
        Dataset<Row> a = ends.toDF("a_node", "a_first", "a_last", IP, "os", "browser", "type");
        Dataset<Row> b = starts.toDF("b_node", "b_first", "b_last", IP, "os", "browser", "type");
        Dataset<Row> pairs = a.join(b, new String[] {IP, "os", "browser", "type"})
                .where(col("a_node")
                        .notEqual(col("b_node"))
                        .and(col("a_first").lt(col("b_first")))
                        .and(col("b_first").geq(col("a_last")))
                        .and(col("b_first").leq(date_add(col("a_last"), maxGapDays))))
                .select(col("a_node").as(DeterministicLinks.SRC), col("b_node").as(DeterministicLinks.DST))
                .distinct();
        // Unambiguous both ways: A's only successor and B's only predecessor.
        return pairs.withColumn("successors", count(lit(1)).over(Window.partitionBy(DeterministicLinks.SRC)))
                .withColumn("predecessors", count(lit(1)).over(Window.partitionBy(DeterministicLinks.DST)))
                .where(col("successors").equalTo(1).and(col("predecessors").equalTo(1)))
                .select(DeterministicLinks.SRC, DeterministicLinks.DST);
    }

    /** (node, first, last, ip, os, browser, type) per private address of the day. */
    private static Dataset<Row> side(Dataset<Row> day, Dataset<Row> privateAddresses) {
        return day.select(
                        IdentifierNodes.node().as(IdentifierNodes.NODE),
                        col(FIRST),
                        col(LAST),
                        explode(col(DeviceDays.IPS)).as(IP),
                        col(DeviceDays.OS),
                        col(DeviceDays.BROWSER),
                        col(DeviceDays.DEVICE_TYPE))
                .join(privateAddresses, IP)
                .select(
                        IdentifierNodes.NODE,
                        FIRST,
                        LAST,
                        IP,
                        DeviceDays.OS,
                        DeviceDays.BROWSER,
                        DeviceDays.DEVICE_TYPE);
    }
}
