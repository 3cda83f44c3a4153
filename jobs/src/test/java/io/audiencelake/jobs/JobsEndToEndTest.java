package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.spark.LakeSession;
import io.audiencelake.common.storage.LandingFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs run through the command line end to end, writing real Delta and Iceberg tables. */
class JobsEndToEndTest {
    @TempDir
    Path dir;

    private Path config() throws IOException {
        return TestConfigs.local(dir);
    }

    @Test
    void generateThenInventoryWritesDeltaAndIcebergTablesAndRecordsRuns() throws IOException {
        Path file = config();
        String conf = file.toString();
        assertEquals(
                0,
                CliRun.of("generate", "-c", conf, "-d", "2025-05-02", "--days", "2")
                        .exitCode());
        assertTrue(Files.isRegularFile(dir.resolve("data/landing/crm/dt=2025-05-02/crm-00000.csv")));
        assertTrue(Files.isRegularFile(dir.resolve("data/ground-truth/persons/persons-00000.csv.gz")));
        assertEquals(0, CliRun.of("inventory", "-c", conf, "-d", "2025-05-02").exitCode());
        assertEquals(
                0,
                CliRun.of("inventory", "-c", conf, "-d", "2025-05-02", "--set", "lake.table_format=iceberg")
                        .exitCode());
        // Rerunning a date replaces its rows rather than adding to them.
        assertEquals(0, CliRun.of("inventory", "-c", conf, "-d", "2025-05-02").exitCode());

        AppConfig delta = new AppConfigLoader().load(file, List.of());
        SparkSession spark = LakeSession.start(delta);
        try {
            for (TableFormat format : TableFormat.values()) {
                LakeTables lake =
                        LakeTables.forConfig(spark, delta.withLake(delta.lake().withTableFormat(format)));
                List<Row> files =
                        lake.read(LandingFiles.SPEC).orderBy(LandingFiles.FEED).collectAsList();
                assertEquals(
                        List.of("clickstream", "consent", "crm", "partner", "thirdparty"),
                        files.stream()
                                .map(r -> r.<String>getAs(LandingFiles.FEED))
                                .toList(),
                        format.name());
                assertTrue(files.stream().allMatch(r -> r.<Long>getAs(LandingFiles.LINES) > 1), format.name());
                long crmLines = Files.readAllLines(dir.resolve("data/landing/crm/dt=2025-05-02/crm-00000.csv"))
                        .size();
                assertEquals(crmLines, files.get(2).<Long>getAs(LandingFiles.LINES));
            }
            LakeTables deltaTables = LakeTables.forConfig(spark, delta);
            List<Row> runs =
                    deltaTables.read(JobRuns.SPEC).orderBy(JobRuns.STARTED_AT).collectAsList();
            assertEquals(
                    List.of("generate", "inventory", "inventory"),
                    runs.stream().map(r -> r.<String>getAs(JobRuns.JOB)).toList());
            assertTrue(runs.stream().allMatch(r -> JobRuns.SUCCEEDED.equals(r.getAs(JobRuns.STATUS))));
            assertEquals(5L, runs.get(1).<Long>getAs(JobRuns.ROWS_OUT));
            assertTrue(runs.get(0).<String>getAs(JobRuns.ARGUMENTS).startsWith("audiencelake generate -c "));
        } finally {
            LakeSession.finish(spark);
        }
    }

    @Test
    void aFailingJobExitsOneAndIsRecordedAsFailed() throws IOException {
        Path file = config();
        Files.createDirectories(dir.resolve("data"));
        // The landing root is a plain file, so the generator cannot create folders under it.
        Files.writeString(dir.resolve("data/landing"), "not a folder");
        CliRun run = CliRun.of("generate", "-c", file.toString(), "-d", "2025-05-02");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("audiencelake generate failed: "), run.err());

        AppConfig config = new AppConfigLoader().load(file, List.of());
        SparkSession spark = LakeSession.start(config);
        try {
            List<Row> runs =
                    LakeTables.forConfig(spark, config).read(JobRuns.SPEC).collectAsList();
            assertEquals(1, runs.size());
            assertEquals(JobRuns.FAILED, runs.get(0).getAs(JobRuns.STATUS));
            assertTrue(runs.get(0).<String>getAs(JobRuns.ERROR).length() > 10);
        } finally {
            LakeSession.finish(spark);
        }
    }
}
