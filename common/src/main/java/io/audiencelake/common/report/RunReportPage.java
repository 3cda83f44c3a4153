package io.audiencelake.common.report;

import io.audiencelake.common.identity.IdMatchMetrics.MetricName;
import io.audiencelake.common.report.RunReport.FeedDay;
import io.audiencelake.common.report.RunReport.JobRunEntry;
import io.audiencelake.common.report.RunReport.QualityEntry;
import io.audiencelake.common.report.RunReport.SegmentDay;
import io.audiencelake.common.runs.JobRuns;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run report as one self-contained HTML page: inline CSS and SVG charts, no script and nothing to
 * fetch (its Content-Security-Policy forbids both), so it opens from a file, a mail attachment or an
 * object store, offline. Every number comes from the {@link RunReport}; every text is escaped.
 */
public final class RunReportPage {
    private static final DateTimeFormatter GENERATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private RunReportPage() {}

    /** The page for {@code report}. */
    public static String html(RunReport report) {
        LocalDate date = report.window().date();
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append(head(date))
                .append("<body>\n<header>\n<h1>Run report · ")
                .append(date)
                .append("</h1>\n<p class=\"meta\">")
                .append("environment <b>")
                .append(Svg.esc(report.environment()))
                .append("</b> · ")
                .append(Svg.esc(report.tableFormat()))
                .append(" tables · trends over ")
                .append(report.window().days())
                .append(report.window().days() == 1 ? " day" : " days")
                .append(" (")
                .append(report.window().first())
                .append(" to ")
                .append(date)
                .append(") · generated ")
                .append(GENERATED.format(report.generatedAt()))
                .append("</p>\n")
                .append(status(report))
                .append(summary(report))
                .append(
                        "<nav><a href=\"#feeds\">Feeds</a><a href=\"#identity\">Identity</a><a href=\"#segments\">Segments</a>")
                .append("<a href=\"#lookalike\">Lookalike</a><a href=\"#exports\">Exports</a>")
                .append("<a href=\"#operations\">Operations</a></nav>\n</header>\n<main>\n")
                .append(FeedsSection.html(report))
                .append(IdentitySection.html(report))
                .append(SegmentsSection.html(report))
                .append(LookalikeSection.html(report))
                .append(ExportsSection.html(report))
                .append(OperationsSection.html(report));
        if (!report.limits().isEmpty()) {
            out.append("<section id=\"limits\"><h2>Left out</h2><ul>");
            report.limits().forEach(l -> out.append("<li>").append(Svg.esc(l)).append("</li>"));
            out.append("</ul></section>\n");
        }
        out.append(
                        "</main>\n<footer>Numbers from the lake tables feed_files, quarantine, id_match_metrics, segment_stats, ")
                .append(
                        "segment_overlaps, model_runs, export_log, lift_results, job_runs and quality_results; query them with ")
                .append("scripts/sql for more.</footer>\n</body>\n</html>\n");
        return out.toString();
    }

