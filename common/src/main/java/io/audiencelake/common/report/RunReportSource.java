package io.audiencelake.common.report;

import io.audiencelake.common.activation.LiftStatistics.Estimate;
import io.audiencelake.common.activation.LiftTables;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.quality.QualityResults;
import io.audiencelake.common.report.RunReport.ExportDay;
import io.audiencelake.common.report.RunReport.FeedDay;
import io.audiencelake.common.report.RunReport.IdentityMetric;
import io.audiencelake.common.report.RunReport.JobRunEntry;
import io.audiencelake.common.report.RunReport.LiftPoint;
import io.audiencelake.common.report.RunReport.LiftReading;
import io.audiencelake.common.report.RunReport.ModelDrift;
import io.audiencelake.common.report.RunReport.ModelVersion;
import io.audiencelake.common.report.RunReport.QualityEntry;
import io.audiencelake.common.report.RunReport.QuarantineReason;
import io.audiencelake.common.report.RunReport.ResponseCount;
import io.audiencelake.common.report.RunReport.SegmentDay;
import io.audiencelake.common.report.RunReport.SegmentOverlap;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.segments.SegmentTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reads a run report's numbers from the lake tables through {@link RunReportQueries}: a table that does
 * not exist yet (a job that never ran here) gives an empty section, not an error. Only the queries'
 * small results reach the driver, each capped; what a cap cut is listed in {@link RunReport#limits()}.
 */
public final class RunReportSource {
    public static final int MAX_QUARANTINE_REASONS = 20;
    public static final int MAX_SEGMENTS = 200;
    /** The heat map's rows and columns: the largest segments of the overlap list on the run date. */
    public static final int MAX_OVERLAP_SEGMENTS = 20;

    public static final int MAX_MODEL_VERSIONS = 200;
    public static final int MAX_DRIFT_ROWS = 30;
    public static final int MAX_JOB_RUNS = 2000;
    /** Lift readings of the run date shown: three outcomes of this many / 3 experiments. */
    public static final int MAX_LIFT_ROWS = 90;
    /** Response counts shown: (destination, campaign, kind) rows. */
    public static final int MAX_RESPONSE_ROWS = 140;

    public static final int MAX_QUALITY_RESULTS = 5000;

    private final LakeTables lake;
    private final List<String> limits = new ArrayList<>();

    public RunReportSource(LakeTables lake) {
        this.lake = lake;
    }

    /** Every section's numbers for the window. */
    public RunReport read(ReportWindow window, String environment, String tableFormat) {
        limits.clear();
        List<FeedDay> feeds = feeds(window);
        List<QuarantineReason> reasons = quarantineReasons(window);
        List<IdentityMetric> identity = identity(window);
        List<SegmentDay> segments = segments(window);
        List<SegmentOverlap> overlaps = overlaps(window);
        List<ModelVersion> models = models(window);
        List<ModelDrift> drift = drift(window);
        List<ExportDay> exports = exports(window);
        List<LiftReading> lift = lift(window);
        List<ResponseCount> responses = responses(window);
        List<JobRunEntry> runs = runs(window);
        List<QualityEntry> quality = quality(window);
        return new RunReport(
                window,
                environment,
                tableFormat,
                Instant.now(),
                feeds,
                reasons,
                identity,
                segments,
                overlaps,
                models,
                drift,
                exports,
                lift,
                responses,
                runs,
                quality,
                limits);
    }

    private List<FeedDay> feeds(ReportWindow window) {
        return rows(
                FeedFiles.SPEC,
                t -> RunReportQueries.feedDays(t, window),
                Integer.MAX_VALUE,
                null,
                r -> new FeedDay(
                        date(r.getAs(FeedFiles.DT)),
                        r.getAs(FeedFiles.FEED),
                        r.<Long>getAs(RunReportQueries.FILES),
                        r.<Long>getAs(RunReportQueries.FAILED_FILES),
                        r.<Long>getAs(FeedFiles.ROWS_READ),
                        r.<Long>getAs(FeedFiles.ROWS_KEPT),
                        r.<Long>getAs(FeedFiles.ROWS_DUPLICATE),
                        r.<Long>getAs(FeedFiles.ROWS_QUARANTINED)));
    }

    private List<QuarantineReason> quarantineReasons(ReportWindow window) {
        return rows(
                Quarantine.SPEC,
                t -> RunReportQueries.quarantineReasons(t, window.date(), MAX_QUARANTINE_REASONS),
                MAX_QUARANTINE_REASONS,
                "quarantine reasons: the " + MAX_QUARANTINE_REASONS + " most frequent are shown",
                r -> new QuarantineReason(
                        r.getAs(RawTables.FEED), r.getAs(Quarantine.REASON), r.<Long>getAs(RunReportQueries.ROWS)));
    }

    private List<IdentityMetric> identity(ReportWindow window) {
        return rows(
                IdMatchMetrics.SPEC,
                t -> RunReportQueries.identityMetrics(t, window),
                Integer.MAX_VALUE,
                null,
                r -> new IdentityMetric(
                        date(r.getAs(IdMatchMetrics.DT)),
                        r.getAs(IdMatchMetrics.METRIC),
                        r.getAs(IdMatchMetrics.DIMENSION),
                        r.<Double>getAs(IdMatchMetrics.VALUE)));
    }

    private List<SegmentDay> segments(ReportWindow window) {
        List<SegmentDay> segments = rows(
                SegmentTables.STATS,
                t -> RunReportQueries.segmentDays(t, window, MAX_SEGMENTS),
                Integer.MAX_VALUE,
                null,
                r -> new SegmentDay(
                        date(r.getAs(SegmentTables.DT)),
                        r.getAs(SegmentTables.SEGMENT_ID),
                        r.getAs(SegmentTables.NAME),
                        r.getAs(SegmentTables.SOURCE),
                        r.<Long>getAs(SegmentTables.SIZE),
                        r.<Long>getAs(SegmentTables.ADDS),
                        r.<Long>getAs(SegmentTables.REMOVES),
                        r.<Long>getAs(SegmentTables.CONTROL_SIZE)));
        if (!segments.isEmpty()) {
            long all = RunReportQueries.segmentCount(lake.read(SegmentTables.STATS), window)
                    .first()
                    .getLong(0);
            if (all > MAX_SEGMENTS) {
                limits.add("segments: the " + MAX_SEGMENTS + " largest of " + all + " are shown");
            }
        }
        return segments;
    }

    private List<ModelVersion> models(ReportWindow window) {
        return rows(
                LookalikeTables.MODEL_RUNS,
                t -> RunReportQueries.modelVersions(t, window.date(), MAX_MODEL_VERSIONS),
                MAX_MODEL_VERSIONS,
                "model versions: the " + MAX_MODEL_VERSIONS + " latest are shown",
                RunReportSource::modelVersion);
    }

    private List<ModelDrift> drift(ReportWindow window) {
        return rows(
                LookalikeTables.DRIFT,
                t -> RunReportQueries.drift(t, window.date(), MAX_DRIFT_ROWS),
                MAX_DRIFT_ROWS,
                "feature drift: the " + MAX_DRIFT_ROWS + " most shifted features are shown",
                r -> new ModelDrift(
                        r.getAs(LookalikeTables.MODEL_ID),
                        r.<Integer>getAs(LookalikeTables.VERSION),
                        date(r.getAs(LookalikeTables.TRAINED_FOR)),
                        r.getAs(LookalikeTables.FEATURE),
                        r.<Double>getAs(LookalikeTables.PSI),
                        r.<Boolean>getAs(LookalikeTables.RETRAINED)));
    }

    /** The overlap heat map of the run date's largest listed segments. */
    private List<SegmentOverlap> overlaps(ReportWindow window) {
        if (!lake.exists(SegmentTables.OVERLAPS)) {
            return List.of();
        }
        List<String> listed = RunReportQueries.overlapSegments(
                        lake.read(SegmentTables.OVERLAPS), window.date(), MAX_OVERLAP_SEGMENTS)
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
        return listed.isEmpty()
                ? List.of()
                : rows(
                        SegmentTables.OVERLAPS,
                        t -> RunReportQueries.overlaps(t, window.date(), listed),
                        Integer.MAX_VALUE,
                        null,
                        r -> new SegmentOverlap(
                                r.getAs(SegmentTables.SEGMENT_A),
                                r.getAs(SegmentTables.SEGMENT_B),
                                r.<Long>getAs(SegmentTables.PERSONS)));
    }

    private List<ExportDay> exports(ReportWindow window) {
        return rows(
                ExportTables.LOG,
                t -> RunReportQueries.exports(t, window),
                Integer.MAX_VALUE,
                null,
                r -> new ExportDay(
                        date(r.getAs(ExportTables.DT)),
                        r.getAs(ExportTables.DESTINATION_ID),
                        r.getAs(ExportTables.MODE),
                        r.<Long>getAs(ExportTables.ROWS),
                        r.<Long>getAs(ExportTables.ADDS),
                        r.<Long>getAs(ExportTables.REMOVES),
                        r.<Integer>getAs(ExportTables.FILES)));
    }

    /** The run date's lift readings, every experiment and outcome (bounded by what is exported). */
    private List<LiftReading> lift(ReportWindow window) {
        return rows(
                LiftTables.RESULTS,
                t -> RunReportQueries.lift(t, window, MAX_LIFT_ROWS + 1),
                MAX_LIFT_ROWS,
                "lift: the first " + MAX_LIFT_ROWS + " readings are shown",
                r -> new LiftReading(
                        r.getAs(LiftTables.EXPERIMENT),
                        r.getAs(LiftTables.METRIC),
                        r.<Long>getAs(LiftTables.TREATED_N),
                        r.<Long>getAs(LiftTables.CONTROL_N),
                        new Estimate(
                                r.<Double>getAs(LiftTables.TREATED_VALUE),
                                r.<Double>getAs(LiftTables.CONTROL_VALUE),
                                r.<Double>getAs(LiftTables.DIFFERENCE),
                                r.<Double>getAs(LiftTables.CI_LOW),
                                r.<Double>getAs(LiftTables.CI_HIGH),
                                r.<Double>getAs(LiftTables.P_VALUE),
                                r.<Double>getAs(LiftTables.MDE))));
    }

    /** Destinations' responses in the window per campaign and kind (bounded: campaigns times a few kinds). */
    private List<ResponseCount> responses(ReportWindow window) {
        return rows(
                RawEvents.SPEC,
                t -> RunReportQueries.responses(t, window, MAX_RESPONSE_ROWS + 1),
                MAX_RESPONSE_ROWS,
                "responses: the first " + MAX_RESPONSE_ROWS + " campaign counts are shown",
                r -> new ResponseCount(
                        r.getAs(RunReportQueries.RESPONSE_DESTINATION),
                        r.getAs(RunReportQueries.RESPONSE_CAMPAIGN),
                        r.getAs(RawEvents.EVENT_TYPE),
                        r.<Long>getAs(RunReportQueries.RESPONSES)));
    }

    private List<JobRunEntry> runs(ReportWindow window) {
        return rows(
                JobRuns.SPEC,
                t -> RunReportQueries.jobRuns(t, window, MAX_JOB_RUNS),
                MAX_JOB_RUNS,
                "job runs: the " + MAX_JOB_RUNS + " latest are shown",
                r -> new JobRunEntry(
                        date(r.getAs(JobRuns.RUN_DATE)),
                        r.getAs(JobRuns.JOB),
                        r.getAs(JobRuns.STATUS),
                        instant(r.getAs(JobRuns.STARTED_AT)),
                        r.<Long>getAs(JobRuns.DURATION_MS),
                        r.<Long>getAs(JobRuns.ROWS_IN),
                        r.<Long>getAs(JobRuns.ROWS_OUT),
                        r.<Long>getAs(JobRuns.ROWS_QUARANTINED),
                        r.getAs(JobRuns.ERROR)));
    }

    private List<QualityEntry> quality(ReportWindow window) {
        return rows(
                QualityResults.SPEC,
                t -> RunReportQueries.quality(t, window, MAX_QUALITY_RESULTS),
                MAX_QUALITY_RESULTS,
                "quality results: the " + MAX_QUALITY_RESULTS + " latest are shown",
                r -> new QualityEntry(
                        date(r.getAs(QualityResults.RUN_DATE)),
                        r.getAs(QualityResults.JOB),
                        r.getAs(QualityResults.TABLE_NAME),
                        r.getAs(QualityResults.CHECK_NAME),
                        r.<Boolean>getAs(QualityResults.BLOCKING),
                        r.<Boolean>getAs(QualityResults.PASSED),
                        r.getAs(QualityResults.OBSERVED),
                        instant(r.getAs(QualityResults.CHECKED_AT))));
    }

    /**
     * The query's rows as records; empty when the table does not exist. Queries that cap return one row past
     * {@code cap}, which is dropped and noted.
     */
    private <T> List<T> rows(
            TableSpec table,
            Function<Dataset<Row>, Dataset<Row>> query,
            int cap,
            String limitNote,
            Function<Row, T> record) {
        if (!lake.exists(table)) {
            return List.of();
        }
        List<Row> rows = query.apply(lake.read(table)).collectAsList();
        if (rows.size() > cap) {
            rows = rows.subList(0, cap);
            limits.add(limitNote);
        }
        return rows.stream().map(record).toList();
    }

    private static ModelVersion modelVersion(Row r) {
        List<LiftPoint> curve = new ArrayList<>();
        int at = r.schema().getFieldIndex(LookalikeTables.LIFT_CURVE).isDefined()
                ? r.fieldIndex(LookalikeTables.LIFT_CURVE)
                : -1;
        if (at >= 0 && !r.isNullAt(at)) {
            for (Row p : r.<Row>getList(at)) {
                if (!p.isNullAt(0) && !p.isNullAt(1)) {
                    curve.add(new LiftPoint(p.getDouble(0), p.getDouble(1)));
                }
            }
        }
        if (curve.isEmpty()) {
            // Versions trained before the curve was kept: the three lifts model_runs always had.
            addLift(curve, 0.01, r.getAs(LookalikeTables.LIFT_1));
            addLift(curve, 0.05, r.getAs(LookalikeTables.LIFT_5));
            addLift(curve, 0.10, r.getAs(LookalikeTables.LIFT_10));
        }
        Map<String, Double> importances = r.getJavaMap(r.fieldIndex(LookalikeTables.IMPORTANCES));
        return new ModelVersion(
                r.getAs(LookalikeTables.MODEL_ID),
                r.<Integer>getAs(LookalikeTables.VERSION),
                date(r.getAs(LookalikeTables.TRAINED_FOR)),
                r.getAs(LookalikeTables.ALGORITHM),
                r.getAs(LookalikeTables.SEED_SEGMENT),
                r.<Long>getAs(LookalikeTables.SEED_SIZE),
                r.getAs(LookalikeTables.AUC),
                r.getAs(LookalikeTables.REACH),
                r.getAs(LookalikeTables.RECALL_AT_REACH),
                r.schema().getFieldIndex(LookalikeTables.RECOMMENDED_REACH).isDefined()
                        ? r.getAs(LookalikeTables.RECOMMENDED_REACH)
                        : null,
                curve,
                importances == null ? Map.of() : importances);
    }

    private static void addLift(List<LiftPoint> curve, double depth, Double lift) {
        if (lift != null) {
            curve.add(new LiftPoint(depth, lift));
        }
    }

    private static LocalDate date(Object value) {
        return value instanceof Date d ? d.toLocalDate() : (LocalDate) value;
    }

    private static Instant instant(Object value) {
        return value instanceof Timestamp t ? t.toInstant() : (Instant) value;
    }
}
