package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.runs.JobRun;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.spark.LakeSession;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job the same way every time: config is loaded and validated before Spark starts (so a
 * mistake costs nothing and writes nothing), the job runs, and the run is recorded in
 * {@code job_runs} whether it succeeded or failed.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private JobRunner() {}

  /**
   * The command line's way in: runs the job and returns its exit code, {@link Main#FAILED} when
   * part of it failed (the failures are printed), {@link Main#OK} otherwise.
   */
  public static int exitCode(Job job, JobOptions options, picocli.CommandLine.Model.CommandSpec spec)
      throws Exception {
    JobResult result = execute(job, options, Main.commandLine(spec));
    if (result.failed()) {
      java.io.PrintWriter err = spec.commandLine().getErr();
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
  public static int validateOnly(Job job, JobOptions options, picocli.CommandLine.Model.CommandSpec spec,
      java.util.function.BiConsumer<AppConfig, java.io.PrintWriter> report) {
    AppConfig config = new AppConfigLoader().load(options.config(), options.overrides());
    job.validate(config);
    java.io.PrintWriter out = spec.commandLine().getOut();
    report.accept(config, out);
    out.flush();
    return Main.OK;
  }

  /** Runs the job; returns its result or throws its error (after recording the failed run). */
  public static JobResult execute(Job job, JobOptions options, String commandLine) throws Exception {
    AppConfig config = new AppConfigLoader().load(options.config(), options.overrides());
    job.validate(config);
    SparkSession spark = LakeSession.start(config);
    try {
      return runRecorded(job, new JobContext(config, spark, LakeTables.forConfig(spark, config), options.date(),
          UUID.randomUUID().toString()), commandLine);
    } finally {
      spark.stop();
    }
  }

  static JobResult runRecorded(Job job, JobContext context, String commandLine) throws Exception {
    Instant started = Instant.now();
    LOG.info("{} {} started (run {})", job.name(), context.date(), context.runId());
    JobResult result;
    try {
      result = job.run(context);
    } catch (Exception | Error e) {
      record(context, job, started, new JobResult(0, 0, 0, Map.of()), JobRuns.FAILED, describe(e), commandLine);
      throw e;
    }
    record(context, job, started, result, result.failed() ? JobRuns.FAILED : JobRuns.SUCCEEDED,
        result.failed() ? String.join("; ", result.failures()) : null, commandLine);
    result.failures().forEach(f -> LOG.error("{} {}: {}", job.name(), context.date(), f));
    LOG.info("{} {} {} in {} s: rows in {}, out {}, quarantined {}; {}", job.name(), context.date(),
        result.failed() ? "finished with failures" : "succeeded",
        (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0, result.rowsIn(), result.rowsOut(),
        result.rowsQuarantined(), result.counts());
    return result;
  }

  private static void record(JobContext c, Job job, Instant started, JobResult r, String status, String error,
      String commandLine) {
    JobRun run = new JobRun(c.runId(), job.name(), c.date(), status, started, Instant.now(), r.rowsIn(),
        r.rowsOut(), r.rowsQuarantined(), r.counts(), error, commandLine,
        c.config().lake().tableFormat().name().toLowerCase(java.util.Locale.ROOT),
        c.spark().sparkContext().applicationId());
    try {
      c.step(job.name(), "record run");
      run.record(c.spark(), c.lake());
    } catch (RuntimeException e) {
      if (JobRuns.SUCCEEDED.equals(status)) {
        throw e;
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
