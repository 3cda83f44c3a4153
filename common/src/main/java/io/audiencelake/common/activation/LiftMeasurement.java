package io.audiencelake.common.activation;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.segments.SegmentTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Who is in each experiment's treated and control group, and what they did afterwards, as sums per group: the
 * inputs of {@link LiftMetric}. Every experiment goes through the same few passes (one over membership, one over
 * the window's sessions, one join on person, two aggregations), however many there are; the driver only receives
 * two rows per experiment.
 *
 * <p>Intention to treat: a person is counted in the group they were assigned when they first joined the segment
 * on or after the experiment's start (treated members whether or not a destination matched them), and their
 * outcomes are their sessions from the next day up to the run date. Assignment is random within the segment (a
 * hash, {@code ControlGroups}), so the groups differ only by having been sent.
 */
public final class LiftMeasurement {
    public static final String ENTERED = "entered";
    public static final String N = "n";
    public static final String VISITS = "visits";
    public static final String CONVERSIONS = "conversions";
    public static final String REVENUE = "revenue";
    public static final String REVENUE_SQUARES = "revenue_squares";
    private static final String ROLE = "role";
    private static final String OWN = "own";
    private static final String VISITED = "visited";
    private static final String DAY = "day";
    private static final String PERSON = "cohort_person";

    private LiftMeasurement() {}

    /**
     * A comparison to measure.
     *
     * @param name how it is shown and keyed in lift_results
     * @param controlSegmentId null: the segment's own control group; else the segment whose members are the control
     * @param destinationId the destination the segment went to, or null
     * @param since members count from the first date they were in the segment(s) on or after this
     */
    public record Experiment(
            String name, String segmentId, String controlSegmentId, String destinationId, LocalDate since) {
        /** A segment's treated members against its own control group since its first export to a destination. */
        public static Experiment exported(String segmentId, String destinationId, LocalDate firstExport) {
            return new Experiment(segmentId + " -> " + destinationId, segmentId, null, destinationId, firstExport);
        }

        /** One segment's members against another's (an experiment randomised elsewhere, e.g. by an e-mail tool). */
        public static Experiment segments(String treated, String control, LocalDate since) {
            return new Experiment(treated + " vs " + control, treated, control, null, since);
        }
    }

    /** One group's sums: people, people who visited, who converted, revenue and its squares (per person). */
    public record GroupSums(long n, long visits, long conversions, double revenue, double revenueSquares) {}

    /**
     * (segment_id, destination_id, since): every segment each destination has exported (a succeeded export_log row
     * on or before {@code end}), with the date of its first export.
     */
    public static Dataset<Row> firstExports(Dataset<Row> exportLog, LocalDate end) {
        return exportLog
                .where(col(ExportTables.STATUS)
                        .equalTo(ExportTables.SUCCEEDED)
                        .and(col(ExportTables.DT).leq(lit(Date.valueOf(end)))))
                .select(
                        col(ExportTables.DESTINATION_ID),
                        col(ExportTables.DT),
                        explode(col(ExportTables.SEGMENTS)).as(SegmentTables.SEGMENT_ID))
                .groupBy(SegmentTables.SEGMENT_ID, ExportTables.DESTINATION_ID)
                .agg(min(ExportTables.DT).as(LiftTables.SINCE));
    }

    /**
     * (experiment, person_id, audience_group, entered): each experiment's people with their group and the first date
     * they were a member on or after its start, up to {@code end}. With a control segment, people in both segments
     * are left out (they were both sent and not sent); with the segment's own group, rows from before control groups
     * (no group) are left out.
     */
    public static Dataset<Row> cohorts(Dataset<Row> membership, List<Experiment> experiments, LocalDate end) {
        List<Row> roles = new ArrayList<>();
        for (Experiment e : experiments) {
            Date since = Date.valueOf(e.since());
            if (e.controlSegmentId() == null) {
                roles.add(RowFactory.create(e.name(), e.segmentId(), OWN, since));
            } else {
                roles.add(RowFactory.create(e.name(), e.segmentId(), SegmentTables.TREATED, since));
                roles.add(RowFactory.create(e.name(), e.controlSegmentId(), SegmentTables.CONTROL, since));
            }
        }
        Dataset<Row> plan = SparkSession.active()
                .createDataFrame(
                        roles,
                        StructType.fromDDL(LiftTables.EXPERIMENT + " string, " + SegmentTables.SEGMENT_ID + " string, "
                                + ROLE + " string, " + LiftTables.SINCE + " date"));
        Column group =
                when(col(ROLE).equalTo(OWN), col(SegmentTables.AUDIENCE_GROUP)).otherwise(col(ROLE));
        return membership
                .where(col(SegmentTables.DT).leq(lit(Date.valueOf(end))))
                .join(broadcast(plan), SegmentTables.SEGMENT_ID)
                .where(col(SegmentTables.DT).geq(col(LiftTables.SINCE)))
                .withColumn(SegmentTables.AUDIENCE_GROUP, group)
                .where(col(SegmentTables.AUDIENCE_GROUP).isNotNull())
                .groupBy(LiftTables.EXPERIMENT, SegmentTables.PERSON_ID)
                .agg(
                        min(SegmentTables.DT).as(ENTERED),
                        min_by(col(SegmentTables.AUDIENCE_GROUP), col(SegmentTables.DT))
                                .as(SegmentTables.AUDIENCE_GROUP),
                        count_distinct(col(SegmentTables.AUDIENCE_GROUP)).as("groups"))
                .where(col("groups").equalTo(1))
                .drop("groups");
    }

    /**
     * (experiment, audience_group, n, visits, conversions, revenue, revenue_squares): per experiment and group, the
     * people and the sums of their outcomes in sessions after the day they entered, up to {@code end}. Sessions are
     * first summed per person and day (a person's many sessions do not multiply the join).
     */
    public static Dataset<Row> groupSums(Dataset<Row> cohorts, Dataset<Row> sessions, LocalDate end) {
        Dataset<Row> days = sessions.where(
                        col(Sessions.PERSON_ID).isNotNull().and(col(Sessions.DT).leq(lit(Date.valueOf(end)))))
                .groupBy(col(Sessions.PERSON_ID).as(PERSON), col(Sessions.DT).as(DAY))
                .agg(
                        max(col(Sessions.CONVERTED).cast("int")).as(Sessions.CONVERTED),
                        sum(Sessions.REVENUE).as(Sessions.REVENUE));
        Dataset<Row> perPerson = cohorts.join(
                        days, col(SegmentTables.PERSON_ID).equalTo(col(PERSON)).and(col(DAY).gt(col(ENTERED))), "left")
                .groupBy(LiftTables.EXPERIMENT, SegmentTables.PERSON_ID, SegmentTables.AUDIENCE_GROUP)
                .agg(
                        max(when(col(DAY).isNotNull(), 1).otherwise(0)).as(VISITED),
                        coalesce(max(Sessions.CONVERTED), lit(0)).as(Sessions.CONVERTED),
                        coalesce(sum(Sessions.REVENUE), lit(0.0)).as(REVENUE));
        return perPerson
                .groupBy(LiftTables.EXPERIMENT, SegmentTables.AUDIENCE_GROUP)
                .agg(
                        count(lit(1)).as(N),
                        sum(VISITED).cast("long").as(VISITS),
                        sum(Sessions.CONVERTED).cast("long").as(CONVERSIONS),
                        sum(REVENUE).as(REVENUE),
                        sum(col(REVENUE).multiply(col(REVENUE))).as(REVENUE_SQUARES));
    }

    /** A {@link #groupSums} row as a value. */
    public static GroupSums sums(Row r) {
        return new GroupSums(
                r.getAs(N), r.getAs(VISITS), r.getAs(CONVERSIONS), r.getAs(REVENUE), r.getAs(REVENUE_SQUARES));
    }
}
