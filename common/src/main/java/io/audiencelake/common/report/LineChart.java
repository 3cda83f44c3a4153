package io.audiencelake.common.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.UnaryOperator;

/** Lines with a marker at every point, over dates or over a numeric axis (a lift curve's depth). */
final class LineChart {
    private static final double WIDTH = 720;
    private static final double HEIGHT = 260;
    private static final double LEFT = 56;
    // Room for half of the last x label, which is centred on the right edge of the plot.
    private static final double RIGHT = 30;
    private static final double TOP = 12;
    private static final double BOTTOM = 44;
    private static final double PLOT_W = WIDTH - LEFT - RIGHT;
    private static final double PLOT_H = HEIGHT - TOP - BOTTOM;

    private LineChart() {}

    /**
     * One line: its points (x, y) in x order.
     *
     * @param maxStep consecutive points further apart than this are not joined (a day without a value)
     */
    record Line(String name, List<double[]> points, String colour, double maxStep) {
        Line {
            points = List.copyOf(points);
        }

        Line(String name, List<double[]> points, String colour) {
            this(name, points, colour, Double.POSITIVE_INFINITY);
        }
    }

    /** The horizontal axis: its range, where ticks go, how an x value reads in a tooltip and on the axis. */
    record XAxis(
            double min, double max, List<Double> ticks, DoubleFunction<String> label, DoubleFunction<String> tick) {}

    /** An axis of the categories 0 .. n-1 (dates), labelled by them ({@code tick} shortens), at most 14 labels. */
    static XAxis categories(List<String> categories, UnaryOperator<String> tick) {
        int n = categories.size();
        int every = (int) Math.ceil(n / 14.0);
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; i < n; i += every) {
            ticks.add((double) i);
        }
        DoubleFunction<String> label = x -> {
            int i = (int) Math.round(x);
            return i >= 0 && i < n ? categories.get(i) : "";
        };
        return new XAxis(0, n - 1, ticks, label, x -> tick.apply(label.apply(x)));
    }

    /** Lines over {@code categories}, one per series, broken where a series has no value. */
    static List<Line> lines(List<Series> series) {
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            List<double[]> points = new ArrayList<>();
            for (int c = 0; c < s.values().size(); c++) {
                Double v = s.values().get(c);
                if (v != null && Double.isFinite(v)) {
                    points.add(new double[] {c, v});
                }
            }
            out.add(new Line(s.name(), points, s.colourAt(i), 1));
        }
        return out;
    }

    /**
     * @param yMax the top of the value axis, or null for a round number above the largest value
     * @param reference a dashed horizontal line (lift 1, AUC 0.5), or null
     */
    static Figure render(
            String id,
            String title,
            String caption,
            List<Line> lines,
            XAxis x,
            Double yMax,
            Double reference,
            String unit,
            DoubleFunction<String> yLabel) {
        double max = reference == null ? 0 : reference;
        for (Line l : lines) {
            for (double[] p : l.points()) {
                max = Math.max(max, p[1]);
            }
        }
        boolean whole = lines.stream().allMatch(l -> l.points().stream().allMatch(p -> p[1] == Math.rint(p[1])));
        double step = Svg.step(yMax != null ? yMax : max, 4, whole && yMax == null);
        Scale scale = new Scale(x, yMax != null ? yMax : Svg.axisTop(max, step));
        StringBuilder svg = new StringBuilder(Axes.open(WIDTH, HEIGHT, title));
        Axes.yAxis(svg, LEFT, TOP, PLOT_W, PLOT_H, scale.top(), step, yLabel);
        for (double t : x.ticks()) {
            Axes.text(
                    svg,
                    "tick",
                    scale.x(t),
                    TOP + PLOT_H + 16,
                    "middle",
                    Svg.esc(x.tick().apply(t)));
        }
        if (reference != null) {
            Axes.line(svg, "reference", LEFT, LEFT + PLOT_W, scale.y(reference), scale.y(reference));
        }
        int points = 0;
        List<Figure.LegendEntry> legend = new ArrayList<>();
        for (Line l : lines) {
            if (!l.points().isEmpty()) {
                points += line(svg, l, scale, unit);
                legend.add(new Figure.LegendEntry(l.colour(), l.name()));
            }
        }
        svg.append("</svg>\n");
        return new Figure(id, title, caption, svg.toString(), points, lines.size() > 1 ? legend : List.of());
    }

    /** Where an (x, y) value lands in the plot; y values above {@code top} are drawn at the top. */
    private record Scale(XAxis axis, double top) {
        double x(double v) {
            double span = axis.max() - axis.min();
            return span == 0 ? LEFT + PLOT_W / 2 : LEFT + (v - axis.min()) / span * PLOT_W;
        }

        double y(double v) {
            return TOP + PLOT_H - Math.min(v, top) / top * PLOT_H;
        }
    }

    /** The line's path, broken at gaps wider than its {@code maxStep}, and a marker per point; returns how many. */
    private static int line(StringBuilder svg, Line l, Scale scale, String unit) {
        StringBuilder d = new StringBuilder();
        double lastX = Double.NaN;
        for (double[] p : l.points()) {
            boolean gap = !Double.isNaN(lastX) && p[0] - lastX > l.maxStep() + 1e-9;
            d.append(d.length() == 0 || gap ? "M" : "L")
                    .append(Svg.px(scale.x(p[0])))
                    .append(",")
                    .append(Svg.px(scale.y(p[1])))
                    .append(' ');
            lastX = p[0];
        }
        svg.append("<path class=\"line\" fill=\"none\" stroke=\"")
                .append(l.colour())
                .append("\" d=\"")
                .append(d.toString().trim())
                .append("\"/>\n");
        for (double[] p : l.points()) {
            String at = scale.axis().label().apply(p[0]);
            String tooltip = l.name() + " · " + at + ": " + Svg.number(p[1]) + (unit.isEmpty() ? "" : " " + unit);
            Svg.mark(
                    svg,
                    "circle",
                    l.name(),
                    at,
                    p[1],
                    l.colour(),
                    tooltip,
                    "cx",
                    scale.x(p[0]),
                    "cy",
                    scale.y(p[1]),
                    "r",
                    3.5);
        }
        return l.points().size();
    }
}
