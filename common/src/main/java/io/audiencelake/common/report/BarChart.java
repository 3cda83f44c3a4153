package io.audiencelake.common.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.UnaryOperator;

/** Vertical bars over categories (dates, bands), one bar per series side by side, or stacked. */
final class BarChart {
    private static final double WIDTH = 720;
    private static final double HEIGHT = 260;
    private static final double LEFT = 56;
    private static final double RIGHT = 12;
    private static final double TOP = 12;
    private static final double BOTTOM = 44;
    private static final int MAX_LABELS = 14;

    private BarChart() {}

    /**
     * @param categories as tooltips name them (a date)
     * @param tick a category as the axis shows it (a short date)
     * @param unit how a value reads in a tooltip, e.g. "rows"
     * @param axis how a value reads on the axis
     */
    static Figure render(
            String id,
            String title,
            String caption,
            List<String> categories,
            UnaryOperator<String> tick,
            List<Series> series,
            boolean stacked,
            String unit,
            DoubleFunction<String> axis) {
        int n = categories.size();
        double max = 0;
        for (int c = 0; c < n; c++) {
            double stack = 0;
            for (Series s : series) {
                Double v = s.values().get(c);
                if (v != null && Double.isFinite(v)) {
                    stack = stacked ? stack + Math.max(0, v) : Math.max(stack, v);
                }
            }
            max = Math.max(max, stack);
        }
        boolean whole =
                series.stream().allMatch(s -> s.values().stream().allMatch(v -> v == null || v == Math.rint(v)));
        double step = Svg.step(max, 4, whole);
        double top = Svg.axisTop(max, step);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(open(title));
        Axes.yAxis(svg, LEFT, TOP, plotW, plotH, top, step, axis);
        double band = plotW / Math.max(1, n);
        double groupW = band * 0.78;
        int points = 0;
        int every = (int) Math.ceil(n / (double) MAX_LABELS);
        for (int c = 0; c < n; c++) {
            double x0 = LEFT + c * band + (band - groupW) / 2;
            double base = 0;
            for (int i = 0; i < series.size(); i++) {
                Series s = series.get(i);
                Double v = s.values().get(c);
                if (v == null || !Double.isFinite(v)) {
                    continue;
                }
                double value = Math.max(0, v);
                double h = value / top * plotH;
                double x = stacked ? x0 : x0 + i * groupW / series.size();
                double w = stacked ? groupW : groupW / series.size();
                double y = TOP + plotH - (stacked ? (base + value) / top * plotH : h);
                Svg.mark(
                        svg,
                        "rect",
                        s.name(),
                        categories.get(c),
                        v,
                        s.colourAt(i),
                        categories.get(c) + (series.size() > 1 ? " · " + s.name() : "") + ": " + Svg.number(v)
                                + (unit.isEmpty() ? "" : " " + unit),
                        "x",
                        x,
                        "y",
                        y,
                        "width",
                        Math.max(1, w - 1),
                        "height",
                        h);
                base += value;
                points++;
            }
            if (c % every == 0) {
                svg.append("<text class=\"tick\" x=\"")
                        .append(Svg.px(LEFT + c * band + band / 2))
                        .append("\" y=\"")
                        .append(Svg.px(TOP + plotH + 16))
                        .append("\" text-anchor=\"middle\">")
                        .append(Svg.esc(
                                Svg.shorten(tick.apply(categories.get(c)), (int) Math.max(4, band * every / 7))))
                        .append("</text>\n");
            }
        }
        svg.append("</svg>\n");
        List<Figure.LegendEntry> legend = new ArrayList<>();
        if (series.size() > 1) {
            for (int i = 0; i < series.size(); i++) {
                legend.add(new Figure.LegendEntry(
                        series.get(i).colourAt(i), series.get(i).name()));
            }
        }
        return new Figure(id, title, caption, svg.toString(), points, legend);
    }

    private static String open(String title) {
        return Axes.open(WIDTH, HEIGHT, title);
    }
}
