package io.audiencelake.common.report;

import io.audiencelake.common.identity.IdMatchMetrics.MetricName;
import io.audiencelake.common.report.RunReport.IdentityMetric;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The identity graph: persons by number of identifiers, growth, merges, and match quality against truth. */
final class IdentitySection {
    /** The bands of id_match_metrics' person_size, smallest first. */
    static final List<String> SIZE_BANDS = List.of("1", "2", "3-5", "6-10", "11-20", "21-50", "51-100", "over 100");

    private IdentitySection() {}

    static Optional<Double> value(List<IdentityMetric> metrics, LocalDate date, MetricName metric, String dimension) {
        return metrics.stream()
                .filter(m -> m.dt().equals(date)
                        && m.metric().equals(metric.key())
                        && m.dimension().equals(dimension))
                .map(IdentityMetric::value)
                .findFirst();
    }

    /** The latest identity run date of the window, if any. */
    static Optional<LocalDate> latest(List<IdentityMetric> metrics) {
        return metrics.stream()
                .filter(m -> m.metric().equals(MetricName.PERSONS.key()))
                .map(IdentityMetric::dt)
                .max(LocalDate::compareTo);
    }

    static String html(RunReport report) {
        List<IdentityMetric> metrics = report.identityMetrics();
        Optional<LocalDate> latest = latest(metrics);
        if (latest.isEmpty()) {
            return RunReportPage.section(
                    "identity",
                    "Identity",
                    RunReportPage.empty(
                            "No identity run in this window (id_match_metrics has no rows for these dates)."));
        }
        LocalDate date = latest.get();
        StringBuilder body = new StringBuilder();
        if (!date.equals(report.window().date())) {
            body.append(RunReportPage.note("Identity did not run on "
                    + report.window().date() + "; its latest run in the " + "window, " + date + ", is shown."));
        }
        body.append(tiles(metrics, date)).append("<div class=\"grid\">\n").append(sizes(metrics, date));
        List<String> dates = RunReportPage.dates(report.window());
        body.append(growth(metrics, dates));
        body.append(quality(metrics, dates));
        return RunReportPage.section("identity", "Identity", body.toString());
    }

    /** The latest run's headline numbers as tiles. */
    private static String tiles(List<IdentityMetric> metrics, LocalDate date) {
        StringBuilder body = new StringBuilder("<div class=\"tiles\">\n");
        Map<MetricName, String> tiles = new LinkedHashMap<>();
        tiles.put(MetricName.PERSONS, "persons");
        tiles.put(MetricName.IDENTIFIERS, "identifiers");
        tiles.put(MetricName.LARGEST_PERSON, "identifiers in the largest person");
        tiles.put(MetricName.OVERSIZED_PERSONS, "oversized persons");
        tiles.put(MetricName.PERSONS_MERGED, "persons merged since the last run");
        tiles.put(MetricName.PERSONS_SPLIT, "persons split");
        tiles.forEach((metric, label) ->
                value(metrics, date, metric, "").ifPresent(v -> body.append(RunReportPage.tile(Svg.number(v), label))));
        return body.append("</div>\n").toString();
    }

    /** Persons per size band of the latest run. */
    private static String sizes(List<IdentityMetric> metrics, LocalDate date) {
        List<Double> sizes = new ArrayList<>();
        for (String band : SIZE_BANDS) {
            sizes.add(value(metrics, date, MetricName.PERSON_SIZE, band).orElse(0.0));
        }
        return BarChart.render(
                        "person-sizes",
                        "Persons by number of identifiers on " + date,
                        "How many identifiers "
                                + "(cookies, devices, emails, ids) each person of the identity graph has (id_match_metrics.person_size). "
                                + "A long tail of large persons is a sign of over-merging.",
                        SIZE_BANDS,
                        b -> b,
                        List.of(new Series("persons", sizes)),
                        false,
                        "persons",
                        Svg::compact)
                .html();
    }

    /** Persons and identifiers per run date over the window. */
    private static String growth(List<IdentityMetric> metrics, List<String> dates) {
        List<Series> growth = new ArrayList<>();
        for (MetricName metric : List.of(MetricName.PERSONS, MetricName.IDENTIFIERS)) {
            growth.add(new Series(
                    metric.key(),
                    dates.stream()
                            .map(d -> value(metrics, LocalDate.parse(d), metric, "")
                                    .orElse(null))
                            .toList()));
        }
        return LineChart.render(
                        "identity-growth",
                        "Persons and identifiers",
                        "Size of the identity graph per run " + "date (id_match_metrics).",
                        LineChart.lines(growth),
                        LineChart.categories(dates, RunReportPage::shortDate),
                        null,
                        null,
                        "",
                        Svg::compact)
                .html();
    }

    /** Pairwise precision, recall and F1 of the runs scored against ground truth; closes the grid. */
    private static String quality(List<IdentityMetric> metrics, List<String> dates) {
        List<String> evaluated = dates.stream()
                .filter(d -> value(metrics, LocalDate.parse(d), MetricName.F1, "pairwise")
                        .isPresent())
                .toList();
        if (evaluated.isEmpty()) {
            return "</div>\n"
                    + RunReportPage.empty("No identity run in this window was scored against ground "
                            + "truth: precision, recall and F1 appear here for runs of identity --evaluate PATH.");
        }
        List<Series> quality = new ArrayList<>();
        for (MetricName metric : List.of(MetricName.PRECISION, MetricName.RECALL, MetricName.F1)) {
            quality.add(new Series(
                    metric == MetricName.F1 ? "F1" : metric.key(),
                    evaluated.stream()
                            .map(d -> value(metrics, LocalDate.parse(d), metric, "pairwise")
                                    .orElse(null))
                            .toList()));
        }
        return BarChart.render(
                                "match-quality",
                                "Match quality against ground truth",
                                "Pairwise precision, recall "
                                        + "and F1 of the identity graph against the ground truth given to identity --evaluate "
                                        + "(id_match_metrics).",
                                evaluated,
                                RunReportPage::shortDate,
                                quality,
                                false,
                                "",
                                Svg::compact)
                        .html()
                + "</div>\n";
    }
}
