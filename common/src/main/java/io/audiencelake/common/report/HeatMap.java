package io.audiencelake.common.report;

import java.util.List;
import java.util.Locale;

/**
 * A square matrix of shares, shaded by value: cell (row, column) is the share of the row segment's members
 * who are also in the column segment.
 */
final class HeatMap {
    private static final double CELL_MAX = 40;
    private static final double GRID_MAX = 520;
    private static final int LABEL_CHARS = 22;
    /** The width of one label character at the chart's 12 px font, on average. */
    private static final double CHAR_PX = 6.6;

    private HeatMap() {}

    /**
     * @param share share[row][column] in [0, 1]
     * @param tooltip tooltip[row][column]
     */
    static Figure render(
            String id, String title, String caption, List<String> labels, double[][] share, String[][] tooltip) {
        int n = labels.size();
        double cell = Math.min(CELL_MAX, GRID_MAX / Math.max(1, n));
        int longest = labels.stream()
                .mapToInt(l -> Math.min(LABEL_CHARS, l.length()))
                .max()
                .orElse(4);
        double labelPx = longest * CHAR_PX;
        double left = 12 + labelPx;
        // Column labels are rotated 50 degrees: they rise by about sin(50) of their length, and the last one
        // reaches past the grid by about cos(50) of it.
        double top = 12 + labelPx * 0.79;
        double width = left + n * cell + Math.max(16, labelPx * 0.65);
        double height = top + n * cell + 12;
        StringBuilder svg = new StringBuilder(Axes.open(width, height, title));
        for (int i = 0; i < n; i++) {
            String label = Svg.esc(Svg.shorten(labels.get(i), LABEL_CHARS));
            Axes.text(svg, "label", left - 6, top + i * cell + cell / 2 + 4, "end", label);
            double cx = left + i * cell + cell / 2;
            svg.append("<text class=\"label\" transform=\"translate(")
                    .append(Svg.px(cx))
                    .append(",")
                    .append(Svg.px(top - 6))
                    .append(") rotate(-50)\" text-anchor=\"start\">")
                    .append(label)
                    .append("</text>\n");
        }
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                cell(
                        svg,
                        left + c * cell,
                        top + r * cell,
                        cell,
                        labels.get(r),
                        labels.get(c),
                        share[r][c],
                        tooltip[r][c]);
            }
        }
        svg.append("</svg>\n");
        return new Figure(id, title, caption, svg.toString(), n * n, List.of());
    }

    /** A shaded cell, with its percentage written in when the cell is big enough to read it. */
    private static void cell(
            StringBuilder svg, double x, double y, double cell, String row, String column, double v, String tooltip) {
        double s = Math.max(0, Math.min(1, v));
        Svg.mark(svg, "rect", row, column, v, shade(s), tooltip, "x", x, "y", y, "width", cell - 1, "height", cell - 1);
        if (cell >= 26) {
            String css = s > 0.55 ? "cell dark" : "cell";
            Axes.text(
                    svg,
                    css,
                    x + cell / 2 - 0.5,
                    y + cell / 2 + 3.5,
                    "middle",
                    String.format(Locale.ROOT, "%.0f", 100 * s));
        }
    }

    /** White to the palette's blue. */
    static String shade(double share) {
        int[] from = {0xf7, 0xfb, 0xff};
        int[] to = {0x08, 0x45, 0x94};
        StringBuilder out = new StringBuilder("#");
        for (int i = 0; i < 3; i++) {
            out.append(String.format(Locale.ROOT, "%02x", (int) Math.round(from[i] + (to[i] - from[i]) * share)));
        }
        return out.toString();
    }
}
