package io.audiencelake.common.report;

import io.audiencelake.common.report.RunReport.JobRunEntry;
import io.audiencelake.common.report.RunReport.QualityEntry;
import io.audiencelake.common.runs.JobRuns;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Job runs and their durations, and the data-quality gates in front of the writes. */
final class OperationsSection {
    /** When a run started, in UTC: the day too, since a date's runs may start on later days. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private static final int ERROR_CHARS = 240;

    private OperationsSection() {}

    /** Each job's latest quality result per table and check of the date: a rerun replaces what it checked. */
    static List<QualityEntry> latestChecks(List<QualityEntry> quality, LocalDate date) {
        Map<String, QualityEntry> latest = new LinkedHashMap<>();
        quality.stream()
                .filter(q -> q.runDate().equals(date))
                .sorted(Comparator.comparing(QualityEntry::checkedAt))
                .forEach(q -> latest.put(q.table() + "\u0000" + q.check(), q));
        return latest.values().stream()
                .sorted(Comparator.comparing(QualityEntry::table).thenComparing(QualityEntry::check))
                .toList();
    }

    static String html(RunReport report) {
        LocalDate date = report.window().date();
        StringBuilder body = new StringBuilder();
        List<JobRunEntry> today = report.jobRuns().stream()
                .filter(r -> r.runDate().equals(date))
                .sorted(Comparator.comparing(JobRunEntry::startedAt))
                .toList();
        if (report.jobRuns().isEmpty()) {
            body.append(RunReportPage.empty("No job ran for a date of this window (job_runs has no rows for them)."));
        } else {
            body.append("<div class=\"grid\">\n")
                    .append(
                            today.isEmpty()
                                    ? RunReportPage.empty("No job ran for " + date + ".")
                                    : durations(today, date))
                    .append(timePerDate(report))
                    .append("</div>\n")
                    .append(runs(today, date));
        }
        body.append(quality(report, date));
        return RunReportPage.section("operations", "Operations", body.toString());
    }

    /** Every run for the date as a bar of its seconds, in the order they started; failed ones in red. */
    private static String durations(List<JobRunEntry> today, LocalDate date) {
        List<BarList.Bar> bars = new ArrayList<>();
        for (JobRunEntry r : today) {
            boolean ok = r.status().equals(JobRuns.SUCCEEDED);
            bars.add(new BarList.Bar(
                    r.job() + " · " + TIME.format(r.startedAt()).substring(6),
                    r.durationMs() / 1000.0,
                    null,
                    ok ? Svg.PALETTE.get(0) : Svg.BAD,
                    r.job() + " " + r.status() + " in "
                            + seconds(r.durationMs()) + ": rows in " + Svg.count(r.rowsIn()) + ", out "
                            + Svg.count(r.rowsOut())
                            + ", quarantined " + Svg.count(r.rowsQuarantined())));
        }
        return BarList.render(
                        "job-durations",
                        "Job runs for " + date,
                        "Run time in seconds of every job run "
                                + "for the date, in the order they started (job_runs.duration_ms); failed runs in red.",
                        bars,
                        "seconds",
                        "",
                        List.of(
                                new Figure.LegendEntry(Svg.PALETTE.get(0), "succeeded"),
                                new Figure.LegendEntry(Svg.BAD, "failed")))
                .html();
    }

    /** Minutes per job and data date over the window, reruns and failed runs included, stacked by job. */
    private static String timePerDate(RunReport report) {
        List<String> dates = RunReportPage.dates(report.window());
        List<String> jobs = new ArrayList<>(
                new TreeSet<>(report.jobRuns().stream().map(JobRunEntry::job).toList()));
        List<Series> minutes = new ArrayList<>();
        for (String job : jobs) {
            minutes.add(new Series(
                    job,
                    dates.stream()
                            .map(d -> {
                                double ms = report.jobRuns().stream()
                                        .filter(r -> r.job().equals(job)
                                                && r.runDate().toString().equals(d))
                                        .mapToLong(JobRunEntry::durationMs)
                                        .sum();
                                return ms == 0 ? null : ms / 60000.0;
                            })
                            .toList()));
        }
        return BarChart.render(
                        "job-time",
                        "Run time per date",
                        "Minutes spent by each job on each data date, "
                                + "reruns and failed runs included (job_runs.duration_ms), stacked by job.",
                        dates,
                        RunReportPage::shortDate,
                        minutes,
                        true,
                        "min",
                        Svg::compact)
                .html();
    }

    /** The date's runs as a table with status, start, duration, rows and the error of a failed one. */
    private static String runs(List<JobRunEntry> today, LocalDate date) {
        HtmlTable runs = new HtmlTable(
                "job-runs-on-date",
                "job",
                "status",
                "started (UTC)",
                "duration#",
                "rows in#",
                "rows out#",
                "quarantined#",
                "error");
        for (JobRunEntry r : today) {
            runs.markedRow(
                    r.status().equals(JobRuns.SUCCEEDED) ? null : "failed",
                    r.job(),
                    r.status(),
                    TIME.format(r.startedAt()),
                    seconds(r.durationMs()),
                    Svg.count(r.rowsIn()),
                    Svg.count(r.rowsOut()),
                    Svg.count(r.rowsQuarantined()),
                    r.error() == null ? "" : Svg.shorten(r.error(), ERROR_CHARS));
        }
        return runs.isEmpty() ? "" : "<h3>Runs for " + date + "</h3>\n" + runs.html();
    }

    private static String quality(RunReport report, LocalDate date) {
        List<QualityEntry> checks = latestChecks(report.quality(), date);
        if (checks.isEmpty()) {
            return "<h3>Quality gates</h3>\n"
                    + RunReportPage.empty("No quality check ran for " + date
                            + " (quality_results; the checks are listed in quality.yaml).");
        }
        List<String> tables = new ArrayList<>(
                new TreeSet<>(checks.stream().map(QualityEntry::table).toList()));
        List<Series> outcome = List.of(
                new Series("passed", count(checks, tables, q -> q.passed()), Svg.GOOD),
                new Series("warning", count(checks, tables, q -> !q.passed() && !q.blocking()), Svg.WARN),
                new Series("failed (write stopped)", count(checks, tables, q -> !q.passed() && q.blocking()), Svg.BAD));
        StringBuilder out = new StringBuilder(BarChart.render(
                        "quality-checks",
                        "Quality gates for " + date,
                        "Each "
                                + "checked table's checks on the date's writes, by outcome (quality_results; the latest result of each "
                                + "check). A failed blocking check stops the write: readers keep the previous version.",
                        tables,
                        t -> t,
                        outcome,
                        true,
                        "checks",
                        Svg::compact)
                .html());
        HtmlTable table = new HtmlTable("quality-on-date", "table", "check", "job", "outcome", "observed");
        for (QualityEntry q : checks) {
            String outcomeText = q.passed() ? "passed" : q.blocking() ? "failed: write stopped" : "warning";
            table.markedRow(
                    q.passed() ? null : q.blocking() ? "failed" : "warning",
                    q.table(),
                    q.check(),
                    q.job(),
                    outcomeText,
                    q.observed());
        }
        return out.append(table.html()).toString();
    }

    private static List<Double> count(List<QualityEntry> checks, List<String> tables, Predicate<QualityEntry> outcome) {
        return tables.stream()
                .map(t -> (double) checks.stream()
                        .filter(q -> q.table().equals(t) && outcome.test(q))
                        .count())
                .toList();
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
