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

    @TempDir
    Path dir;

    private Path write(String name, int lines, boolean gzip) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out =
                gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            for (int i = 1; i <= lines; i++) {
                out.write(("line " + i + " of " + name + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }

    private static void assertNumbered(Dataset<Row> lines, String name, int count) {
        List<Row> rows = lines.where(lines.col(FeedLines.FILE).endsWith(name))
                .orderBy(FeedLines.LINE)
                .collectAsList();
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
        assertTrue(
                lines.javaRDD().getNumPartitions() >= 2,
                "a gzip file is one split; after reading it must be spread, got "
                        + lines.javaRDD().getNumPartitions());
        long nonEmpty = lines
                .javaRDD()
                .mapPartitions(it -> List.of(it.hasNext() ? 1 : 0).iterator())
                .collect()
                .stream()
                .filter(n -> n == 1)
                .count();
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
            Dataset<Row> lines = FeedLines.read(
                    SPARK,
                    List.of(plain.toUri().toString(), small.toUri().toString()),
                    FeedContract.DEFAULT_MAX_LINE_BYTES);
            assertTrue(SPARK.read().text(plain.toString()).javaRDD().getNumPartitions() > 3, "the file was not split");
            assertNumbered(lines, "plain.csv", 30_000);
            assertNumbered(lines, "small.csv", 3);
        } finally {
            SPARK.conf().unset("spark.sql.files.maxPartitionBytes");
            SPARK.catalog().clearCache();
        }
    }

    @Test
    void aQuotedFieldWithLineBreaksIsOneRecordAndAStrayQuoteIsNot() throws IOException {
        Path csv = Files.writeString(
                dir.resolve("notes.csv"),
                String.join(
                                "\n",
                                "id,note,city",
                                "1,\"first line",
                                "second line",
                                "third \"\"quoted\"\" line\",Paris",
                                "2,plain,Lyon",
                                "3,\"one\r",
                                "two\",Nice",
                                "4,5\" screen,Metz",
                                "5,fine,Lille",
                                "6,3\" tablet,Brest",
                                "7,\"never closed,Tours")
                        + "\n");
        Dataset<Row> lines = FeedLines.joinQuotedNewlines(
                FeedLines.read(SPARK, List.of(csv.toUri().toString()), FeedContract.DEFAULT_MAX_LINE_BYTES),
                ',',
                FeedContract.DEFAULT_MAX_LINE_BYTES);
        List<String> got = lines.orderBy(FeedLines.LINE).collectAsList().stream()
                .map(r -> r.getAs(FeedLines.LINE) + "|" + r.getAs(FeedLines.TEXT))
                .toList();
        assertEquals(
                List.of(
                        "1|id,note,city",
                        "2|1,\"first line\nsecond line\nthird \"\"quoted\"\" line\",Paris",
                        "5|2,plain,Lyon",
                        "6|3,\"one\ntwo\",Nice",
                        // Two inch marks pair up as quotes, but not as quoted fields: the lines stay apart (and are
                        // quarantined).
                        "8|4,5\" screen,Metz",
                        "9|5,fine,Lille",
                        "10|6,3\" tablet,Brest",
                        "11|7,\"never closed,Tours"),
                got);
        SPARK.catalog().clearCache();
    }
}
