package io.audiencelake.common.report;

import io.audiencelake.common.activation.LiftMetric;
import io.audiencelake.common.activation.LiftStatistics.Estimate;
import io.audiencelake.common.report.RunReport.ExportDay;
import io.audiencelake.common.report.RunReport.LiftReading;
import io.audiencelake.common.report.RunReport.ResponseCount;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** What each destination was sent per date. */
final class ExportsSection {
    private ExportsSection() {}

    static String html(RunReport report) {
        List<ExportDay> exports = report.exports();
        if (exports.isEmpty()) {
            return RunReportPage.section(
                    "exports",
                    "Exports",
                    RunReportPage.empty(
                            "Nothing was exported in this window (export_log has no rows for these dates)."));
        }
        List<String> dates = RunReportPage.dates(report.window());
        List<String> destinations = new ArrayList<>(
                new TreeSet<>(exports.stream().map(ExportDay::destination).toList()));
        List<Series> rows = new ArrayList<>();
        for (String destination : destinations) {
            rows.add(new Series(
                    destination,
                    dates.stream()
                            .map(d -> exports.stream()
                                    .filter(e -> e.destination().equals(destination)
                                            && e.dt().toString().equals(d))
                                    .map(e -> (double) e.rows())
                                    .findFirst()
                                    .orElse(null))
                            .toList()));
        }
        StringBuilder body = new StringBuilder(BarChart.render(
                        "export-rows",
                        "Rows sent per destination",
                        "Data rows in "
                                + "each destination's file drop per export date (export_log.rows): a full drop's audience, or an "
                                + "incremental drop's adds and removes.",
                        dates,
                        RunReportPage::shortDate,
                        rows,
                        true,
                        "rows",
                        Svg::compact)
                .html());
        body.append(dropsOfTheDate(exports, report.window().date()))
                .append(lift(report.lift(), report.window().date()))
                .append(responses(report.responses()));
        return RunReportPage.section("exports", "Exports", body.toString());
    }

    /**
     * What the exports did on the report's date: each experiment's treated and control values, the difference with
     * its interval, and the minimum detectable effect (lift_results; the lift job).
     */
    private static String lift(List<LiftReading> readings, LocalDate date) {
        HtmlTable table = new HtmlTable(
                "lift-on-date",
                "experiment",
                "outcome",
                "treated#",
                "control#",
                "treated value#",
                "control value#",
                "lift#",
                "interval",
                "p#",
                "detectable#");
        for (LiftReading r : readings) {
            Estimate e = r.estimate();
            table.row(
                    r.experiment(),
                    r.metric(),
                    Svg.count(r.treatedN()),
                    Svg.count(r.controlN()),
                    value(r.metric(), e.treated()),
                    value(r.metric(), e.control()),
                    signed(r.metric(), e.difference()),
                    "[" + signed(r.metric(), e.low()) + ", " + signed(r.metric(), e.high()) + "]",
                    String.format(Locale.ROOT, "%.3f", e.pValue()),
                    value(r.metric(), e.minimumDetectable()));
        }
        return "<h3>Lift on " + date + "</h3>\n"
                + (table.isEmpty()
                        ? RunReportPage.empty("No lift was measured for " + date
                                + " (run the lift job after export; segments need a control_group).")
                        : "<p class=\"note\">Treated members against the control group each segment kept out of its "
                                + "exports; rates for visit and conversion, amount per person for revenue.</p>\n"
                                + table.html());
    }

    /** The kinds of response in the order a campaign's funnel runs; others follow by name. */
    private static final List<String> FUNNEL =
            List.of("delivered", "matched", "opened", "clicked", "converted", "unsubscribed", "opted_out");

    /** What destinations reported back in the window, per destination and campaign (destination_responses). */
    private static String responses(List<ResponseCount> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        List<String> kinds = new ArrayList<>(FUNNEL.stream()
                .filter(k -> counts.stream().anyMatch(c -> k.equals(c.event())))
                .toList());
        counts.stream()
                .map(ResponseCount::event)
                .filter(k -> !FUNNEL.contains(k))
                .distinct()
                .sorted()
                .forEach(kinds::add);
        List<String> headers = new ArrayList<>(List.of("destination", "campaign"));
        kinds.forEach(k -> headers.add(k + "#"));
        HtmlTable table = new HtmlTable("responses", headers.toArray(String[]::new));
        Map<List<String>, Map<String, Long>> byCampaign = new TreeMap<>(Comparator.comparing(Object::toString));
        for (ResponseCount c : counts) {
            byCampaign
                    .computeIfAbsent(Arrays.asList(c.destination(), c.campaign()), k -> new HashMap<>())
                    .merge(c.event(), c.rows(), Long::sum);
        }
        byCampaign.forEach((key, n) -> {
            List<String> cells = new ArrayList<>(List.of(String.valueOf(key.get(0)), String.valueOf(key.get(1))));
            kinds.forEach(k -> cells.add(Svg.count(n.getOrDefault(k, 0L))));
            table.row(cells.toArray(String[]::new));
        });
        return "<h3>Responses in the window</h3>\n<p class=\"note\">What destinations sent back (the "
                + "destination_responses feed): an unsubscribe is also a consent record, so its person leaves the "
                + "destination's next export. Only treated people can respond, so these are no lift outcomes.</p>\n"
                + table.html();
    }

    /** Revenue is an amount per person; the other outcomes are shares of people. */
    private static boolean perPerson(String metric) {
        return LiftMetric.REVENUE.label().equals(metric);
    }

    /** A rate as a percentage, an amount per person with two decimals. */
    private static String value(String metric, double v) {
        return perPerson(metric)
                ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    private static String signed(String metric, double v) {
        return perPerson(metric)
                ? String.format(Locale.ROOT, "%+.2f", v)
                : String.format(Locale.ROOT, "%+.2f pt", v * 100);
    }

    /** Each destination's drop of the report's date: mode, files, rows, adds and removes. */
    private static String dropsOfTheDate(List<ExportDay> exports, LocalDate date) {
        HtmlTable table =
                new HtmlTable("exports-on-date", "destination", "mode", "files#", "rows#", "adds#", "removes#");
        exports.stream()
                .filter(e -> e.dt().equals(date))
                .forEach(e -> table.row(
                        e.destination(),
                        e.mode(),
                        Integer.toString(e.files()),
                        Svg.count(e.rows()),
                        Svg.count(e.adds()),
                        Svg.count(e.removes())));
        return "<h3>Drops of " + date + "</h3>\n"
                + (table.isEmpty() ? RunReportPage.empty("No export ran for " + date + ".") : table.html());
    }
}
