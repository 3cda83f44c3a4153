package io.audiencelake.common.storage;

import static org.apache.spark.sql.functions.input_file_name;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.audiencelake.common.spark.TestLake;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingInventoryTest {
    private static final SparkSession SPARK = TestLake.spark();
    private static final LocalDate DATE = LocalDate.of(2025, 1, 2);

    @TempDir
    Path landing;

    private void write(String relative, String text, boolean gzip) throws IOException {
        Path file = landing.resolve(relative);
        Files.createDirectories(file.getParent());
        try (OutputStream out =
                gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void listsTheDatesFeedFilesSkippingHiddenOnesAndCountsLinesOfPlainAndGzipFiles() throws IOException {
        write("crm/dt=2025-01-02/a.csv", "h\n1\n2\n", false);
        write("clickstream/dt=2025-01-02/b.jsonl.gz", "{}\n{}\n{}\n{}\n", true);
        write("clickstream/dt=2025-01-02/empty.jsonl", "", false);
        write("clickstream/dt=2025-01-02/_SUCCESS", "", false);
        write("clickstream/dt=2025-01-01/old.jsonl", "{}\n", false);
        write("_truth/dt=2025-01-02/t.csv", "x\n", false);
        LandingArea area =
                new LandingArea(landing.toString(), SPARK.sparkContext().hadoopConfiguration());

        List<LandingFile> files = area.filesFor(DATE, Optional.empty());
        assertEquals(
                List.of("b.jsonl.gz", "empty.jsonl", "a.csv"),
                files.stream()
                        .map(f -> Path.of(f.path().replace("file:", ""))
                                .getFileName()
                                .toString())
                        .toList());
        assertEquals(
                List.of("clickstream", "clickstream", "crm"),
                files.stream().map(LandingFile::feed).toList());
        assertEquals(1, area.filesFor(DATE, Optional.of("crm")).size());

        var lines = SPARK.read()
                .text(files.stream().map(LandingFile::path).toArray(String[]::new))
                .select(input_file_name().as(LandingInventory.LINE_FILE));
        List<Row> rows = LandingInventory.inventory(LandingInventory.listed(SPARK, files), lines)
                .orderBy(LandingFiles.PATH)
                .collectAsList();
        assertEquals(
                List.of("gzip:4", "none:0", "none:3"),
                rows.stream()
                        .map(r -> r.getAs(LandingFiles.COMPRESSION) + ":" + r.getAs(LandingFiles.LINES))
                        .toList());
        assertEquals(
                List.of(true, true, true),
                rows.stream()
                        .map(r -> ((String) r.getAs(LandingFiles.PATH)).startsWith("file:///"))
                        .toList());
    }
}
