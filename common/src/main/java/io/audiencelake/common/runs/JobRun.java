package io.audiencelake.common.runs;

import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableVersion;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
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
        Map<String, TableVersion> published,
        Split split) {

    /**
     * Where the run's time went: starting the Spark session (zero for a run that found one started), the
     * job's own work, and the runner's bookkeeping (lock, published versions, recording the run, release).
     */
    public record Split(Duration startup, Duration spark, Duration bookkeeping) {}

    public JobRun {
        counts = Map.copyOf(counts);
        published = Map.copyOf(published);
    }

    /**
     * Appends the run as one row in one commit. A run is recorded once, under an id of its own, so
     * an append is enough; a MERGE would cost seconds on every run for nothing.
     */
    public void record(SparkSession spark, LakeTables lake) {
        Row row = RowFactory.create(
                runId,
                job,
                Date.valueOf(runDate),
                status,
                Timestamp.from(startedAt),
                Timestamp.from(endedAt),
                endedAt.toEpochMilli() - startedAt.toEpochMilli(),
                rowsIn,
                rowsOut,
                rowsQuarantined,
                counts,
                error,
                arguments,
                tableFormat,
                sparkAppId,
                published.isEmpty()
                        ? null
                        : published.entrySet().stream()
                                .sorted(Map.Entry.comparingByKey())
                                .map(e -> RowFactory.create(
                                        e.getKey(),
                                        e.getValue().version(),
                                        Timestamp.from(e.getValue().committedAt())))
                                .toList(),
                split.startup().toMillis(),
                split.spark().toMillis(),
                split.bookkeeping().toMillis());
        lake.append(JobRuns.SPEC, spark.createDataFrame(List.of(row), JobRuns.SPEC.schema()));
    }
}