    /** The document head: a content policy that allows nothing but inline styles and data images, and the CSS. */
    private static String head(LocalDate date) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                + "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>audiencelake run report " + date + "</title>\n<style>\n" + CSS + "</style>\n</head>\n";
    }

    /**
     * The one line people read first: whether each job's latest run for the date succeeded (a failed run that
     * a rerun mended counts as mended) and whether a blocking quality check stopped a write.
     */
    private static String status(RunReport report) {
        LocalDate date = report.window().date();
        List<JobRunEntry> runs =
                report.jobRuns().stream().filter(r -> r.runDate().equals(date)).toList();
        if (runs.isEmpty()) {
            return "<p class=\"status muted\">No job ran for " + date + ".</p>\n";
        }
        Map<String, JobRunEntry> latest = new TreeMap<>();
        runs.forEach(r -> latest.merge(r.job(), r, (a, b) -> a.startedAt().isAfter(b.startedAt()) ? a : b));
        long failed = latest.values().stream()
                .filter(r -> !r.status().equals(JobRuns.SUCCEEDED))
                .count();
        long mended =
                runs.stream().filter(r -> !r.status().equals(JobRuns.SUCCEEDED)).count() - failed;
        List<QualityEntry> checks = OperationsSection.latestChecks(report.quality(), date);
        long stopped = checks.stream().filter(q -> !q.passed() && q.blocking()).count();
        long warnings =
                checks.stream().filter(q -> !q.passed() && !q.blocking()).count();
        String jobs = plural(latest.size(), "job");
        if (failed == 0 && stopped == 0) {
            return "<p class=\"status ok\">" + (latest.size() == 1 ? "The job" : "All " + jobs) + " for " + date
                    + " succeeded" + (mended == 0 ? "" : " (" + plural(mended, "failed run") + " rerun)")
                    + (warnings == 0 ? "" : "; " + plural(warnings, "quality warning")) + ".</p>\n";
        }
        return "<p class=\"status bad\">" + failed + " of " + jobs + " for " + date + " failed"
                + (stopped == 0 ? "" : "; " + plural(stopped, "blocking quality check") + " stopped a write")
                + ". See <a href=\"#operations\">Operations</a>.</p>\n";
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String summary(RunReport report) {
        LocalDate date = report.window().date();
        StringBuilder out = new StringBuilder("<div class=\"tiles\">\n");
        List<FeedDay> feeds =
                report.feedDays().stream().filter(f -> f.dt().equals(date)).toList();
        long read = feeds.stream().mapToLong(FeedDay::rowsRead).sum();
        long quarantined = feeds.stream().mapToLong(FeedDay::rowsQuarantined).sum();
        out.append(tile(Svg.count(feeds.stream().mapToLong(FeedDay::rowsKept).sum()), "rows ingested"))
                .append(tile(Svg.percent(read == 0 ? 0 : (double) quarantined / read), "quarantined"));
        IdentitySection.latest(report.identityMetrics())
                .flatMap(d -> IdentitySection.value(report.identityMetrics(), d, MetricName.PERSONS, ""))
                .ifPresent(p -> out.append(tile(Svg.number(p), "persons")));
        List<SegmentDay> segments =
                report.segmentDays().stream().filter(s -> s.dt().equals(date)).toList();
        out.append(tile(Svg.count(segments.size()), "segments"))
                .append(tile(Svg.count(LookalikeSection.latest(report.models()).size()), "lookalike models"))
                .append(tile(
                        Svg.count(report.exports().stream()
                                .filter(e -> e.dt().equals(date))
                                .mapToLong(RunReport.ExportDay::rows)
                                .sum()),
                        "rows exported"));
        return out.append("</div>\n").toString();
    }

    static String section(String id, String title, String body) {
        return "<section id=\"" + Svg.esc(id) + "\">\n<h2>" + Svg.esc(title) + "</h2>\n" + body + "</section>\n";
    }

    /** A section's or chart's place when there is nothing to draw. */
    static String empty(String message) {
        return "<p class=\"empty\">" + Svg.esc(message) + "</p>\n";
    }

    static String note(String message) {
        return "<p class=\"note\">" + Svg.esc(message) + "</p>\n";
    }

    static String tile(String value, String label) {
        return "<div class=\"tile\"><span class=\"value\">" + Svg.esc(value) + "</span>\n<span class=\"label\">"
                + Svg.esc(label) + "</span></div>\n";
    }

    /** The window's dates as ISO strings, oldest first: the categories of every trend chart. */
    static List<String> dates(ReportWindow window) {
        return window.dates().stream().map(LocalDate::toString).toList();
    }

    /** 2026-11-21 as 11-21 on an axis. */
    static String shortDate(String isoDate) {
        return isoDate.length() == 10 ? isoDate.substring(5) : isoDate;
    }

    private static final String CSS = """
      :root { --ink: #1f2933; --muted: #627d98; --line: #d9e2ec; --panel: #ffffff; --page: #f5f7fa; }
      * { box-sizing: border-box; }
      body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
        color: var(--ink); background: var(--page); }
      header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 20px; }
      header { padding-top: 20px; }
      h1 { font-size: 24px; margin: 0 0 4px; }
      h2 { font-size: 19px; margin: 0 0 12px; padding-top: 8px; }
      h3 { font-size: 14px; margin: 14px 0 6px; }
      .meta { color: var(--muted); margin: 0 0 12px; }
      .status { padding: 8px 12px; border-radius: 6px; margin: 0 0 12px; font-weight: 600; }
      .status.ok { background: #e3f9e5; color: #05400a; }
      .status.bad { background: #ffe3e3; color: #610404; }
      .status.muted { background: #eef2f7; color: var(--muted); }
      nav { display: flex; gap: 16px; margin: 8px 0 16px; }
      nav a, .status a { color: #2f5f8f; }
      section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px;
        margin: 0 0 18px; }
      .tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 12px; }
      .tile { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px;
        min-width: 130px; }
      section .tile { background: var(--page); }
      .tile .value { display: block; font-size: 20px; font-weight: 650; }
      .tile .label { color: var(--muted); font-size: 12px; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px 22px; }
      figure.chart { margin: 0 0 10px; }
      figure.chart svg { width: 100%; height: auto; display: block; }
      figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
      .legend { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px;
        font-size: 12px; }
      .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
      svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; fill: #52606d; }
      svg text.cell { font-size: 11px; fill: #1f2933; }
      svg text.cell.dark { fill: #ffffff; }
      svg .grid { stroke: #e4e7eb; stroke-width: 1; }
      svg .axis { stroke: #9aa5b1; stroke-width: 1; }
      svg .reference { stroke: #7b8794; stroke-width: 1.2; stroke-dasharray: 5 4; }
      svg .line { stroke-width: 2; }
      svg .mark:hover { opacity: 0.75; }
      .table-wrap { overflow-x: auto; }
      table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 4px 0 10px; }
      th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
      th { color: var(--muted); font-weight: 600; }
      .num { text-align: right; font-variant-numeric: tabular-nums; }
      tr.failed td { background: #fff1f1; }
      tr.warning td { background: #fffbea; }
      .empty, .note { color: var(--muted); font-style: italic; }
      footer { color: var(--muted); font-size: 12px; padding-bottom: 24px; }
      @media print { body { background: #fff; } section { break-inside: avoid; } }
      """;
}
