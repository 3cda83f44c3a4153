package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_match_metrics} table: what a run of identity did, as named numbers (pairs per
 * blocking rule, matches, persons, size distribution, merges and splits, model parameters, and
 * precision / recall / F1 when ground truth was given).
 */
public final class IdMatchMetrics {
  public static final String METRIC = "metric";
  public static final String DIMENSION = "dimension";
  public static final String VALUE = "value";
  public static final String DT = "dt";

  public static final TableSpec SPEC = new TableSpec("id_match_metrics",
      "Numbers of each identity run: candidate pairs per blocking rule, matches, persons and their size "
          + "distribution, merges and splits, Fellegi-Sunter parameters, and quality against ground truth.",
      "identity",
      new StructType(new StructField[] {
          column(METRIC, DataTypes.StringType, false, "e.g. candidate_pairs, matches, persons, precision"),
          column(DIMENSION, DataTypes.StringType, false, "what the number is about, e.g. devices/same_ip; '' if none"),
          column(VALUE, DataTypes.DoubleType, false, "the number"),
          column(DT, DataTypes.DateType, false, "run date (partition)")}),
      List.of(DT),
      List.of(METRIC, DIMENSION, DT));

  private IdMatchMetrics() {}

  /** One number of a run. */
  public record Metric(String metric, String dimension, double value) {}
}
