package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.sum;

import io.audiencelake.common.storage.LandingInventory;
import java.util.List;
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

  /** Adds line numbers from split starts and ids; one row per split is aggregated, then broadcast. */
  static Dataset<Row> numbered(Dataset<Row> raw) {
    Dataset<Row> blocks = raw.groupBy(col(FILE), col(BLOCK))
        .agg(min(col(ID)).as("_first_id"), count(lit(1)).as("_lines"))
        .withColumn("_before", sum(col("_lines")).over(Window.partitionBy(col(FILE)).orderBy(col(BLOCK))
            .rowsBetween(Window.unboundedPreceding(), -1)))
        .na().fill(0L, new String[] {"_before"});
    return raw.join(broadcast(blocks), new String[] {FILE, BLOCK})
        .select(col(FILE), col("_before").plus(col(ID)).minus(col("_first_id")).plus(lit(1L)).as(LINE), col(TEXT));
  }
}
