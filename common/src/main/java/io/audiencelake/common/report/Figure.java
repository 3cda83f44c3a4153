package io.audiencelake.common.report;

import java.util.List;

/**
 * One chart of the report: its inline SVG, how many data points it draws (each a mark the browser test
 * counts) and its legend.
 *
 * @param id the chart's anchor and {@code data-chart} name
 * @param caption what the chart shows and where its numbers come from
 */
record Figure(String id, String title, String caption, String svg, int points, List<LegendEntry> legend) {
    Figure {
        legend = List.copyOf(legend);
    }

    /** A series' colour and name. */
    record LegendEntry(String colour, String label) {}

    /** The figure as HTML. */
    String html() {
        StringBuilder out = new StringBuilder();
        out.append("<figure class=\"chart\" id=\"")
                .append(Svg.esc(id))
                .append("\" data-chart=\"")
                .append(Svg.esc(id))
                .append("\" data-points=\"")
                .append(points)
                .append("\">\n<h3>")
                .append(Svg.esc(title))
                .append("</h3>\n")
                .append(svg);
        if (!legend.isEmpty()) {
            out.append("<ul class=\"legend\">");
            for (LegendEntry e : legend) {
                out.append("<li><span class=\"swatch\" style=\"background:")
                        .append(Svg.esc(e.colour()))
                        .append("\"></span>")
                        .append(Svg.esc(e.label()))
                        .append("</li>");
            }
            out.append("</ul>\n");
        }
        out.append("<figcaption>").append(Svg.esc(caption)).append("</figcaption>\n</figure>\n");
        return out.toString();
    }
}
