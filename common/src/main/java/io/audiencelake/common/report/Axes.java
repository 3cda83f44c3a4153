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
            svg.append("<line class=\"grid\" x1=\"")
                    .append(Svg.px(left))
                    .append("\" x2=\"")
                    .append(Svg.px(left + plotW))
                    .append("\" y1=\"")
                    .append(Svg.px(y))
                    .append("\" y2=\"")
                    .append(Svg.px(y))
                    .append("\"/>\n")
                    .append("<text class=\"tick\" x=\"")
                    .append(Svg.px(left - 6))
                    .append("\" y=\"")
                    .append(Svg.px(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(Svg.esc(label.apply(v)))
                    .append("</text>\n");
        }
    }
}
