package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.runs.JobRuns;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Files that landed on an old date after profiles had folded that date: a source resends a day, a file is
 * dropped into yesterday's folder, {@code ingest --since} finds it. Profiles fold data by landing date, so
 * without this their rows would never reach the running state. A daily run folds them in as if they had
 * landed on the run's date (each row once: the next run's boundary is this run's start).
 *
 * @param path the landing file
 * @param landed its landing date
 * @param replaced whether it replaced rows ingested before ({@code on_change: reingest}): the state holds
 *     the old rows' contribution, which only a rebuild removes
 */
public record LateFiles(String path, LocalDate landed, boolean replaced) {

    /**
     * Files with a landing date up to {@code folded} whose ingest finished after {@code since} (when the
     * profiles run that folded {@code folded} started). The ingest run's end counts, not the file's
     * processing time: a run still going when profiles started was not visible to it. One row per late file:
     * few, collected.
     */
    public static List<LateFiles> since(LakeTables lake, LocalDate folded, Instant since) {
        if (!lake.exists(FeedFiles.SPEC)) {
            return List.of();
        }
        Dataset<Row> files = lake.read(FeedFiles.SPEC)
                .where(col(FeedFiles.STATUS)
                        .equalTo(FeedFiles.INGESTED)
                        .and(col(FeedFiles.DT).leq(lit(Date.valueOf(folded)))));
        Dataset<Row> withEnd = lake.exists(JobRuns.SPEC)
                ? files.join(
                        lake.read(JobRuns.SPEC).select(col(JobRuns.RUN_ID).as(FeedFiles.RUN_ID), col(JobRuns.ENDED_AT)),
                        new String[] {FeedFiles.RUN_ID},
                        "left")
                : files.withColumn(JobRuns.ENDED_AT, lit(null).cast(DataTypes.TimestampType));
        return withEnd
                .where(coalesce(col(JobRuns.ENDED_AT), col(FeedFiles.INGESTED_AT))
                        .gt(lit(Timestamp.from(since))))
                .select(FeedFiles.PATH, FeedFiles.DT, FeedFiles.CHANGE_DETECTED_AT)
                .collectAsList()
                .stream()
                .map(r -> new LateFiles(r.getString(0), r.getDate(1).toLocalDate(), !r.isNullAt(2)))
                .toList();
    }

    /**
     * The rows of {@code late} files in a raw table, stamped with {@code foldDate} as their landing date so
     * that they fold into the run's partials. Only the late files' landing dates are read.
     */
    public static Dataset<Row> rows(Dataset<Row> raw, List<LateFiles> late, LocalDate foldDate) {
        Object[] dates =
                late.stream().map(f -> Date.valueOf(f.landed())).distinct().toArray();
        Dataset<Row> paths = raw.sparkSession()
                .createDataset(late.stream().map(LateFiles::path).distinct().toList(), Encoders.STRING())
                .toDF(RawTables.SOURCE_FILE);
        return raw.where(col(RawTables.DT).isin(dates))
                .join(broadcast(paths), new String[] {RawTables.SOURCE_FILE}, "left_semi")
                .withColumn(RawTables.DT, lit(Date.valueOf(foldDate)));
    }
}
