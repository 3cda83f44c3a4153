package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.quality.QualityChecks;
import io.audiencelake.common.runs.JobLocks;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.spark.LakeSession;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM that exits under a running job (Spark's exit on a fatal error in a task, SIGTERM from a scheduler)
 * still records the run as failed and frees its lock, so the retry runs at once. Each case runs the job in a
 * JVM of its own, because the point is that JVM's end.
 */
class ExitGuardTest {
    private static final LocalDate DAY = LocalDate.parse("2025-06-01");
    private static final String JOB = "guarded";

    @TempDir
    Path dir;

    /** The child JVM: runs the guarded job; {@code fatal} overflows a task's stack, {@code sigterm} waits to be stopped. */
    public static void main(String[] args) throws Exception {
        Path env = Path.of(args[0]);
        String mode = args[1];
        Path started = Path.of(args[2]);
        AppConfig config = new AppConfigLoader()
                .load(env, List.of())
                .withLake(new AppConfigLoader().load(env, List.of()).lake().withTableFormat(TableFormat.DELTA));
        SparkSession spark = LakeSession.start(config);
        Job<Void> job = new Job<>() {
            @Override
            public String name() {
                return JOB;
            }

            @Override
            public Void load(AppConfig config) {
                return null;
            }

            @Override
            public JobResult run(JobContext context, Void none) throws Exception {
                Files.writeString(started, "started");
                if (mode.equals("fatal")) {
                    context.spark()
                            .createDataset(List.of(1L), Encoders.LONG())
                            .map((MapFunction<Long, Long>) ExitGuardTest::deep, Encoders.LONG())
                            .count();
                } else {
                    Thread.sleep(TimeUnit.MINUTES.toMillis(10));
                }
                return new JobResult(0, 0, 0, Map.of());
            }
        };
        JobRunner.runRecorded(
                job.loaded(config),
                new JobContext(
                        config,
                        spark,
                        LakeTables.forConfig(spark, config),
                        DAY,
                        UUID.randomUUID().toString()),
                QualityChecks.none(),
                "guarded " + mode);
    }

    /** Recursion without end: a StackOverflowError inside a Spark task, which Spark treats as fatal. */
    @SuppressWarnings("InfiniteRecursion") // the point of the test
    private static long deep(long n) {
        return deep(n + 1) + 1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fatal", "sigterm"})
    void aJvmThatExitsUnderAJobRecordsItAsFailedAndFreesItsLock(String mode) throws Exception {
        Path env = TestConfigs.local(dir);
        Path started = dir.resolve("started");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
                .toList());
        command.addAll(List.of(
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                ExitGuardTest.class.getName(),
                env.toString(),
                mode,
                started.toString()));
        Process child = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        try {
            if (mode.equals("sigterm")) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
                while (!Files.exists(started) && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertTrue(
                        Files.exists(started),
                        "the child job never started: " + Files.readString(dir.resolve("child.log")));
                child.destroy(); // SIGTERM
            }
            assertTrue(child.waitFor(4, TimeUnit.MINUTES), "the child JVM did not end");
        } finally {
            child.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("child.log"));
        assertTrue(Files.exists(started), "the child job never started: " + log);
        if (mode.equals("fatal")) {
            assertTrue(log.contains("StackOverflowError"), log);
        }

        LakeCheck.inSession(env, TableFormat.DELTA, lake -> {
            List<Row> runs = lake.read(JobRuns.SPEC)
                    .where(col(JobRuns.JOB).equalTo(JOB))
                    .select(JobRuns.STATUS, JobRuns.ERROR)
                    .collectAsList();
            assertEquals(1, runs.size(), "one recorded run: " + runs + "\n" + log);
            assertEquals(JobRuns.FAILED, runs.get(0).getString(0));
            assertEquals(ExitGuard.ERROR, runs.get(0).getString(1));
            assertEquals(
                    0, lake.exists(JobLocks.SPEC) ? lake.read(JobLocks.SPEC).count() : 0, "the lock is released");
        });
    }
}
