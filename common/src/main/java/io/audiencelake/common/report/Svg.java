package io.audiencelake.common.report;

import java.util.List;
import java.util.Locale;

/** Shared pieces of the report's inline SVG and HTML: escaping, number formats, axis scales, colours. */
final class Svg {
    /** Tableau 10: distinct on screen and in print. */
    static final List<String> PALETTE = List.of(
            "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
            "#bab0ac");

    static final String GOOD = "#59a14f";
    static final String WARN = "#edc948";
    static final String BAD = "#e15759";
    static final String MUTED = "#bab0ac";

    private Svg() {}

    static String colour(int i) {
        return PALETTE.get(Math.floorMod(i, PALETTE.size()));
    }

    /** Text made safe for HTML and SVG, in element content and in quoted attributes. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A coordinate: two decimals are finer than a pixel. */
    static String px(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("chart coordinate must be finite, cannot be: " + v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** 1234567 as "1,234,567". */
    static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** A value for a tooltip or a table: whole numbers grouped, others with up to three decimals. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return count((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.1f" : "%.3f", v);
    }

    /** An axis label: 1.2k, 3.4M. */
    static String compact(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        } else if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        } else if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    static String percent(double share) {
        if (Double.isNaN(share)) {
            return "–";
        }
        return String.format(Locale.ROOT, share != 0 && Math.abs(share) < 0.001 ? "%.3f%%" : "%.1f%%", 100 * share);
    }

    /**
     * A round step for about {@code ticks} intervals up to {@code max}: 1, 2, 2.5 or 5 times a power of ten
     * (no 2.5 where a step of whole numbers would not be whole).
     */
    static double step(double max, int ticks, boolean whole) {
        double raw = max <= 0 ? 1 : max / ticks;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        boolean quarter = !whole || magnitude >= 10;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 && quarter ? 2.5 : f <= 5 ? 5 : 10) * magnitude;
        return whole ? Math.max(1, Math.round(step)) : step;
    }

    /** The top of an axis from 0 that holds {@code max}, on a round step. */
    static double axisTop(double max, double step) {
        return Math.max(step, Math.ceil(max / step - 1e-9) * step);
    }

    /**
     * A data point: a bar, cell ({@code rect}) or marker ({@code circle}) of class {@code mark} with its series,
     * category and value as data attributes (what tests and the browser check read) and a tooltip.
     *
     * @param geometry the element's position and size, e.g. {x, 10, y, 20, width, 5, height, 8}
     */
    static void mark(
            StringBuilder svg,
            String element,
            String series,
            String category,
            double value,
            String fill,
            String tooltip,
            Object... geometry) {
        svg.append('<')
                .append(element)
                .append(" class=\"mark\" data-series=\"")
                .append(esc(series))
                .append("\" data-x=\"")
                .append(esc(category))
                .append("\" data-value=\"")
                .append(number(value))
                .append('"');
        for (int i = 0; i < geometry.length; i += 2) {
            svg.append(' ')
                    .append(geometry[i])
                    .append("=\"")
                    .append(px(((Number) geometry[i + 1]).doubleValue()))
                    .append('"');
        }
        svg.append(" fill=\"")
                .append(esc(fill))
                .append("\"><title>")
                .append(esc(tooltip))
                .append("</title></")
                .append(element)
                .append(">\n");
    }

    /** A label cut to {@code max} characters with an ellipsis. */
    static String shorten(String label, int max) {
        return label.length() <= max ? label : label.substring(0, Math.max(1, max - 1)) + "…";
    }
}
