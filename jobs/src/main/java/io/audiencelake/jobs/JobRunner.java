package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.PublishedReads;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lake.TableVersion;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.quality.QualityChecks;
import io.audiencelake.common.quality.QualityChecksLoader;
import io.audiencelake.common.quality.QualityGatedTables;
import io.audiencelake.common.runs.JobLocks;
import io.audiencelake.common.runs.JobRun;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.spark.LakeSession;
import io.audiencelake.common.spark.SparkJobMeter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a job the same way every time: config is loaded and validated before Spark starts (so a
 * mistake costs nothing and writes nothing), the job runs, and the run is recorded in
 * {@code job_runs} whether it succeeded or failed.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** How long a reading of the job meter waits for the end events of jobs that already ran. */
    private static final long SETTLE_MILLIS = 2_000;

    private JobRunner() {}

    /**
     * The command line's way in: runs the job and returns its exit code, {@link Main#FAILED} when
     * part of it failed (the failures are printed), {@link Main#OK} otherwise.
     */
    public static int exitCode(Job<?> job, JobOptions options, CommandSpec spec) throws Exception {
        JobResult result = execute(job, options, Main.commandLine(spec));
        if (result.failed()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("audiencelake " + job.name() + " finished with failures (what succeeded is committed):");
            result.failures().forEach(f -> err.println("  " + f));
            err.flush();
            return Main.FAILED;
        }
        return Main.OK;
    }

    /**
     * The {@code --validate} way in: loads the config, runs the job's own checks (no Spark starts), prints
     * {@code report} of what was checked, and returns {@link Main#OK}; a mistake throws ConfigException (exit 2).
     */
    public static <D> int validateOnly(Job<D> job, JobOptions options, CommandSpec spec, ValidationReport<D> report) {
        AppConfig config = new AppConfigLoader().load(options.config(), options.overrides());
        D definitions = job.load(config);
        PrintWriter out = spec.commandLine().getOut();
        report.print(config, definitions, out);
        out.flush();
        return Main.OK;
    }

    /** What {@code --validate} prints after loading a job's definitions. */
    @FunctionalInterface
    public interface ValidationReport<D> {
        void print(AppConfig config, D definitions, PrintWriter out);
    }

    /** Runs the job; returns its result or throws its error (after recording the failed run). */
    public static JobResult execute(Job<?> job, JobOptions options, String commandLine) throws Exception {
        AppConfig config = new AppConfigLoader().load(options.config(), options.overrides());
        Job.Loaded<?> loaded = job.loaded(config);
        QualityChecks checks = qualityChecks(config);
        long startingAt = System.nanoTime();
        SparkSession spark = LakeSession.start(config);
        Duration startup = Duration.ofNanos(System.nanoTime() - startingAt);
        try {
            return runRecorded(
                    loaded,
                    new JobContext(
                            config,
                            spark,
                            LakeTables.forConfig(spark, config),
                            options.date(),
                            UUID.randomUUID().toString()),
                    checks,
                    commandLine,
                    startup);
        } finally {
            LakeSession.finish(spark);
        }
    }

    /** The environment's quality checks, checked against the tables the jobs write (before Spark starts). */
    static QualityChecks qualityChecks(AppConfig config) {
        if (!Files.exists(config.operations().quality())) {
            return QualityChecks.none();
        }
        ProfileRules traits = ProfileRulesLoader.load(
                config.traits(), FeedContracts.load(config.feedContracts()).values());
        Map<String, TableSpec> tables = new LinkedHashMap<>();
        LakeCatalog.byName(traits).forEach((name, product) -> tables.put(name, product.spec()));
        return QualityChecksLoader.load(config.operations().quality(), tables);
    }

    /**
     * Runs the job under its lock (one run per job and date at a time), with the quality gates in front of
     * its writes, and records the run in {@code job_runs} with the versions it published (which is also where
     * a table's freshness is read from: {@link JobRuns#freshness}).
     */
    static JobResult runRecorded(Job.Loaded<?> job, JobContext plain, QualityChecks checks, String commandLine)
            throws Exception {
        return runRecorded(job, plain, checks, commandLine, Duration.ZERO);
    }

    /**
     * As {@link #runRecorded(Job.Loaded, JobContext, QualityChecks, String)}, with the time it took to start the
     * Spark session this run is the first of ({@code startup}), recorded and logged beside the time in the
     * job's own work ({@code spark}) and in the runner's bookkeeping (lock, published versions,
     * the run's record).
     */
    static JobResult runRecorded(
            Job.Loaded<?> job, JobContext plain, QualityChecks checks, String commandLine, Duration startup)
            throws Exception {
        Instant started = Instant.now();
        Timing timing = new Timing(startup);
        LOG.info("{} {} started (run {})", job.name(), plain.date(), plain.runId());
        JobLocks locks = new JobLocks(
                plain.spark(),
                plain.lake(),
                Duration.ofMinutes(plain.config().operations().lockStaleMinutes()));
        Map<String, Long> pins = lockAndReadPins(job, plain, locks, started, timing, commandLine);
        PublishedReads published = new PublishedReads(plain.lake(), job.readsPublishedVersions() ? pins : Map.of());
        QualityGatedTables gated =
                new QualityGatedTables(published, plain.spark(), checks, plain.runId(), job.name(), plain.date());
        JobContext context = new JobContext(plain.config(), plain.spark(), gated, plain.date(), plain.runId());
        JobResult result;
        ScheduledExecutorService heartbeat = heartbeat(locks, job, context, holder(plain));
        ExitGuard guard = ExitGuard.register(() -> {
            LOG.error(
                    "{} {}: the JVM is exiting during run {}; recording it as failed and releasing its lock",
                    job.name(),
                    context.date(),
                    context.runId());
            recordFailed(context, job, started, timing, ExitGuard.ERROR, commandLine);
            locks.release(job.name(), context.date(), context.runId());
        });
        try {
            result = runGuarded(job, plain.lake(), context, published, guard, started, timing, commandLine);
        } finally {
            guard.remove();
            stop(heartbeat);
            release(locks, job, context, timing);
        }
        result.failures().forEach(f -> LOG.error("{} {}: {}", job.name(), context.date(), f));
        LOG.info(
                "{} {} {} in {} s ({}): rows in {}, out {}, quarantined {}; {}",
                job.name(),
                context.date(),
                result.failed() ? "finished with failures" : "succeeded",
                (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0,
                timing.describe(started),
                result.rowsIn(),
                result.rowsOut(),
                result.rowsQuarantined(),
                result.counts());
        return result;
    }

    /**
     * Claims the job lock while reading the published versions (job_runs): two small tables, each a few
     * latency-bound Spark jobs, so overlapping them saves most of the shorter one. A failure of either is recorded
     * as the run's and releases what was claimed.
     */
    private static Map<String, Long> lockAndReadPins(
            Job.Loaded<?> job, JobContext plain, JobLocks locks, Instant started, Timing timing, String commandLine)
            throws Exception {
        CompletableFuture<Map<String, Long>> pinsRead = CompletableFuture.supplyAsync(
                () -> timing.phase("published", () -> JobRuns.published(plain.lake())), work -> {
                    Thread t = new Thread(work, "audiencelake-published-versions");
                    t.setDaemon(true);
                    t.start();
                });
        try {
            plain.step(job.name(), "take the job lock");
            timing.phase("lock", () -> locks.acquire(job.name(), plain.date(), plain.runId(), holder(plain)));
        } catch (Exception | Error e) {
            pinsRead.exceptionally(ignored -> Map.of()).join(); // no read outlives its run
            recordFailed(plain, job, started, timing, describe(e), commandLine);
            throw e;
        }
        try {
            return settled(pinsRead);
        } catch (Exception | Error e) {
            try {
                recordFailed(plain, job, started, timing, describe(e), commandLine);
            } finally {
                locks.release(job.name(), plain.date(), plain.runId());
            }
            throw e;
        }
    }

    /**
     * Runs the job, metered, and records its outcome unless the exit guard already did (the JVM is exiting). A run
     * that returned is whole, also with failed parts (a failed file is recorded as failed, the rest committed
     * complete): it publishes. A run that threw publishes nothing.
     */
    private static JobResult runGuarded(
            Job.Loaded<?> job,
            LakeTables lake,
            JobContext context,
            PublishedReads published,
            ExitGuard guard,
            Instant started,
            Timing timing,
            String commandLine)
            throws Exception {
        JobResult result;
        Map<String, TableVersion> versions;
        try {
            SparkJobMeter meter = SparkJobMeter.of(context.spark().sparkContext());
            SparkJobMeter.Reading jobsBefore = meter.read(SETTLE_MILLIS);
            long runningAt = System.nanoTime();
            try {
                result = job.run(context);
            } finally {
                timing.spark = Duration.ofNanos(System.nanoTime() - runningAt);
                timing.sparkJobs = meter.read(SETTLE_MILLIS).since(jobsBefore);
            }
            versions = timing.phase("versions", () -> versionsToPublish(lake, published.touched()));
        } catch (Exception | Error e) {
            if (guard.claim()) {
                recordFailed(context, job, started, timing, describe(e), commandLine);
            }
            throw e;
        }
        if (guard.claim()) {
            record(
                    context,
                    job,
                    started,
                    timing,
                    result,
                    result.failed() ? JobRuns.FAILED : JobRuns.SUCCEEDED,
                    result.failed() ? String.join("; ", result.failures()) : null,
                    commandLine,
                    versions);
        }
        return result;
    }

    /** Releases the run's lock; a failure to is logged, never replacing the run's own outcome. */
    private static void release(JobLocks locks, Job.Loaded<?> job, JobContext context, Timing timing) {
        try {
            timing.phase("release", () -> locks.release(job.name(), context.date(), context.runId()));
        } catch (Exception e) { // Spark's AnalysisException is checked: it must not replace the run's own outcome
            LOG.error(
                    "could not release the lock of {} {} (run {}); it lapses {} min after its last heartbeat",
                    job.name(),
                    context.date(),
                    context.runId(),
                    context.config().operations().lockStaleMinutes(),
                    e);
        }
    }

    /**
     * Renews the run's lock in the background while the job runs, so that a run that dies (SIGKILL, a fatal
     * error that ends the JVM) leaves a lock that lapses within minutes instead of blocking every retry.
     */
    private static ScheduledExecutorService heartbeat(
            JobLocks locks, Job.Loaded<?> job, JobContext context, String holder) {
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audiencelake-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, locks.heartbeatEvery().toSeconds());
        beat.scheduleWithFixedDelay(
                () -> {
                    try {
                        locks.heartbeat(job.name(), context.date(), context.runId(), holder);
                    } catch (
                            Exception e) { // an exception escaping a scheduled task would silently end every later beat
                        LOG.warn(
                                "could not renew the lock of {} {} (run {}); will try again",
                                job.name(),
                                context.date(),
                                context.runId(),
                                e);
                    }
                },
                every,
                every,
                TimeUnit.SECONDS);
        return beat;
    }

    /** The value of {@code read} once it has finished, or its own error (not wrapped). */
    private static <T> T settled(CompletableFuture<T> read) throws Exception {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void stop(ScheduledExecutorService heartbeat) {
        heartbeat.shutdown();
        try {
            // A beat in flight finishes before the claim is released, so no beat lands after the release.
            heartbeat.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String holder(JobContext c) {
        return JobLocks.holder(c.spark().sparkContext().applicationId());
    }

    /**
     * The current version of each data table the run touched, to publish with its {@code job_runs} row (one
     * commit: the run succeeded and its versions are visible together, or neither). Operations tables are
     * always read at their latest version.
     */
    private static Map<String, TableVersion> versionsToPublish(LakeTables lake, List<TableSpec> touched) {
        Map<String, TableVersion> out = new TreeMap<>();
        for (TableSpec table : touched) {
            if (!LakeCatalog.OPERATIONS.contains(table.name())) {
                out.put(table.name(), lake.currentVersion(table));
            }
        }
        return out;
    }

    /** Where a run's time went: starting Spark, the job's own work, and the runner's bookkeeping around it. */
    static final class Timing {
        final Duration startup;
        volatile Duration spark = Duration.ZERO;
        /** The Spark jobs of the job's own work and how long at least one of them ran; the rest is driver time. */
        volatile SparkJobMeter.Reading sparkJobs = new SparkJobMeter.Reading(0, 0);
        /** The bookkeeping's parts, in the order they ran (for the log line: which part to make cheaper). */
        private final Map<String, Duration> phases = Collections.synchronizedMap(new LinkedHashMap<>());

        Timing(Duration startup) {
            this.startup = startup;
        }

        /** Everything since {@code started} that was not the job's own work. */
        Duration bookkeeping(Instant started) {
            return Duration.between(started, Instant.now()).minus(spark);
        }

        <T> T phase(String name, Supplier<T> work) {
            long at = System.nanoTime();
            try {
                return work.get();
            } finally {
                phases.merge(name, Duration.ofNanos(System.nanoTime() - at), Duration::plus);
            }
        }

        void phase(String name, Runnable work) {
            phase(name, () -> {
                work.run();
                return null;
            });
        }

        String describe(Instant started) {
            StringBuilder parts = new StringBuilder();
            synchronized (phases) {
                phases.forEach((name, d) ->
                        parts.append(String.format(Locale.ROOT, " %s_s=%.2f", name, d.toMillis() / 1000.0)));
            }
            // spark_s split: in_jobs_s while Spark jobs ran, driver_s between them (planning, table metadata, commits).
            double inJobs = Math.min(sparkJobs.busyMillis(), spark.toMillis()) / 1000.0;
            return String.format(
                    Locale.ROOT,
                    "spark_s=%.1f bookkeeping_s=%.1f startup_s=%.1f; spark_jobs=%d in_jobs_s=%.1f driver_s=%.1f;%s",
                    spark.toMillis() / 1000.0,
                    bookkeeping(started).toMillis() / 1000.0,
                    startup.toMillis() / 1000.0,
                    sparkJobs.jobs(),
                    inJobs,
                    spark.toMillis() / 1000.0 - inJobs,
                    parts);
        }
    }

    /** Records a run that failed before or while the job ran: nothing read, written or published. */
    private static void recordFailed(
            JobContext c, Job.Loaded<?> job, Instant started, Timing timing, String error, String commandLine) {
        record(c, job, started, timing, new JobResult(0, 0, 0, Map.of()), JobRuns.FAILED, error, commandLine, Map.of());
    }

    private static void record(
            JobContext c,
            Job.Loaded<?> job,
            Instant started,
            Timing timing,
            JobResult r,
            String status,
            String error,
            String commandLine,
            Map<String, TableVersion> published) {
        JobRun run = new JobRun(
                c.runId(),
                job.name(),
                c.date(),
                status,
                started,
                Instant.now(),
                r.rowsIn(),
                r.rowsOut(),
                r.rowsQuarantined(),
                r.counts(),
                error,
                commandLine,
                c.config().lake().tableFormat().name().toLowerCase(Locale.ROOT),
                c.spark().sparkContext().applicationId(),
                published,
                new JobRun.Split(timing.startup, timing.spark, timing.bookkeeping(started)));
        try {
            c.step(job.name(), "record run");
            timing.phase("record", () -> run.record(c.spark(), c.lake()));
        } catch (Exception e) {
            // Spark's AnalysisException (a table that cannot be read) is not a RuntimeException.
            if (JobRuns.SUCCEEDED.equals(status)) {
                throw e instanceof RuntimeException unchecked
                        ? unchecked
                        : new IllegalStateException("could not record run " + c.runId() + " in job_runs", e);
            }
            // Never hide the job's own error behind a failure to record it.
            LOG.error("could not record the failed run {} in job_runs", c.runId(), e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        return message.length() > 2000 ? message.substring(0, 2000) : message;
    }
}
