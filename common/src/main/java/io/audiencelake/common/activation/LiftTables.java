package io.audiencelake.common.activation;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The table the lift job writes, with its column names. */
public final class LiftTables {
    public static final String EXPERIMENT = "experiment";
    public static final String SEGMENT_ID = "segment_id";
    public static final String CONTROL_SEGMENT_ID = "control_segment_id";
    public static final String DESTINATION_ID = "destination_id";
    public static final String SINCE = "since";
    public static final String METRIC = "metric";
    public static final String TREATED_N = "treated_n";
    public static final String CONTROL_N = "control_n";
    public static final String TREATED_VALUE = "treated_value";
    public static final String CONTROL_VALUE = "control_value";
    public static final String DIFFERENCE = "difference";
    public static final String CI_LOW = "ci_low";
    public static final String CI_HIGH = "ci_high";
    public static final String RELATIVE_LIFT = "relative_lift";
    public static final String P_VALUE = "p_value";
    public static final String MDE = "mde";
    public static final String CONFIDENCE = "confidence";
    public static final String DT = "dt";

    public static final TableSpec RESULTS = new TableSpec(
            "lift_results",
            "What sending an audience did: per experiment (a segment's treated members against its control group "
                    + "since its first export to a destination, or one segment against another) and outcome, both "
                    + "groups' values, the difference with its confidence interval, p-value and the minimum detectable "
                    + "effect, as of the run date.",
            "activation",
            new StructType(new StructField[] {
                column(EXPERIMENT, DataTypes.StringType, false, "segment -> destination, or segment vs segment"),
                column(SEGMENT_ID, DataTypes.StringType, false, "the treated segment"),
                column(
                        CONTROL_SEGMENT_ID,
                        DataTypes.StringType,
                        true,
                        "the control segment; empty when the control is the segment's own control group"),
                column(DESTINATION_ID, DataTypes.StringType, true, "the destination the segment was sent to, if any"),
                column(
                        SINCE,
                        DataTypes.DateType,
                        false,
                        "first export (or the given start): each person's outcomes count from the day after they were "
                                + "first a member on or after it"),
                column(
                        METRIC,
                        DataTypes.StringType,
                        false,
                        "visit, conversion (shares of people) or revenue (per person)"),
                column(TREATED_N, DataTypes.LongType, false, "people in the treated group"),
                column(CONTROL_N, DataTypes.LongType, false, "people in the control group"),
                column(TREATED_VALUE, DataTypes.DoubleType, false, "the treated group's rate or mean"),
                column(CONTROL_VALUE, DataTypes.DoubleType, false, "the control group's rate or mean"),
                column(DIFFERENCE, DataTypes.DoubleType, false, "treated minus control: the absolute lift"),
                column(CI_LOW, DataTypes.DoubleType, false, "lower end of the confidence interval of the difference"),
                column(CI_HIGH, DataTypes.DoubleType, false, "upper end"),
                column(RELATIVE_LIFT, DataTypes.DoubleType, true, "difference / control value; empty when that is 0"),
                column(P_VALUE, DataTypes.DoubleType, false, "two-sided p-value of no difference"),
                column(
                        MDE,
                        DataTypes.DoubleType,
                        false,
                        "minimum detectable effect: the smallest difference these group sizes detect with 80% power"),
                column(CONFIDENCE, DataTypes.DoubleType, false, "level of the interval, e.g. 0.95"),
                column(DT, DataTypes.DateType, false, "run date: outcomes up to this day (partition)")
            }),
            List.of(DT),
            List.of(EXPERIMENT, METRIC, DT));

    private LiftTables() {}
}
