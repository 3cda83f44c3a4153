package io.audiencelake.common.quality;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code quality_results} table: one row per quality check per write, passed or failed. */
public final class QualityResults {
    public static final String RUN_ID = "run_id";
    public static final String JOB = "job";
    public static final String RUN_DATE = "run_date";
    public static final String TABLE_NAME = "table_name";
    public static final String CHECK_NAME = "check_name";
    public static final String KIND = "kind";
    public static final String BLOCKING = "blocking";
    public static final String PASSED = "passed";
    public static final String OBSERVED = "observed";
    public static final String CHECKED_AT = "checked_at";

    public static final TableSpec SPEC = new TableSpec(
            "quality_results",
            "Data-quality checks run before each write of a checked table (quality.yaml): passed or failed, what was "
                    + "seen, and whether a failure stopped the write.",
            "operations",
            new StructType(new StructField[] {
                TableSpec.column(RUN_ID, DataTypes.StringType, false, "the job run that wrote (or tried to write)"),
                TableSpec.column(JOB, DataTypes.StringType, false, "job name"),
                TableSpec.column(RUN_DATE, DataTypes.DateType, false, "the data date of the run"),
                TableSpec.column(TABLE_NAME, DataTypes.StringType, false, "the checked table"),
                TableSpec.column(
                        CHECK_NAME, DataTypes.StringType, false, "the check with its bounds, e.g. unique(person_id)"),
                TableSpec.column(
                        KIND, DataTypes.StringType, false, "row_count, not_null, unique, range or size_change"),
                TableSpec.column(BLOCKING, DataTypes.BooleanType, false, "whether a failure stops the write"),
                TableSpec.column(PASSED, DataTypes.BooleanType, false, "whether the check passed"),
                TableSpec.column(OBSERVED, DataTypes.StringType, false, "what the check saw"),
                TableSpec.column(CHECKED_AT, DataTypes.TimestampType, false, "when the check ran (UTC)")
            }),
            List.of(RUN_DATE),
            List.of(RUN_ID, TABLE_NAME, CHECK_NAME));

    private QualityResults() {}
}
