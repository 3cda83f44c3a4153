package io.audiencelake.common.report;

import io.audiencelake.common.report.RunReport.FeedDay;
import io.audiencelake.common.report.RunReport.QuarantineReason;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Feed volumes, quarantine rates and reasons: what ingest made of the landing files. */
final class FeedsSection {
    private FeedsSection() {}

    static String html(RunReport report) {
        List<FeedDay> days = report.feedDays();
        if (days.isEmpty()) {
            return RunReportPage.section(
                    "feeds",
                    "Feeds",
                    RunReportPage.empty(
                            "No landing files were ingested in this window (feed_files has no rows for these dates)."));
        }
        List<String> dates = RunReportPage.dates(report.window());
        List<String> feeds =
                new ArrayList<>(new TreeSet<>(days.stream().map(FeedDay::feed).toList()));
        LocalDate date = report.window().date();
        String body = trends(days, dates, feeds)
                + "<h3>Files landed on " + date + "</h3>\n"
                + filesOfTheDate(days, date)
                + reasons(report.quarantineReasons(), feeds, date);
        return RunReportPage.section("feeds", "Feeds", body);
    }

    /** Rows read per feed and date (stacked bars) and each feed's quarantine rate (lines). */
    private static String trends(List<FeedDay> days, List<String> dates, List<String> feeds) {
        List<Series> read = new ArrayList<>();
        List<Series> rates = new ArrayList<>();
        for (String feed : feeds) {
            Map<String, FeedDay> byDate = new LinkedHashMap<>();
            days.stream().filter(d -> d.feed().equals(feed)).forEach(d -> byDate.put(d.dt().toString(), d));
            read.add(new Series(
                    feed,
                    dates.stream()
                            .map(d -> byDate.containsKey(d)
                                    ? (double) byDate.get(d).rowsRead()
                                    : null)
                            .toList()));
            rates.add(new Series(
                    feed,
                    dates.stream()
                            .map(d ->
                                    byDate.containsKey(d) ? 100 * byDate.get(d).quarantineRate() : null)
                            .toList()));
        }
        return "<div class=\"grid\">\n"
                + BarChart.render(
                                "feed-rows",
                                "Rows read per landing date",
                                "Data lines read from each feed's files "
                                        + "per landing date (feed_files.rows_read), stacked by feed.",
                                dates,
                                RunReportPage::shortDate,
                                read,
                                true,
                                "rows",
                                Svg::compact)
                        .html()
                + LineChart.render(
                                "quarantine-rate",
                                "Quarantine rate",
                                "Share of the rows read that were set aside "
                                        + "in quarantine, per feed and landing date (feed_files.rows_quarantined / rows_read).",
                                LineChart.lines(rates),
                                LineChart.categories(dates, RunReportPage::shortDate),
                                null,
                                null,
                                "%",
                                v -> Svg.compact(v) + "%")
                        .html()
                + "</div>\n";
    }

    /** Each feed's files of the date with their balance: read = kept + duplicates + quarantined, or not. */
    private static String filesOfTheDate(List<FeedDay> days, LocalDate date) {
        HtmlTable table = new HtmlTable(
                "feeds-on-date",
                "feed",
                "files#",
                "failed files#",
                "rows read#",
                "kept#",
                "duplicates#",
                "quarantined#",
                "quarantine rate#",
                "balance");
        for (FeedDay d : days) {
            if (d.dt().equals(date)) {
                boolean balanced = d.rowsRead() == d.rowsKept() + d.rowsDuplicate() + d.rowsQuarantined();
                table.markedRow(
                        d.failedFiles() > 0 || !balanced ? "failed" : null,
                        d.feed(),
                        Svg.count(d.files()),
                        Svg.count(d.failedFiles()),
                        Svg.count(d.rowsRead()),
                        Svg.count(d.rowsKept()),
                        Svg.count(d.rowsDuplicate()),
                        Svg.count(d.rowsQuarantined()),
                        Svg.percent(d.quarantineRate()),
                        balanced
                                ? "read = kept + duplicates + quarantined"
                                : "rows missing: read ≠ kept + duplicates + quarantined");
            }
        }
        return table.isEmpty() ? RunReportPage.empty("No files landed on " + date + ".") : table.html();
    }

    /** The date's quarantined rows per feed and first reason, as bars. */
    private static String reasons(List<QuarantineReason> reasons, List<String> feeds, LocalDate date) {
        if (reasons.isEmpty()) {
            return RunReportPage.empty("Nothing was quarantined on " + date + ".");
        }
        List<BarList.Bar> bars = new ArrayList<>();
        for (QuarantineReason r : reasons) {
            bars.add(new BarList.Bar(
                    r.feed() + " · " + r.reason(),
                    r.rows(),
                    null,
                    Svg.colour(Math.max(0, feeds.indexOf(r.feed()))),
                    r.feed() + " · " + r.reason() + ": " + Svg.count(r.rows()) + " rows"));
        }
        return BarList.render(
                        "quarantine-reasons",
                        "Quarantine reasons on " + date,
                        "Quarantined rows of the "
                                + "date per feed and first reason (quarantine.reason); the rows themselves, masked, are in the quarantine "
                                + "table.",
                        bars,
                        "rows",
                        "",
                        List.of())
                .html();
    }
}
