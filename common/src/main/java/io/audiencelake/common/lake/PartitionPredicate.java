package io.audiencelake.common.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * A partition given as column = value pairs, as a Spark Column and as the SQL text Delta's
 * {@code replaceWhere} takes. Values are our own (dates, feed ids), not user text, and are
 * quoted anyway.
 */
final class PartitionPredicate {
  private PartitionPredicate() {}

  static void check(TableSpec table, Map<String, Object> partition) {
    if (partition.isEmpty()) {
      throw new IllegalArgumentException(table.name() + ": a partition overwrite needs at least one column");
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
      all = all.and(col(e.getKey()).equalTo(lit(e.getValue())));
    }
    return all;
  }

  static String sql(Map<String, Object> partition) {
    return partition.entrySet().stream()
        .map(e -> "`" + e.getKey() + "` = " + literal(e.getValue()))
        .collect(Collectors.joining(" AND "));
  }

  private static String literal(Object value) {
    if (value instanceof Number) {
      return value.toString();
    }
    String quoted = "'" + value.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    return value instanceof LocalDate ? "DATE " + quoted : quoted;
  }
}
