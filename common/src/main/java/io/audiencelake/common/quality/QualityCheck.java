package io.audiencelake.common.quality;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * One data-quality check on a table's writes.
 *
 * @param columns the checked columns (the group column for size_change, the value column for range)
 * @param min lower bound (row count or value), null for none
 * @param max upper bound (row count or value), null for none
 * @param maxChange largest allowed relative change against the previous run (0.5 = ±50%), null for none
 * @param minPrevious previous sizes below this are not compared (small numbers swing widely)
 * @param blocking a failed blocking check stops the write; a failed non-blocking one is only recorded
 */
public record QualityCheck(
        String table,
        QualityCheckKind kind,
        List<String> columns,
        Double min,
        Double max,
        Double maxChange,
        long minPrevious,
        boolean blocking) {

    public QualityCheck {
        columns = List.copyOf(columns);
    }

    /** A short readable name, as listed when a check fails, e.g. {@code unique(segment_id, person_id)}. */
    public String name() {
        StringBuilder s = new StringBuilder(kind.yamlName());
        if (!columns.isEmpty()) {
            s.append('(').append(String.join(", ", columns)).append(')');
        }
        if (min != null || max != null) {
            s.append(" in [")
                    .append(min == null ? "-inf" : format(min))
                    .append(", ")
                    .append(max == null ? "+inf" : format(max))
                    .append(']');
        }
        if (maxChange != null) {
            s.append(" change <= ").append(format(100 * maxChange)).append('%');
        }
        return s.toString();
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
