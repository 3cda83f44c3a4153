package io.audiencelake.common.runs;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code job_runs} table: one row per job run, with its outcome and counts. */
public final class JobRuns {
  public static final String RUN_ID = "run_id";
  public static final String JOB = "job";
  public static final String RUN_DATE = "run_date";
  public static final String STATUS = "status";
  public static final String STARTED_AT = "started_at";
  public static final String ENDED_AT = "ended_at";
  public static final String DURATION_MS = "duration_ms";
  public static final String ROWS_IN = "rows_in";
  public static final String ROWS_OUT = "rows_out";
  public static final String ROWS_QUARANTINED = "rows_quarantined";
  public static final String COUNTS = "counts";
  public static final String ERROR = "error";
  public static final String ARGUMENTS = "arguments";
  public static final String TABLE_FORMAT = "table_format";
  public static final String SPARK_APP_ID = "spark_app_id";

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  public static final TableSpec SPEC = new TableSpec("job_runs",
      "One row per run of an audiencelake job: what ran for which date, how it ended and how many rows it "
          + "read, wrote and quarantined.",
      "operations",
      new StructType(new StructField[] {
          TableSpec.column(RUN_ID, DataTypes.StringType, false, "unique id of the run"),
          TableSpec.column(JOB, DataTypes.StringType, false, "job name, e.g. ingest"),
          TableSpec.column(RUN_DATE, DataTypes.DateType, false, "the data date the run processed"),
          TableSpec.column(STATUS, DataTypes.StringType, false, "succeeded or failed"),
          TableSpec.column(STARTED_AT, DataTypes.TimestampType, false, "when the run started (UTC)"),
          TableSpec.column(ENDED_AT, DataTypes.TimestampType, false, "when the run ended (UTC)"),
          TableSpec.column(DURATION_MS, DataTypes.LongType, false, "run time in milliseconds"),
          TableSpec.column(ROWS_IN, DataTypes.LongType, false, "rows read"),
          TableSpec.column(ROWS_OUT, DataTypes.LongType, false, "rows written"),
          TableSpec.column(ROWS_QUARANTINED, DataTypes.LongType, false, "rows set aside as bad"),
          TableSpec.column(COUNTS, DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true,
              "further counts by name, e.g. rows per output table"),
          TableSpec.column(ERROR, DataTypes.StringType, true, "the error of a failed run"),
          TableSpec.column(ARGUMENTS, DataTypes.StringType, true, "the command line of the run"),
          TableSpec.column(TABLE_FORMAT, DataTypes.StringType, false, "delta or iceberg"),
          TableSpec.column(SPARK_APP_ID, DataTypes.StringType, true, "Spark application id")}),
      List.of(),
      List.of(RUN_ID));

  private JobRuns() {}
}
