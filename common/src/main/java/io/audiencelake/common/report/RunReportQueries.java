package io.audiencelake.common.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.activation.LiftTables;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.identity.IdMatchMetrics.MetricName;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.quality.QualityResults;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.segments.SegmentTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The run report's questions to the lake tables, as pure transformations: each filters its table to the
 * report's window (partition pruning where the table is partitioned by date) and, where the table holds
 * rows rather than aggregates ({@code quarantine}, {@code feed_files}), aggregates on the executors. What
 * each returns is small: bounded by feeds, reasons, segments, models, jobs and checks times days, and
 * capped where that could still grow (the caller reads one row past the cap to tell that it cut).
 */
public final class RunReportQueries {
    /** Column names of the results that are not the source table's own. */
    public static final String FILES = "files";

    public static final String FAILED_FILES = "failed_files";
    public static final String ROWS = "rows";

    /** The identity numbers the report shows; the rest of id_match_metrics is model internals. */
    public static final List<String> IDENTITY_METRICS = Stream.of(
                    MetricName.IDENTIFIERS,
                    MetricName.PERSONS,
                    MetricName.LARGEST_PERSON,
                    MetricName.OVERSIZED_PERSONS,
                    MetricName.PERSONS_MERGED,
                    MetricName.PERSONS_SPLIT,
                    MetricName.PERSON_SIZE,
                    MetricName.EDGES,
                    MetricName.NOISE_IDENTIFIERS,
                    MetricName.PROPAGATION_ROUNDS,
                    MetricName.PRECISION,
                    MetricName.RECALL,
                    MetricName.F1,
                    MetricName.EXACT_PERSON_SHARE,
                    MetricName.EVALUATED_IDENTIFIERS)
            .map(MetricName::key)
            .toList();

    private RunReportQueries() {}

    private static Column inWindow(String column, ReportWindow window) {
        return col(column).between(lit(Date.valueOf(window.first())), lit(Date.valueOf(window.date())));
    }

    private static Column on(String column, LocalDate date) {
        return col(column).equalTo(lit(Date.valueOf(date)));
    }

    /** feed_files of the window per landing date and feed: files, failed files and the row balance. */
    public static Dataset<Row> feedDays(Dataset<Row> feedFiles, ReportWindow window) {
        return feedFiles
                .where(inWindow(FeedFiles.DT, window))
                .groupBy(FeedFiles.DT, FeedFiles.FEED)
                .agg(
                        count(lit(1)).as(FILES),
                        sum(when(col(FeedFiles.STATUS).equalTo(FeedFiles.FAILED), 1L)
                                        .otherwise(0L))
                                .as(FAILED_FILES),
                        sum(FeedFiles.ROWS_READ).as(FeedFiles.ROWS_READ),
                        sum(FeedFiles.ROWS_KEPT).as(FeedFiles.ROWS_KEPT),
                        sum(FeedFiles.ROWS_DUPLICATE).as(FeedFiles.ROWS_DUPLICATE),
                        sum(FeedFiles.ROWS_QUARANTINED).as(FeedFiles.ROWS_QUARANTINED))
                .orderBy(FeedFiles.DT, FeedFiles.FEED);
    }

    /**
     * The run date's quarantined rows per feed and first reason, most first. One aggregation over the date's
     * partitions of {@code quarantine} (the only large table the report reads); the raw text is never read.
     */
    public static Dataset<Row> quarantineReasons(Dataset<Row> quarantine, LocalDate date, int limit) {
        return quarantine
                .where(on(RawTables.DT, date))
                .groupBy(RawTables.FEED, Quarantine.REASON)
                .agg(count(lit(1)).as(ROWS))
                .orderBy(col(ROWS).desc(), col(RawTables.FEED), col(Quarantine.REASON))
                .limit(limit + 1);
    }

    /** The identity numbers of {@link #IDENTITY_METRICS} for every run date of the window. */
    public static Dataset<Row> identityMetrics(Dataset<Row> metrics, ReportWindow window) {
        return metrics.where(inWindow(IdMatchMetrics.DT, window)
                        .and(col(IdMatchMetrics.METRIC).isin(IDENTITY_METRICS.toArray())))
                .select(IdMatchMetrics.DT, IdMatchMetrics.METRIC, IdMatchMetrics.DIMENSION, IdMatchMetrics.VALUE)
                .orderBy(IdMatchMetrics.DT, IdMatchMetrics.METRIC, IdMatchMetrics.DIMENSION);
    }

