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
    private static final double PLOT_W = WIDTH - LEFT - RIGHT;
    private static final double PLOT_H = HEIGHT - TOP - BOTTOM;

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
        boolean whole =
                series.stream().allMatch(s -> s.values().stream().allMatch(v -> v == null || v == Math.rint(v)));
        double max = tallest(n, series, stacked);
        double step = Svg.step(max, 4, whole);
        double top = Svg.axisTop(max, step);
        StringBuilder svg = new StringBuilder(Axes.open(WIDTH, HEIGHT, title));
        Axes.yAxis(svg, LEFT, TOP, PLOT_W, PLOT_H, top, step, axis);
        double band = PLOT_W / Math.max(1, n);
        int every = (int) Math.ceil(n / (double) MAX_LABELS);
        int points = 0;
        for (int c = 0; c < n; c++) {
            points += bars(svg, new Column(c, categories.get(c), LEFT + c * band, band, top), series, stacked, unit);
            if (c % every == 0) {
                String label = Svg.shorten(tick.apply(categories.get(c)), (int) Math.max(4, band * every / 7));
                Axes.text(svg, "tick", LEFT + c * band + band / 2, TOP + PLOT_H + 16, "middle", Svg.esc(label));
            }
        }
        svg.append("</svg>\n");
        return new Figure(id, title, caption, svg.toString(), points, legend(series));
    }

    /** The highest stack (or, side by side, the highest bar) over all categories. */
    private static double tallest(int n, List<Series> series, boolean stacked) {
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
        return max;
    }

    /** One category: its index and name, where its band starts and how wide it is, and the axis top. */
    private record Column(int index, String category, double x, double band, double top) {}

    /** The category's bars, one per series with a value; returns how many. */
    private static int bars(StringBuilder svg, Column column, List<Series> series, boolean stacked, String unit) {
        double groupW = column.band() * 0.78;
        double x0 = column.x() + (column.band() - groupW) / 2;
        double base = 0;
        int points = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            Double v = s.values().get(column.index());
            if (v == null || !Double.isFinite(v)) {
                continue;
            }
            double value = Math.max(0, v);
            double h = value / column.top() * PLOT_H;
            double x = stacked ? x0 : x0 + i * groupW / series.size();
            double w = stacked ? groupW : groupW / series.size();
            double y = TOP + PLOT_H - (stacked ? (base + value) / column.top() * PLOT_H : h);
            String tooltip = column.category() + (series.size() > 1 ? " · " + s.name() : "") + ": " + Svg.number(v)
                    + (unit.isEmpty() ? "" : " " + unit);
            Svg.mark(
                    svg,
                    "rect",
                    s.name(),
                    column.category(),
                    v,
                    s.colourAt(i),
                    tooltip,
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
        return points;
    }

    private static List<Figure.LegendEntry> legend(List<Series> series) {
        List<Figure.LegendEntry> legend = new ArrayList<>();
        if (series.size() > 1) {
            for (int i = 0; i < series.size(); i++) {
                legend.add(new Figure.LegendEntry(
                        series.get(i).colourAt(i), series.get(i).name()));
            }
        }
        return legend;
    }
}
