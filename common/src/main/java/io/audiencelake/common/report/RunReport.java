package io.audiencelake.common.report;

import io.audiencelake.common.activation.LiftStatistics.Estimate;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What a run report shows, as read from the lake tables: small, bounded lists (aggregates of the
 * window, never rows of the large tables), ready to render.
 *
 * @param environment the config's environment name
 * @param tableFormat delta or iceberg
 * @param limits what was cut to keep the page bounded, e.g. "12 more quarantine reasons": said on the page
 */
public record RunReport(
        ReportWindow window,
        String environment,
        String tableFormat,
        Instant generatedAt,
        List<FeedDay> feedDays,
        List<QuarantineReason> quarantineReasons,
        List<IdentityMetric> identityMetrics,
        List<SegmentDay> segmentDays,
        List<SegmentOverlap> overlaps,
        List<ModelVersion> models,
        List<ModelDrift> drift,
        List<ExportDay> exports,
        List<LiftReading> lift,
        List<ResponseCount> responses,
        List<JobRunEntry> jobRuns,
        List<QualityEntry> quality,
        List<String> limits) {

    public RunReport {
        feedDays = List.copyOf(feedDays);
        quarantineReasons = List.copyOf(quarantineReasons);
        identityMetrics = List.copyOf(identityMetrics);
        segmentDays = List.copyOf(segmentDays);
        overlaps = List.copyOf(overlaps);
        models = List.copyOf(models);
        drift = List.copyOf(drift);
        exports = List.copyOf(exports);
        lift = List.copyOf(lift);
        responses = List.copyOf(responses);
        jobRuns = List.copyOf(jobRuns);
        quality = List.copyOf(quality);
        limits = List.copyOf(limits);
    }

    /** What ingest made of one feed's files of one landing date ({@code feed_files}). */
    public record FeedDay(
            LocalDate dt,
            String feed,
            long files,
            long failedFiles,
            long rowsRead,
            long rowsKept,
            long rowsDuplicate,
            long rowsQuarantined) {
        /** Quarantined share of the rows read; 0 when nothing was read. */
        public double quarantineRate() {
            return rowsRead == 0 ? 0 : (double) rowsQuarantined / rowsRead;
        }
    }

    /** Quarantined rows of a feed on the run date by first reason ({@code quarantine}). */
    public record QuarantineReason(String feed, String reason, long rows) {}

    /** One number of an identity run ({@code id_match_metrics}). */
    public record IdentityMetric(LocalDate dt, String metric, String dimension, double value) {}

    /**
     * A segment's size and movement on one date ({@code segment_stats}); {@code control} members are held out of
     * exports (null on rows written before control groups).
     */
    public record SegmentDay(
            LocalDate dt,
            String segmentId,
            String name,
            String source,
            long size,
            long adds,
            long removes,
            Long control) {}

    /**
     * One experiment's outcome on the run date ({@code lift_results}): treated against control, the difference with
     * its confidence interval, p-value and minimum detectable effect.
     */
    public record LiftReading(String experiment, String metric, long treatedN, long controlN, Estimate estimate) {}

    /** Responses a destination sent back for a campaign in the window, of one kind (destination_responses events). */
    public record ResponseCount(String destination, String campaign, String event, long rows) {}

    /** Persons in both of two segments on the run date ({@code segment_overlaps}); a = b is the size. */
    public record SegmentOverlap(String segmentA, String segmentB, long persons) {}

    /** A trained lookalike model version ({@code model_runs}). */
    public record ModelVersion(
            String modelId,
            int version,
            LocalDate trainedFor,
            String algorithm,
            String seedSegment,
            long seedSize,
            Double auc,
            String reach,
            Double recallAtReach,
            Double recommendedReach,
            List<LiftPoint> liftCurve,
            Map<String, Double> importances) {
        public ModelVersion {
            liftCurve = List.copyOf(liftCurve);
            importances = Map.copyOf(importances);
        }
    }

    /**
     * A feature's population stability index on the run date against the training date of the version scoring
     * checked ({@code lookalike_drift}).
     */
    public record ModelDrift(
            String modelId, int version, LocalDate trainedFor, String feature, double psi, boolean retrained) {}

    /** Lift over random at a depth of the ranking (share of the evaluated people). */
    public record LiftPoint(double depth, double lift) {}

    /** One destination's export on one date ({@code export_log}). */
    public record ExportDay(
            LocalDate dt, String destination, String mode, long rows, long adds, long removes, int files) {}

    /** One job run ({@code job_runs}). */
    public record JobRunEntry(
            LocalDate runDate,
            String job,
            String status,
            Instant startedAt,
            long durationMs,
            long rowsIn,
            long rowsOut,
            long rowsQuarantined,
            String error) {}

    /** One quality check of a write ({@code quality_results}). */
    public record QualityEntry(
            LocalDate runDate,
            String job,
            String table,
            String check,
            boolean blocking,
            boolean passed,
            String observed,
            Instant checkedAt) {}
}
