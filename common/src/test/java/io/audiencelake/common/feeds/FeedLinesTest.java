package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.spark.TestLake;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedLinesTest {
  private static final SparkSession SPARK = TestLake.spark();
  @TempDir Path dir;

  private Path write(String name, int lines, boolean gzip) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      for (int i = 1; i <= lines; i++) {
        out.write(("line " + i + " of " + name + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return file;
  }

  private static void assertNumbered(Dataset<Row> lines, String name, int count) {
    List<Row> rows = lines.where(lines.col(FeedLines.FILE).endsWith(name)).orderBy(FeedLines.LINE).collectAsList();
    assertEquals(count, rows.size(), name);
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i + 1L, rows.get(i).<Long>getAs(FeedLines.LINE));
      assertEquals("line " + (i + 1) + " of " + name, rows.get(i).getAs(FeedLines.TEXT), "line " + (i + 1));
    }
  }

  @Test
  void aGzipFileIsSpreadOverPartitionsAfterReadingAndKeepsItsLineNumbers() throws IOException {
    Path gz = write("big.jsonl.gz", 20_000, true);
    Dataset<Row> lines = FeedLines.read(SPARK, List.of(gz.toUri().toString()), FeedContract.DEFAULT_MAX_LINE_BYTES);
    assertTrue(lines.javaRDD().getNumPartitions() >= 2,
        "a gzip file is one split; after reading it must be spread, got " + lines.javaRDD().getNumPartitions());
    long nonEmpty = lines.javaRDD().mapPartitions(it -> List.of(it.hasNext() ? 1 : 0).iterator())
        .collect().stream().filter(n -> n == 1).count();
    assertTrue(nonEmpty >= 2, "rows of the gzip file sit in " + nonEmpty + " partition(s)");
    assertNumbered(lines, "big.jsonl.gz", 20_000);
    SPARK.catalog().clearCache();
  }

  @Test
  void aPlainFileReadInSeveralSplitsIsNumberedAcrossThem() throws IOException {
    Path plain = write("plain.csv", 30_000, false);
    Path small = write("small.csv", 3, false);
    SPARK.conf().set("spark.sql.files.maxPartitionBytes", "65536");
    try {
      Dataset<Row> lines = FeedLines.read(SPARK, List.of(plain.toUri().toString(), small.toUri().toString()),
          FeedContract.DEFAULT_MAX_LINE_BYTES);
      assertTrue(SPARK.read().text(plain.toString()).javaRDD().getNumPartitions() > 3, "the file was not split");
      assertNumbered(lines, "plain.csv", 30_000);
      assertNumbered(lines, "small.csv", 3);
    } finally {
      SPARK.conf().unset("spark.sql.files.maxPartitionBytes");
      SPARK.catalog().clearCache();
    }
  }
}