    /**
     * segment_stats of the window for the {@code limit} largest segments (by size on the run date, then by
     * their largest size in the window), rule and lookalike alike. One aggregation to rank, one semi-join.
     */
    public static Dataset<Row> segmentDays(Dataset<Row> stats, ReportWindow window, int limit) {
        Dataset<Row> days = stats.where(inWindow(SegmentTables.DT, window));
        Dataset<Row> largest = days.groupBy(SegmentTables.SEGMENT_ID, SegmentTables.SOURCE)
                .agg(
                        max(when(on(SegmentTables.DT, window.date()), col(SegmentTables.SIZE)))
                                .as("on_date"),
                        max(SegmentTables.SIZE).as("peak"))
                .orderBy(col("on_date").desc_nulls_last(), col("peak").desc(), col(SegmentTables.SEGMENT_ID))
                .limit(limit)
                .select(SegmentTables.SEGMENT_ID, SegmentTables.SOURCE);
        // A lake written before control groups has no control_size column: no control members then.
        Column control = List.of(stats.columns()).contains(SegmentTables.CONTROL_SIZE)
                ? col(SegmentTables.CONTROL_SIZE)
                : lit(null).cast("long").as(SegmentTables.CONTROL_SIZE);
        return days.join(largest, new String[] {SegmentTables.SEGMENT_ID, SegmentTables.SOURCE}, "left_semi")
                .select(
                        col(SegmentTables.DT),
                        col(SegmentTables.SEGMENT_ID),
                        col(SegmentTables.NAME),
                        col(SegmentTables.SOURCE),
                        col(SegmentTables.SIZE),
                        col(SegmentTables.ADDS),
                        col(SegmentTables.REMOVES),
                        control)
                .orderBy(SegmentTables.DT, SegmentTables.SEGMENT_ID, SegmentTables.SOURCE);
    }

    /** lift_results of the run date, by experiment and outcome, at most {@code limit} rows. */
    public static Dataset<Row> lift(Dataset<Row> results, ReportWindow window, int limit) {
        return results.where(col(LiftTables.DT).equalTo(lit(Date.valueOf(window.date()))))
                .orderBy(LiftTables.EXPERIMENT, LiftTables.METRIC)
                .limit(limit);
    }

    /** The feed destinations' responses land in (conf/feeds/destination_responses.yaml). */
    public static final String RESPONSES_FEED = "destination_responses";

    public static final String RESPONSE_DESTINATION = "destination_id";
    public static final String RESPONSE_CAMPAIGN = "campaign";
    public static final String RESPONSES = "responses";

    /** Responses in the window per destination, campaign and kind, at most {@code limit} rows. */
    public static Dataset<Row> responses(Dataset<Row> events, ReportWindow window, int limit) {
        return events.where(col(RawTables.FEED).equalTo(lit(RESPONSES_FEED)).and(inWindow(RawTables.DT, window)))
                .groupBy(
                        col(RawEvents.ATTRIBUTES).getItem(RESPONSE_DESTINATION).as(RESPONSE_DESTINATION),
                        col(RawEvents.ATTRIBUTES).getItem(RESPONSE_CAMPAIGN).as(RESPONSE_CAMPAIGN),
                        col(RawEvents.EVENT_TYPE))
                .agg(count(lit(1)).as(RESPONSES))
                .orderBy(RESPONSE_DESTINATION, RESPONSE_CAMPAIGN, RawEvents.EVENT_TYPE)
                .limit(limit);
    }

    /** How many segments (id and source) have stats in the window: what {@link #segmentDays} chose from. */
    public static Dataset<Row> segmentCount(Dataset<Row> stats, ReportWindow window) {
        return stats.where(inWindow(SegmentTables.DT, window))
                .select(SegmentTables.SEGMENT_ID, SegmentTables.SOURCE)
                .distinct()
                .agg(count(lit(1)));
    }

