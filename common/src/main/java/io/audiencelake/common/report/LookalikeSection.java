package io.audiencelake.common.report;

import io.audiencelake.common.lookalike.FeatureDrift;
import io.audiencelake.common.report.RunReport.LiftPoint;
import io.audiencelake.common.report.RunReport.ModelDrift;
import io.audiencelake.common.report.RunReport.ModelVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lookalike models: the lift curve and AUC of each model's latest version, every version's numbers with the reach
 * its curve recommends, and how far the run date's population drifted from each scored version's training date.
 */
final class LookalikeSection {
    static final int VERSION_ROWS = 50;

    private LookalikeSection() {}

    /** Each model's newest version trained for the run date or before, by model id. */
    static List<ModelVersion> latest(List<ModelVersion> versions) {
        Map<String, ModelVersion> out = new LinkedHashMap<>();
        versions.stream()
                .sorted(Comparator.comparing(ModelVersion::modelId))
                .forEach(v -> out.merge(v.modelId(), v, (a, b) -> a.version() >= b.version() ? a : b));
        return List.copyOf(out.values());
    }

    static String html(RunReport report) {
        List<ModelVersion> latest = latest(report.models());
        if (latest.isEmpty()) {
            return RunReportPage.section(
                    "lookalike",
                    "Lookalike models",
                    RunReportPage.empty("No lookalike model was trained for "
                            + report.window().date() + " or before (model_runs is empty)."));
        }
        String body = "<div class=\"grid\">\n" + liftCurves(latest) + qualityBars(latest) + "</div>\n"
                + "<h3>Model versions</h3>\n" + versionTable(report.models())
                + "<h3>Feature drift on " + report.window().date() + "</h3>\n" + driftTable(report);
        return RunReportPage.section("lookalike", "Lookalike models", body);
    }

    /** The lift curve of each model's latest version. */
    private static String liftCurves(List<ModelVersion> latest) {
        List<LineChart.Line> lines = new ArrayList<>();
        for (int i = 0; i < latest.size(); i++) {
            ModelVersion m = latest.get(i);
            List<double[]> points = new ArrayList<>();
            for (LiftPoint p : m.liftCurve()) {
                if (Double.isFinite(p.lift())) {
                    points.add(new double[] {p.depth(), p.lift()});
                }
            }
            lines.add(new LineChart.Line(m.modelId() + " v" + m.version(), points, Svg.colour(i)));
        }
        List<Double> ticks = List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
        return LineChart.render(
                        "lift-curves",
                        "Lift curves",
                        "Lift over random at each depth of the ranking: the "
                                + "rate of held-out seed members among the top x% of evaluated people over their overall rate "
                                + "(model_runs.lift_curve). The dashed line is a random ranking (lift 1).",
                        lines,
                        new LineChart.XAxis(
                                0, 1, ticks, Svg::percent, d -> String.format(Locale.ROOT, "%.0f%%", 100 * d)),
                        null,
                        1.0,
                        "× random",
                        Svg::compact)
                .html();
    }

    /** AUC and recall at reach of each model's latest version. */
    private static String qualityBars(List<ModelVersion> latest) {
        List<String> ids =
                latest.stream().map(m -> m.modelId() + " v" + m.version()).toList();
        List<Series> quality = List.of(
                new Series("AUC", latest.stream().map(m -> m.auc()).toList()),
                new Series(
                        "recall at reach",
                        latest.stream().map(m -> m.recallAtReach()).toList()));
        return BarChart.render(
                        "model-auc",
                        "AUC and recall at reach",
                        "Area under the ROC curve and the share of "
                                + "held-out seed members within the model's reach, per model's latest version (model_runs.auc, "
                                + "recall_at_reach). Both are lower bounds: unlabelled people like the seed count as misses.",
                        ids,
                        s -> s,
                        quality,
                        false,
                        "",
                        Svg::compact)
                .html();
    }

    /** Every version's numbers, newest first per model, at most {@link #VERSION_ROWS}. */
    private static String versionTable(List<ModelVersion> versions) {
        HtmlTable table = new HtmlTable(
                "model-versions",
                "model",
                "version#",
                "trained for",
                "algorithm",
                "seed",
                "seed size#",
                "AUC#",
                "reach",
                "recall at reach#",
                "lift at 1%#",
                "lift at 10%#",
                "recommended reach#",
                "top features");
        versions.stream()
                .sorted(Comparator.comparing(ModelVersion::modelId)
                        .thenComparing(
                                Comparator.comparingInt(ModelVersion::version).reversed()))
                .limit(VERSION_ROWS)
                .forEach(m -> table.row(
                        m.modelId(),
                        Integer.toString(m.version()),
                        m.trainedFor().toString(),
                        m.algorithm(),
                        m.seedSegment(),
                        Svg.count(m.seedSize()),
                        value(m.auc()),
                        m.reach(),
                        value(m.recallAtReach()),
                        lift(m, 0.01),
                        lift(m, 0.10),
                        m.recommendedReach() == null
                                ? "–"
                                : String.format(Locale.ROOT, "%.1f%%", 100 * m.recommendedReach()),
                        topFeatures(m)));
        return table.html();
    }

    /** The run date's population stability index per feature of each scored version, most shifted first. */
    private static String driftTable(RunReport report) {
        if (report.drift().isEmpty()) {
            return RunReportPage.empty(
                    "No scoring run measured drift on " + report.window().date()
                            + " (lookalike_drift): versions trained for the date, or trained before drift was kept.");
        }
        HtmlTable table = new HtmlTable(
                "model-drift", "model", "version#", "trained for", "feature", "PSI#", "reading", "retrained");
        for (ModelDrift d : report.drift()) {
            table.row(
                    d.modelId(),
                    Integer.toString(d.version()),
                    d.trainedFor().toString(),
                    d.feature(),
                    String.format(Locale.ROOT, "%.3f", d.psi()),
                    d.psi() > FeatureDrift.WARNING
                            ? "shifted"
                            : d.psi() > FeatureDrift.NOTICE ? "some shift" : "stable",
                    d.retrained() ? "yes" : "no");
        }
        return table.html();
    }

    private static String value(Double v) {
        return v == null || !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String lift(ModelVersion m, double depth) {
        return m.liftCurve().stream()
                .filter(p -> Math.abs(p.depth() - depth) < 1e-9 && Double.isFinite(p.lift()))
                .findFirst()
                .map(p -> String.format(Locale.ROOT, "%.2f", p.lift()))
                .orElse("–");
    }

    private static String topFeatures(ModelVersion m) {
        return String.join(
                ", ",
                m.importances().entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue()
                                .reversed()
                                .thenComparing(Map.Entry.comparingByKey()))
                        .limit(3)
                        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f", e.getValue()))
                        .toList());
    }
}
