package io.audiencelake.common.runs;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** One finished run of a job, as recorded in {@link JobRuns}. */
public record JobRun(
    String runId,
    String job,
    LocalDate runDate,
    String status,
    Instant startedAt,
    Instant endedAt,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    Map<String, Long> counts,
    String error,
    String arguments,
    String tableFormat,
    String sparkAppId,
    Map<String, io.audiencelake.common.lake.TableVersion> published,
    Split split) {

  /**
   * Where the run's time went: starting the Spark session (zero for a run that found one started), the
   * job's own work, and the runner's bookkeeping (lock, published versions, recording the run, release).
   */
  public record Split(java.time.Duration startup, java.time.Duration spark, java.time.Duration bookkeeping) {}

  public JobRun {
    counts = Map.copyOf(counts);
    published = Map.copyOf(published);
  }

  /**
   * Appends the run as one row in one commit. A run is recorded once, under an id of its own, so
   * an append is enough; a MERGE would cost seconds on every run for nothing.
   */
  public void record(SparkSession spark, io.audiencelake.common.lake.LakeTables lake) {
    Row row = RowFactory.create(runId, job, java.sql.Date.valueOf(runDate), status,
        Timestamp.from(startedAt), Timestamp.from(endedAt), endedAt.toEpochMilli() - startedAt.toEpochMilli(),
        rowsIn, rowsOut, rowsQuarantined, counts,
        error, arguments, tableFormat, sparkAppId, published.isEmpty() ? null : published.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> RowFactory.create(e.getKey(), e.getValue().version(), Timestamp.from(e.getValue().committedAt())))
            .toList(), split.startup().toMillis(), split.spark().toMillis(), split.bookkeeping().toMillis());
    lake.append(JobRuns.SPEC, spark.createDataFrame(List.of(row), JobRuns.SPEC.schema()));
  }
}
