package io.audiencelake.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.Map;
import scala.collection.Seq;

/** Splitting SQL text into statements at semicolons outside quotes, and printing result rows. */
final class SqlStatements {
    private SqlStatements() {}

    /** The statements of a text; a last statement without ';' counts too. */
    static List<String> split(String text) {
        StringBuilder pending = new StringBuilder(text).append(";");
        return complete(pending);
    }

    /** Removes and returns the complete statements at the start of {@code pending}, keeping an unfinished tail. */
    static List<String> complete(StringBuilder pending) {
        List<String> out = new ArrayList<>();
        char quote = 0;
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            char c = pending.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '-' && i + 1 < pending.length() && pending.charAt(i + 1) == '-') {
                while (i < pending.length() && pending.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ';') {
                String statement = strip(pending.substring(start, i));
                if (!statement.isEmpty()) {
                    out.add(statement);
                }
                start = i + 1;
            }
        }
        pending.delete(0, start);
        return out;
    }

    private static String strip(String statement) {
        StringBuilder kept = new StringBuilder();
        for (String line : statement.split("\n")) {
            if (!line.strip().startsWith("--")) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString().strip();
    }

    static String table(String[] columns, List<Row> rows, int limit) {
        int n = Math.min(rows.size(), limit);
        int[] width = new int[columns.length];
        List<String[]> cells = new ArrayList<>();
        for (int c = 0; c < columns.length; c++) {
            width[c] = columns[c].length();
        }
        for (int r = 0; r < n; r++) {
            String[] line = new String[columns.length];
            for (int c = 0; c < columns.length; c++) {
                line[c] = value(rows.get(r), c);
                width[c] = Math.min(80, Math.max(width[c], line[c].length()));
            }
            cells.add(line);
        }
        StringBuilder s = new StringBuilder();
        s.append(line(columns, width)).append(rule(width));
        cells.forEach(l -> s.append(line(l, width)));
        s.append(n)
                .append(n == 1 ? " row" : " rows")
                .append(rows.size() > limit ? " (more not shown; --limit)" : "")
                .append("\n\n");
        return s.toString();
    }

    static String tsv(String[] columns, List<Row> rows, int limit) {
        StringBuilder s = new StringBuilder(String.join("\t", columns)).append('\n');
        for (int r = 0; r < Math.min(rows.size(), limit); r++) {
            List<String> line = new ArrayList<>();
            for (int c = 0; c < columns.length; c++) {
                line.add(value(rows.get(r), c).replace('\t', ' ').replace('\n', ' '));
            }
            s.append(String.join("\t", line)).append('\n');
        }
        return s.toString();
    }

    private static String value(Row row, int c) {
        Object v = row.get(c);
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Map<?, ?> || v instanceof Seq<?>) {
            return v.toString();
        }
        return String.valueOf(v);
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c].length() > width[c] ? cells[c].substring(0, width[c] - 1) + "…" : cells[c];
            s.append(c == 0 ? "" : " | ").append(cell).append(" ".repeat(width[c] - cell.length()));
        }
        return s.toString().stripTrailing() + "\n";
    }

    private static String rule(int[] width) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            s.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        }
        return s + "\n";
    }
}