    /**
     * The {@code limit} largest segments of the run date's overlap list: those with their own size row
     * (a = b), which the segments job writes for every listed segment that has members.
     */
    public static Dataset<Row> overlapSegments(Dataset<Row> overlaps, LocalDate date, int limit) {
        return overlaps.where(on(SegmentTables.DT, date)
                        .and(col(SegmentTables.SEGMENT_A).equalTo(col(SegmentTables.SEGMENT_B))))
                .orderBy(col(SegmentTables.PERSONS).desc(), col(SegmentTables.SEGMENT_A))
                .limit(limit)
                .select(SegmentTables.SEGMENT_A);
    }

    /** The run date's overlaps between the given segments. */
    public static Dataset<Row> overlaps(Dataset<Row> overlaps, LocalDate date, List<String> segments) {
        Object[] ids = segments.toArray();
        return overlaps.where(on(SegmentTables.DT, date)
                        .and(col(SegmentTables.SEGMENT_A).isin(ids))
                        .and(col(SegmentTables.SEGMENT_B).isin(ids)))
                .select(SegmentTables.SEGMENT_A, SegmentTables.SEGMENT_B, SegmentTables.PERSONS);
    }

    /** Every model version trained for the run date or before, newest first (the table has one row per version). */
    public static Dataset<Row> modelVersions(Dataset<Row> modelRuns, LocalDate date, int limit) {
        return modelRuns
                .where(col(LookalikeTables.TRAINED_FOR).leq(lit(Date.valueOf(date))))
                .orderBy(
                        col(LookalikeTables.TRAINED_FOR).desc(),
                        col(LookalikeTables.MODEL_ID),
                        col(LookalikeTables.VERSION).desc())
                .limit(limit + 1);
    }

    /** The run date's drift rows, most shifted first. */
    public static Dataset<Row> drift(Dataset<Row> drift, LocalDate date, int limit) {
        return drift.where(on(LookalikeTables.DT, date))
                .orderBy(col(LookalikeTables.PSI).desc(), col(LookalikeTables.MODEL_ID), col(LookalikeTables.FEATURE))
                .limit(limit + 1);
    }

    /** export_log of the window. */
    public static Dataset<Row> exports(Dataset<Row> exportLog, ReportWindow window) {
        return exportLog
                .where(inWindow(ExportTables.DT, window))
                .select(
                        ExportTables.DT,
                        ExportTables.DESTINATION_ID,
                        ExportTables.MODE,
                        ExportTables.ROWS,
                        ExportTables.ADDS,
                        ExportTables.REMOVES,
                        ExportTables.FILES)
                .orderBy(ExportTables.DT, ExportTables.DESTINATION_ID);
    }

    /** Runs of every job for the window's dates, latest first. */
    public static Dataset<Row> jobRuns(Dataset<Row> runs, ReportWindow window, int limit) {
        return runs.where(inWindow(JobRuns.RUN_DATE, window))
                .select(
                        JobRuns.RUN_DATE,
                        JobRuns.JOB,
                        JobRuns.STATUS,
                        JobRuns.STARTED_AT,
                        JobRuns.DURATION_MS,
                        JobRuns.ROWS_IN,
                        JobRuns.ROWS_OUT,
                        JobRuns.ROWS_QUARANTINED,
                        JobRuns.ERROR)
                .orderBy(col(JobRuns.STARTED_AT).desc())
                .limit(limit + 1);
    }

    /** Quality checks of the window's writes, failures first. */
    public static Dataset<Row> quality(Dataset<Row> results, ReportWindow window, int limit) {
        return results.where(inWindow(QualityResults.RUN_DATE, window))
                .select(
                        QualityResults.RUN_DATE,
                        QualityResults.JOB,
                        QualityResults.TABLE_NAME,
                        QualityResults.CHECK_NAME,
                        QualityResults.BLOCKING,
                        QualityResults.PASSED,
                        QualityResults.OBSERVED,
                        QualityResults.CHECKED_AT)
                .orderBy(
                        col(QualityResults.RUN_DATE).desc(),
                        col(QualityResults.PASSED),
                        col(QualityResults.CHECKED_AT).desc())
                .limit(limit + 1);
    }
}
