package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.quality.QualityChecks;
import io.audiencelake.common.runs.JobLocks;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.spark.LakeSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Consistent reads: a job commits its tables one at a time, and a run that dies between two commits must
 * never be seen half done by the next job. Downstream jobs read what finished runs published.
 */
class PublishedVersionsTest {
    private static final LocalDate DAY = LocalDate.parse("2025-06-01");
    private static final StructType SCHEMA =
            new StructType(new StructField[] {DataTypes.createStructField("run", DataTypes.IntegerType, false)});
    private static final TableSpec FIRST =
            new TableSpec("orders_first", "first table a writer commits", "test", SCHEMA, List.of(), List.of());
    private static final TableSpec SECOND =
            new TableSpec("orders_second", "second table a writer commits", "test", SCHEMA, List.of(), List.of());

    @TempDir
    Path dir;

    /** Replaces both tables with one row holding {@code run}; dies between the two commits when told to. */
    private record Writer(int run, boolean dieBetweenCommits) implements Job<Void> {
        @Override
        public String name() {
            return "writer";
        }

        @Override
        public Void load(AppConfig config) {
            return null;
        }

        @Override
        public JobResult run(JobContext context, Void none) {
            SparkSession spark = context.spark();
            var rows = spark.createDataFrame(List.of(RowFactory.create(run)), SCHEMA);
            context.lake().replace(FIRST, rows);
            if (dieBetweenCommits) {
                throw new IllegalStateException("killed between two commits");
            }
            context.lake().replace(SECOND, rows);
            return new JobResult(1, 2, 0, Map.of());
        }
    }

    /** Reads both tables and reports what it saw as "first/second". */
    private static final class Reader implements Job<Void> {
        private final boolean published;
        private String seen;

        Reader(boolean published) {
            this.published = published;
        }

        @Override
        public String name() {
            return "reader";
        }

        @Override
        public boolean readsPublishedVersions() {
            return published;
        }

        @Override
        public Void load(AppConfig config) {
            return null;
        }

        @Override
        public JobResult run(JobContext context, Void none) {
            seen = value(context.lake(), FIRST) + "/" + value(context.lake(), SECOND);
            return new JobResult(2, 0, 0, Map.of());
        }
    }

    private static int value(LakeTables lake, TableSpec table) {
        List<Row> rows = lake.read(table).collectAsList();
        assertEquals(1, rows.size(), table.name());
        return rows.get(0).getInt(0);
    }

    private static JobResult run(AppConfig config, SparkSession spark, Job<Void> job) throws Exception {
        return JobRunner.runRecorded(
                job.loaded(config),
                new JobContext(
                        config,
                        spark,
                        LakeTables.forConfig(spark, config),
                        DAY,
                        UUID.randomUUID().toString()),
                QualityChecks.none(),
                "test " + job.name());
    }

    private static String read(AppConfig config, SparkSession spark, boolean published) throws Exception {
        Reader reader = new Reader(published);
        run(config, spark, reader);
        return reader.seen;
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void aRunThatDiesBetweenTwoCommitsIsNeverSeenHalfDone(TableFormat format) throws Exception {
        AppConfig loaded = new AppConfigLoader().load(TestConfigs.local(dir), List.of());
        AppConfig config = loaded.withLake(loaded.lake().withTableFormat(format));
        SparkSession spark = LakeSession.start(config);
        try {
            LakeTables lake = LakeTables.forConfig(spark, config);
            run(config, spark, new Writer(1, false));
            assertEquals("1/1", read(config, spark, true));

            assertThrows(IllegalStateException.class, () -> run(config, spark, new Writer(2, true)));
            // The dead run's first commit is there (a job that reads the latest versions sees half a run)...
            assertEquals(2, value(lake, FIRST));
            assertEquals("2/1", read(config, spark, false));
            // ...but downstream jobs read what the last finished run published.
            assertEquals("1/1", read(config, spark, true));
            Map<String, Long> published = JobRuns.published(lake);
            assertNotEquals(lake.currentVersion(FIRST).version(), published.get(FIRST.name()));
            assertEquals(2, published.size(), "the reader's own runs publish nothing: " + published);

            run(config, spark, new Writer(3, false));
            assertEquals("3/3", read(config, spark, true));
        } finally {
            LakeSession.finish(spark);
        }
    }

    /** A run that cannot read the published versions does nothing and leaves no lock behind for its retry. */
    @Test
    void aRunThatCannotReadThePublishedVersionsRunsNothingAndFreesItsLock() throws Exception {
        AppConfig config = new AppConfigLoader().load(TestConfigs.local(dir), List.of());
        SparkSession spark = LakeSession.start(config);
        try {
            LakeTables lake = LakeTables.forConfig(spark, config);
            run(config, spark, new Writer(1, false));
            // job_runs' log made unreadable: the versions this run would read at are unknown.
            Path log = dir.resolve("data/warehouse/delta/" + config.lake().namespace() + "/job_runs/_delta_log");
            try (var commits = Files.list(log)) {
                for (Path commit : commits.filter(
                                p -> p.getFileName().toString().endsWith(".json"))
                        .toList()) {
                    Files.writeString(commit, "not a commit");
                }
            }
            try (var checkpoints = Files.list(log)) {
                for (Path other : checkpoints
                        .filter(p -> !p.getFileName().toString().endsWith(".json"))
                        .toList()) {
                    if (Files.isRegularFile(other)) {
                        Files.delete(other);
                    }
                }
            }
            Writer writer = new Writer(2, false);
            assertThrows(
                    Exception.class,
                    () -> JobRunner.runRecorded(
                            writer.loaded(config),
                            new JobContext(
                                    config,
                                    spark,
                                    LakeTables.forConfig(spark, config),
                                    DAY,
                                    UUID.randomUUID().toString()),
                            QualityChecks.none(),
                            "test writer"));
            assertEquals(1, value(lake, FIRST), "the job did not run");
            assertEquals(
                    List.of(),
                    new JobLocks(spark, lake, Duration.ofMinutes(30)).claims("writer", DAY),
                    "no claim is left to block the retry");
        } finally {
            LakeSession.finish(spark);
        }
    }
}
