package io.audiencelake.common.runs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
    public static final String PUBLISHED_VERSIONS = "published_versions";
    public static final String TABLE_NAME = "table_name";
    public static final String VERSION = "version";
    public static final String COMMITTED_AT = "committed_at";
    public static final String STARTUP_MS = "startup_ms";
    public static final String SPARK_MS = "spark_ms";
    public static final String BOOKKEEPING_MS = "bookkeeping_ms";

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public static final TableSpec SPEC = new TableSpec(
            "job_runs",
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
                TableSpec.column(
                        COUNTS,
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType),
                        true,
                        "further counts by name, e.g. rows per output table"),
                TableSpec.column(ERROR, DataTypes.StringType, true, "the error of a failed run"),
                TableSpec.column(ARGUMENTS, DataTypes.StringType, true, "the command line of the run"),
                TableSpec.column(TABLE_FORMAT, DataTypes.StringType, false, "delta or iceberg"),
                TableSpec.column(SPARK_APP_ID, DataTypes.StringType, true, "Spark application id"),
                TableSpec.column(
                        PUBLISHED_VERSIONS,
                        DataTypes.createArrayType(
                                new StructType(new StructField[] {
                                    // Nullable: Delta refuses NOT NULL inside arrays.
                                    DataTypes.createStructField(TABLE_NAME, DataTypes.StringType, true),
                                    DataTypes.createStructField(VERSION, DataTypes.LongType, true),
                                    DataTypes.createStructField(COMMITTED_AT, DataTypes.TimestampType, true)
                                }),
                                true),
                        true,
                        "the versions of the tables a run that returned wrote: downstream jobs read these, so a run that "
                                + "died between two commits is never seen half done"),
                TableSpec.column(
                        STARTUP_MS,
                        DataTypes.LongType,
                        true,
                        "milliseconds spent starting the Spark session (0 when the run found one started, as later steps of a "
                                + "pipeline do)"),
                TableSpec.column(SPARK_MS, DataTypes.LongType, true, "milliseconds of the job's own work"),
                TableSpec.column(
                        BOOKKEEPING_MS,
                        DataTypes.LongType,
                        true,
                        "milliseconds of the runner's bookkeeping: lock, published versions, recording the run, release")
            }),
            List.of(),
            List.of(RUN_ID));

    private JobRuns() {}

    /** When the last succeeded run of {@code job} for {@code date} started, if there is one. */
    public static Optional<Instant> lastSucceededStart(LakeTables lake, String job, LocalDate date) {
        if (!lake.exists(SPEC)) {
            return Optional.empty();
        }
        Row r = lake.read(SPEC)
                .where(col(JOB).equalTo(job)
                        .and(col(RUN_DATE).equalTo(Date.valueOf(date)))
                        .and(col(STATUS).equalTo(SUCCEEDED)))
                .agg(org.apache.spark.sql.functions.max(STARTED_AT))
                .first();
        return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getTimestamp(0).toInstant());
    }

    /**
     * Per table, its freshness: the latest data date a succeeded run wrote it (published a version of it). A
     * backfill never moves it back. Kept here rather than as a table property so that no run pays an extra
     * commit per table it wrote; the same in SQL:
     * {@code SELECT p.table_name, max(run_date) FROM job_runs LATERAL VIEW explode(published_versions) t AS p
     * WHERE status = 'succeeded' GROUP BY p.table_name}.
     */
    public static Map<String, LocalDate> freshness(LakeTables lake) {
        if (!lake.exists(SPEC)) {
            return Map.of();
        }
        Dataset<Row> runs = lake.read(SPEC);
        if (!Arrays.asList(runs.columns()).contains(PUBLISHED_VERSIONS)) {
            return Map.of();
        }
        Map<String, LocalDate> out = new TreeMap<>();
        // One row per table (a few dozen): bounded, safe to collect.
        runs.where(col(STATUS).equalTo(SUCCEEDED).and(col(PUBLISHED_VERSIONS).isNotNull()))
                .select(col(RUN_DATE), explode(col(PUBLISHED_VERSIONS)).as("p"))
                .groupBy(col("p." + TABLE_NAME))
                .agg(org.apache.spark.sql.functions.max(RUN_DATE))
                .collectAsList()
                .forEach(r -> out.put(r.getString(0), r.getDate(1).toLocalDate()));
        return out;
    }

    /**
     * Per table, the version downstream jobs read: of all versions finished runs published, the one committed
     * last. A run that returned publishes, also when some of its parts failed (a failed file is recorded as
     * failed; what it committed is whole); a run that threw publishes nothing. Tables no run published are absent (read at their latest version). A {@code job_runs} table from
     * before publishing existed gets the column here (and any other new column) (so recording a run can append it) and publishes nothing.
     */
    public static Map<String, Long> published(LakeTables lake) {
        if (!lake.exists(SPEC)) {
            return Map.of();
        }
        Dataset<Row> runs = lake.read(SPEC);
        if (!Arrays.asList(runs.columns())
                .containsAll(Arrays.asList(SPEC.schema().fieldNames()))) {
            lake.addMissingColumns(SPEC);
            if (!Arrays.asList(runs.columns()).contains(PUBLISHED_VERSIONS)) {
                return Map.of();
            }
            runs = lake.read(SPEC);
        }
        Map<String, Long> out = new TreeMap<>();
        // One row per table (a few dozen): bounded, safe to collect.
        runs.where(col(PUBLISHED_VERSIONS).isNotNull())
                .select(explode(col(PUBLISHED_VERSIONS)).as("p"))
                .groupBy(col("p." + TABLE_NAME).as(TABLE_NAME))
                .agg(max_by(col("p." + VERSION), struct(col("p." + COMMITTED_AT), col("p." + VERSION)))
                        .as(VERSION))
                .collectAsList()
                .forEach(r -> out.put(r.getString(0), r.getLong(1)));
        return out;
    }
}
