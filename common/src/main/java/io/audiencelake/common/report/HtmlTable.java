package io.audiencelake.common.report;

import java.util.ArrayList;
import java.util.List;

/** A table of the report: a header row and rows of escaped cells; numeric columns align right. */
final class HtmlTable {
    private final String id;
    private final List<String> headers;
    private final boolean[] numeric;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> rowClasses = new ArrayList<>();

    /** A header ending in "#" marks a numeric column (the mark is not shown). */
    HtmlTable(String id, String... headers) {
        this.id = id;
        this.headers = new ArrayList<>();
        this.numeric = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            numeric[i] = headers[i].endsWith("#");
            this.headers.add(numeric[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i]);
        }
    }

    /** Adds a row of plain-text cells. */
    HtmlTable row(String... cells) {
        return markedRow(null, cells);
    }

    /** Adds a row with a CSS class (failed, warning), or none when {@code rowClass} is null. */
    HtmlTable markedRow(String rowClass, String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(id + ": " + cells.length + " cells for " + headers.size() + " columns");
        }
        rows.add(cells);
        rowClasses.add(rowClass);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String html() {
        StringBuilder out = new StringBuilder("<div class=\"table-wrap\"><table id=\"")
                .append(Svg.esc(id))
                .append("\">\n<thead><tr>");
        for (int i = 0; i < headers.size(); i++) {
            out.append(numeric[i] ? "<th class=\"num\">" : "<th>")
                    .append(Svg.esc(headers.get(i)))
                    .append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < rows.size(); r++) {
            String rowClass = rowClasses.get(r);
            out.append(rowClass == null ? "<tr>" : "<tr class=\"" + Svg.esc(rowClass) + "\">");
            String[] cells = rows.get(r);
            for (int i = 0; i < cells.length; i++) {
                out.append(numeric[i] ? "<td class=\"num\">" : "<td>")
                        .append(Svg.esc(cells[i]))
                        .append("</td>");
            }
            out.append("</tr>\n");
        }
        return out.append("</tbody></table></div>\n").toString();
    }
}
