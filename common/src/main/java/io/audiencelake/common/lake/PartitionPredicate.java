package io.audiencelake.common.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * Partitions given as column = value pairs (a collection value means any of those values), as a
 * Spark Column and as the SQL text Delta's {@code replaceWhere} takes. Values are our own (dates,
 * feed ids), not user text, and are quoted anyway.
 */
final class PartitionPredicate {
    private PartitionPredicate() {}

    static void check(TableSpec table, Map<String, Object> partition) {
        if (partition.isEmpty()
                || partition.values().stream().anyMatch(v -> v instanceof Collection<?> c && c.isEmpty())) {
            throw new IllegalArgumentException(
                    table.name() + ": a partition overwrite needs at least one column, " + "and a value for each");
        }
        for (String column : partition.keySet()) {
            if (!table.partitionColumns().contains(column)) {
                throw new IllegalArgumentException(table.name() + ": " + column
                        + " is not a partition column; expected one of " + table.partitionColumns());
            }
        }
    }

    static Column column(Map<String, Object> partition) {
        Column all = lit(true);
        for (Map.Entry<String, Object> e : partition.entrySet()) {
            all = all.and(
                    e.getValue() instanceof Collection<?> values
                            ? col(e.getKey())
                                    .isin(values.stream()
                                            .map(PartitionPredicate::sparkValue)
                                            .toArray())
                            : col(e.getKey()).equalTo(lit(sparkValue(e.getValue()))));
        }
        return all;
    }

    static String sql(Map<String, Object> partition) {
        return partition.entrySet().stream()
                .map(e -> e.getValue() instanceof Collection<?> values
                        ? "`" + e.getKey() + "` IN ("
                                + values.stream()
                                        .map(PartitionPredicate::literal)
                                        .collect(Collectors.joining(", ")) + ")"
                        : "`" + e.getKey() + "` = " + literal(e.getValue()))
                .collect(Collectors.joining(" AND "));
    }

    private static Object sparkValue(Object value) {
        return value instanceof LocalDate d ? Date.valueOf(d) : value;
    }

    private static String literal(Object value) {
        if (value instanceof Number) {
            return value.toString();
        }
        String quoted = "'" + value.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
        return value instanceof LocalDate ? "DATE " + quoted : quoted;
    }
}
