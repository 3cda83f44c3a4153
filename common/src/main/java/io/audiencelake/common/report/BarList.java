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
        Frame frame = new Frame(left, zero, (diverging ? plotW / 2 : plotW) / top, height - BOTTOM);
        StringBuilder svg = new StringBuilder(Axes.open(WIDTH, height, title));
        int ticks = (int) Math.round(top / step);
        for (int t = diverging ? -ticks : 0; t <= ticks; t++) {
            double x = zero + t * step * frame.scale();
            Axes.line(svg, "grid", x, x, TOP, frame.bottom());
            Axes.text(svg, "tick", x, frame.bottom() + 14, "middle", Svg.compact(Math.abs(t * step)));
        }
        int points = 0;
        for (int i = 0; i < bars.size(); i++) {
            points += row(svg, bars.get(i), TOP + i * ROW + 3, frame, rightName, leftName);
        }
        Axes.line(svg, "axis", zero, zero, TOP, frame.bottom());
        svg.append("</svg>\n");
        return new Figure(id, title, caption, svg.toString(), points, legend);
    }

    /** Where labels end, where the bars start, pixels per unit of value, and the plot's bottom edge. */
    private record Frame(double left, double zero, double scale, double bottom) {}

    /** One row's label and bars; returns how many bars. */
    private static int row(StringBuilder svg, Bar b, double y, Frame frame, String rightName, String leftName) {
        Axes.text(
                svg,
                "label",
                frame.left() - 6,
                y + 12,
                "end",
                Svg.esc(Svg.shorten(b.label(), LABEL_CHARS)) + "<title>" + Svg.esc(b.label()) + "</title>");
        String tooltip = b.tooltip() != null ? b.tooltip() : tooltip(b.label(), rightName, b.right());
        double right = Math.max(0, b.right()) * frame.scale();
        bar(svg, b.label(), rightName, frame.zero(), y, right, b.colour(), b.right(), tooltip);
        if (b.left() == null) {
            return 1;
        }
        double w = Math.max(0, b.left()) * frame.scale();
        bar(
                svg,
                b.label(),
                leftName,
                frame.zero() - w,
                y,
                w,
                Svg.BAD,
                b.left(),
                tooltip(b.label(), leftName, b.left()));
        return 2;
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
