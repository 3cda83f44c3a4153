package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;

import io.audiencelake.common.storage.LandingInventory;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads feed files as text lines, each with its file and 1-based line number, so that a bad line
 * can be quarantined with where it came from and what it said.
 *
 * <p>Plain files are read splittably; a gzip file is one split, so after reading, lines are
 * repartitioned to spread the rest of the job over the cluster. Line numbers cost no extra pass:
 * within a split, {@code monotonically_increasing_id} is consecutive, and a small aggregate over
 * splits (one row per split) gives each split's first line. The scanned lines are persisted
 * (memory, then disk) so the files are read once although numbering uses them twice; callers
 * release them with {@code spark.catalog().clearCache()} when the feed is written.
 */
public final class FeedLines {
  public static final String FILE = "source_file";
  public static final String LINE = "line_number";
  public static final String TEXT = "value";
  /** Parquet only: the row's columns as text. */
  public static final String RECORD = "_record";
  private static final String BLOCK = "_block_start";
  private static final String ID = "_id";

  private FeedLines() {}

  public static Dataset<Row> read(SparkSession spark, List<String> paths) {
    Dataset<Row> raw = spark.read().text(paths.toArray(String[]::new))
        .select(col(TEXT), LandingInventory.canonical(col("_metadata.file_path")).as(FILE),
            col("_metadata.file_block_start").as(BLOCK), monotonically_increasing_id().as(ID));
    boolean unsplittable = paths.stream().anyMatch(p -> p.endsWith(".gz"));
    if (unsplittable) {
      raw = raw.repartition(spark.sparkContext().defaultParallelism() * 2);
    }
    return numbered(raw.persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /**
   * Reads Parquet files whose schemas are alike; each row becomes a "line": its position in its
   * file, its text the row as JSON, and every column as text in {@value #RECORD} (a struct).
   */
  public static Dataset<Row> readParquet(SparkSession spark, List<String> paths) {
    Dataset<Row> data = spark.read().parquet(paths.toArray(String[]::new));
    List<Column> asText = new java.util.ArrayList<>();
    for (String c : data.columns()) {
      asText.add(col("`" + c + "`").cast(org.apache.spark.sql.types.DataTypes.StringType).as(c));
    }
    Dataset<Row> raw = data.select(to_json(struct(col("*"))).as(TEXT), struct(asText.toArray(Column[]::new)).as(RECORD),
        LandingInventory.canonical(col("_metadata.file_path")).as(FILE),
        col("_metadata.file_block_start").as(BLOCK), monotonically_increasing_id().as(ID));
    return numbered(raw.persist(StorageLevel.MEMORY_AND_DISK()));
  }

  /** Adds line numbers from split starts and ids; one row per split is aggregated, then broadcast. */
  static Dataset<Row> numbered(Dataset<Row> raw) {
    Dataset<Row> blocks = raw.groupBy(col(FILE), col(BLOCK))
        .agg(min(col(ID)).as("_first_id"), count(lit(1)).as("_lines"))
        .withColumn("_before", sum(col("_lines")).over(Window.partitionBy(col(FILE)).orderBy(col(BLOCK))
            .rowsBetween(Window.unboundedPreceding(), -1)))
        .na().fill(0L, new String[] {"_before"});
    List<Column> out = new java.util.ArrayList<>(List.of(col(FILE),
        col("_before").plus(col(ID)).minus(col("_first_id")).plus(lit(1L)).as(LINE), col(TEXT)));
    for (String c : raw.columns()) {
      if (!List.of(FILE, TEXT, BLOCK, ID).contains(c)) {
        out.add(col(c));
      }
    }
    return raw.join(broadcast(blocks), new String[] {FILE, BLOCK}).select(out.toArray(Column[]::new));
  }
}
