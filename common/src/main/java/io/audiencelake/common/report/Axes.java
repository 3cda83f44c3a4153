package io.audiencelake.common.report;

import java.util.function.DoubleFunction;

/** The frame every chart shares: the svg element, a value axis with grid lines. */
final class Axes {
    private Axes() {}

    /**
     * An inline svg element (the HTML parser gives it the SVG namespace) that shrinks to a narrow box and
     * never grows past its own size, so text keeps its size on a wide page.
     */
    static String open(double width, double height, String title) {
        return "<svg viewBox=\"0 0 " + Svg.px(width) + " " + Svg.px(height) + "\" style=\"max-width:" + Svg.px(width)
                + "px\" role=\"img\" aria-label=\"" + Svg.esc(title) + "\">\n";
    }

    /** Grid lines and labels from 0 to {@code top} every {@code step}, left of a plot area. */
    static void yAxis(
            StringBuilder svg,
            double left,
            double top,
            double plotW,
            double plotH,
            double axisTop,
            double step,
            DoubleFunction<String> label) {
        int ticks = (int) Math.round(axisTop / step);
        for (int t = 0; t <= ticks; t++) {
            double v = t * step;
            double y = top + plotH - v / axisTop * plotH;
            Axes.line(svg, "grid", left, left + plotW, y, y);
            text(svg, "tick", left - 6, y + 4, "end", Svg.esc(label.apply(v)));
        }
    }

    /** A text element; {@code content} is markup (escape text before). */
    static void text(StringBuilder svg, String cssClass, double x, double y, String anchor, String content) {
        svg.append("<text class=\"")
                .append(cssClass)
                .append("\" x=\"")
                .append(Svg.px(x))
                .append("\" y=\"")
                .append(Svg.px(y))
                .append("\" text-anchor=\"")
                .append(anchor)
                .append("\">")
                .append(content)
                .append("</text>\n");
    }

    static void line(StringBuilder svg, String cssClass, double x1, double x2, double y1, double y2) {
        svg.append("<line class=\"")
                .append(cssClass)
                .append("\" x1=\"")
                .append(Svg.px(x1))
                .append("\" x2=\"")
                .append(Svg.px(x2))
                .append("\" y1=\"")
                .append(Svg.px(y1))
                .append("\" y2=\"")
                .append(Svg.px(y2))
                .append("\"/>\n");
    }
}
