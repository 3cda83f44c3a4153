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
        double top = yMax != null ? yMax : Svg.axisTop(max, step);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double span = x.max() - x.min();
        DoubleFunction<Double> sx = v -> span == 0 ? LEFT + plotW / 2 : LEFT + (v - x.min()) / span * plotW;
        DoubleFunction<Double> sy = v -> TOP + plotH - Math.min(v, top) / top * plotH;
        StringBuilder svg = new StringBuilder(Axes.open(WIDTH, HEIGHT, title));
        Axes.yAxis(svg, LEFT, TOP, plotW, plotH, top, step, yLabel);
        for (double t : x.ticks()) {
            svg.append("<text class=\"tick\" x=\"")
                    .append(Svg.px(sx.apply(t)))
                    .append("\" y=\"")
                    .append(Svg.px(TOP + plotH + 16))
                    .append("\" text-anchor=\"middle\">")
                    .append(Svg.esc(x.tick().apply(t)))
                    .append("</text>\n");
        }
        if (reference != null) {
            svg.append("<line class=\"reference\" x1=\"")
                    .append(Svg.px(LEFT))
                    .append("\" x2=\"")
                    .append(Svg.px(LEFT + plotW))
                    .append("\" y1=\"")
                    .append(Svg.px(sy.apply(reference)))
                    .append("\" y2=\"")
                    .append(Svg.px(sy.apply(reference)))
                    .append("\"/>\n");
        }
        int points = 0;
        List<Figure.LegendEntry> legend = new ArrayList<>();
        for (Line l : lines) {
            if (l.points().isEmpty()) {
                continue;
            }
            StringBuilder d = new StringBuilder();
            double lastX = Double.NaN;
            for (double[] p : l.points()) {
                boolean gap = !Double.isNaN(lastX) && p[0] - lastX > l.maxStep() + 1e-9;
                d.append(d.length() == 0 || gap ? "M" : "L")
                        .append(Svg.px(sx.apply(p[0])))
                        .append(",")
                        .append(Svg.px(sy.apply(p[1])))
                        .append(' ');
                lastX = p[0];
            }
            svg.append("<path class=\"line\" fill=\"none\" stroke=\"")
                    .append(l.colour())
                    .append("\" d=\"")
                    .append(d.toString().trim())
                    .append("\"/>\n");
            for (double[] p : l.points()) {
                Svg.mark(
                        svg,
                        "circle",
                        l.name(),
                        x.label().apply(p[0]),
                        p[1],
                        l.colour(),
                        l.name() + " · " + x.label().apply(p[0]) + ": " + Svg.number(p[1])
                                + (unit.isEmpty() ? "" : " " + unit),
                        "cx",
                        sx.apply(p[0]),
                        "cy",
                        sy.apply(p[1]),
                        "r",
                        3.5);
                points++;
            }
            legend.add(new Figure.LegendEntry(l.colour(), l.name()));
        }
        svg.append("</svg>\n");
        return new Figure(id, title, caption, svg.toString(), points, lines.size() > 1 ? legend : List.of());
    }
}
