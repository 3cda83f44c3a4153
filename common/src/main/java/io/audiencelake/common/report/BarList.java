package io.audiencelake.common.report;

import java.util.List;

/**
 * Horizontal bars, one row per label (quarantine reasons, job runs), or diverging rows with a value to
 * the right and another to the left of a centre line (adds and removes).
 */
final class BarList {
    private static final double WIDTH = 720;
    private static final double ROW = 22;
    private static final double TOP = 8;
    private static final double BOTTOM = 24;
    private static final int LABEL_CHARS = 42;

    private BarList() {}

    /** A row: its label, the value to the right, the optional value to the left, and its colour. */
    record Bar(String label, double right, Double left, String colour, String tooltip) {}

    static Figure render(
            String id,
            String title,
            String caption,
            List<Bar> bars,
            String rightName,
            String leftName,
            List<Figure.LegendEntry> legend) {
        boolean diverging = bars.stream().anyMatch(b -> b.left() != null);
        double max = 0;
        int longest = 4;
        for (Bar b : bars) {
            max = Math.max(max, Math.max(b.right(), b.left() == null ? 0 : b.left()));
            longest = Math.max(longest, Math.min(LABEL_CHARS, b.label().length()));
        }
        boolean whole = bars.stream().allMatch(b -> b.right() == Math.rint(b.right()));
        double step = Svg.step(max, diverging ? 2 : 4, whole);
        double top = Svg.axisTop(max, step);
        double left = Math.min(300, 12 + longest * 6.6);
        double plotW = WIDTH - left - 16;
        double height = TOP + bars.size() * ROW + BOTTOM;
        double zero = diverging ? left + plotW / 2 : left;
        double scale = (diverging ? plotW / 2 : plotW) / top;
        StringBuilder svg = new StringBuilder(Axes.open(WIDTH, height, title));
        int ticks = (int) Math.round(top / step);
        for (int t = diverging ? -ticks : 0; t <= ticks; t++) {
            double x = zero + t * step * scale;
            svg.append("<line class=\"grid\" x1=\"")
                    .append(Svg.px(x))
                    .append("\" x2=\"")
                    .append(Svg.px(x))
                    .append("\" y1=\"")
                    .append(Svg.px(TOP))
                    .append("\" y2=\"")
                    .append(Svg.px(height - BOTTOM))
                    .append("\"/>\n")
                    .append("<text class=\"tick\" x=\"")
                    .append(Svg.px(x))
                    .append("\" y=\"")
                    .append(Svg.px(height - BOTTOM + 14))
                    .append("\" text-anchor=\"middle\">")
                    .append(Svg.compact(Math.abs(t * step)))
                    .append("</text>\n");
        }
        int points = 0;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = TOP + i * ROW + 3;
            svg.append("<text class=\"label\" x=\"")
                    .append(Svg.px(left - 6))
                    .append("\" y=\"")
                    .append(Svg.px(y + 12))
                    .append("\" text-anchor=\"end\">")
                    .append(Svg.esc(Svg.shorten(b.label(), LABEL_CHARS)))
                    .append("<title>")
                    .append(Svg.esc(b.label()))
                    .append("</title></text>\n");
            bar(
                    svg,
                    b.label(),
                    rightName,
                    zero,
                    y,
                    Math.max(0, b.right()) * scale,
                    b.colour(),
                    b.right(),
                    b.tooltip() != null ? b.tooltip() : tooltip(b.label(), rightName, b.right()));
            points++;
            if (b.left() != null) {
                double w = Math.max(0, b.left()) * scale;
                bar(
                        svg,
                        b.label(),
                        leftName,
                        zero - w,
                        y,
                        w,
                        Svg.BAD,
                        b.left(),
                        tooltip(b.label(), leftName, b.left()));
                points++;
            }
        }
        svg.append("<line class=\"axis\" x1=\"")
                .append(Svg.px(zero))
                .append("\" x2=\"")
                .append(Svg.px(zero))
                .append("\" y1=\"")
                .append(Svg.px(TOP))
                .append("\" y2=\"")
                .append(Svg.px(height - BOTTOM))
                .append("\"/>\n");
        svg.append("</svg>\n");
        return new Figure(id, title, caption, svg.toString(), points, legend);
    }

    private static String tooltip(String label, String series, double value) {
        return label + (series.isEmpty() ? "" : " · " + series) + ": " + Svg.number(value);
    }

    private static void bar(
            StringBuilder svg,
            String label,
            String series,
            double x,
            double y,
            double w,
            String colour,
            double value,
            String tooltip) {
        Svg.mark(svg, "rect", series, label, value, colour, tooltip, "x", x, "y", y, "width", w, "height", ROW - 6);
    }
}
