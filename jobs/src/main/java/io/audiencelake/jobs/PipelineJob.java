package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.quality.QualityChecks;
import io.audiencelake.common.spark.LakeSession;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the nightly jobs in order for a date or a range of dates in one Spark application, each job
 * under its lock and quality gates and recorded in {@code job_runs}; stops at the first failure and
 * prints the command that resumes there.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = "Run ingest, identity, profiles, segments, lookalike, export and report for a date (--date) or a "
                + "range (--dates D1..D2, oldest first), stopping at the first failure; --from resumes at a job.")
public final class PipelineJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);
    private static final String REPORT = "report";

    @Spec
    CommandSpec spec;

    @Mixin
    EnvironmentOptions environment;

    @Option(
            names = {"-d", "--date"},
            paramLabel = "YYYY-MM-DD",
            description = "The data date to process.")
    LocalDate date;

    @Option(
            names = "--dates",
            paramLabel = "D1..D2",
            description = "Backfill every date from D1 to D2 (inclusive), " + "oldest first.")
    String dates;

    @Option(
            names = "--from",
            paramLabel = "JOB",
            description = "Start at this job on the first date (resume after a " + "failure); later dates run whole.")
    String from;

    @Option(names = "--to", paramLabel = "JOB", description = "Stop after this job on each date.")
    String to;

    @Option(
            names = "--lookback-days",
            paramLabel = "N",
            defaultValue = "0",
            description = "Ingest also looks at the "
                    + "N landing dates before each date, for files that arrived late (ingest --since).")
    int lookbackDays;

    @Override
    public Integer call() throws Exception {
        LocalDate[] range = dateRange();
        LocalDate first = range[0];
        LocalDate last = range[1];
        PipelinePlan plan = PipelinePlan.of(first, last, from, to);
        AppConfig appConfig = environment.load();
        // Every job's configuration is checked before anything runs, so a mistake costs nothing.
        for (String name : PipelinePlan.JOBS) {
            job(name, first).load(appConfig);
        }
        QualityChecks checks = JobRunner.qualityChecks(appConfig);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf("pipeline: %d step(s): %s%n", plan.steps().size(), summary(plan));
        out.flush();
        long startingAt = System.nanoTime();
        SparkSession spark = LakeSession.start(appConfig);
        // The session's start is the first step's: later steps found it started.
        Duration startup = Duration.ofNanos(System.nanoTime() - startingAt);
        try {
            LakeTables lake = LakeTables.forConfig(spark, appConfig);
            for (PipelinePlan.Step step : plan.steps()) {
                Instant started = Instant.now();
                String failure = run(step, appConfig, spark, lake, checks, startup);
                startup = Duration.ZERO;
                if (failure != null) {
                    err.println("audiencelake pipeline stopped: " + step + " failed: " + failure);
                    err.println("  the jobs after it did not run; resume with: " + plan.resumeCommand(step, last, to));
                    err.flush();
                    reportAfterFailure(step, appConfig, spark, lake, checks, out);
                    return Main.FAILED;
                }
                out.printf(
                        "pipeline: %s succeeded in %.1f s%n",
                        step, (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0);
                out.flush();
            }
        } finally {
            LakeSession.finish(spark);
        }
        out.printf("pipeline: done (%d step(s))%n", plan.steps().size());
        out.flush();
        return Main.OK;
    }

    /** The first and last date of {@code --date} or {@code --dates}, exactly one of which is given. */
    private LocalDate[] dateRange() {
        if ((date == null) == (dates == null)) {
            throw new ConfigException("give either --date YYYY-MM-DD or --dates YYYY-MM-DD..YYYY-MM-DD");
        }
        if (date != null) {
            return new LocalDate[] {date, date};
        }
        String[] range = dates.split("\\.\\.", -1);
        try {
            if (range.length != 2) {
                throw new DateTimeParseException("no ..", dates, 0);
            }
            return new LocalDate[] {LocalDate.parse(range[0].trim()), LocalDate.parse(range[1].trim())};
        } catch (DateTimeParseException e) {
            throw new ConfigException("--dates: expected YYYY-MM-DD..YYYY-MM-DD, cannot be: '" + dates + "'");
        }
    }

    /** Runs one step as its own recorded job run; returns why it failed, or null. */
    private String run(
            PipelinePlan.Step step,
            AppConfig appConfig,
            SparkSession spark,
            LakeTables lake,
            QualityChecks checks,
            Duration startup) {
        try {
            JobResult result = JobRunner.runRecorded(
                    job(step.job(), step.date()).loaded(appConfig),
                    new JobContext(
                            appConfig,
                            spark,
                            lake,
                            step.date(),
                            UUID.randomUUID().toString()),
                    checks,
                    Main.commandLine(spec) + " [" + step + "]",
                    startup);
            return result.failed() ? String.join("; ", result.failures()) : null;
        } catch (ConfigException e) {
            return String.join("; ", e.problems());
        } catch (Exception e) {
            LOG.error("pipeline: {} failed", step, e);
            return e.getMessage();
        }
    }

    /**
     * The failed date's run report is written all the same (a failed night is when people read it most),
     * unless the run was not to reach the report ({@code --to}) or the report itself failed.
     */
    private void reportAfterFailure(
            PipelinePlan.Step failed,
            AppConfig appConfig,
            SparkSession spark,
            LakeTables lake,
            QualityChecks checks,
            PrintWriter out) {
        if (failed.job().equals(REPORT) || (to != null && !to.equals(REPORT))) {
            return;
        }
        PipelinePlan.Step report = new PipelinePlan.Step(failed.date(), REPORT);
        String failure = run(report, appConfig, spark, lake, checks, Duration.ZERO);
        out.println(
                failure == null
                        ? "pipeline: " + report + " written all the same, showing the failure"
                        : "pipeline: " + report + " failed too: " + failure);
        out.flush();
    }

    private static String summary(PipelinePlan plan) {
        List<String> shown =
                plan.steps().stream().map(PipelinePlan.Step::toString).limit(8).toList();
        return String.join(", ", shown) + (plan.steps().size() > shown.size() ? ", ..." : "");
    }

    /** A job as its own command line would make it, so its options take their documented defaults. */
    private Job<?> job(String name, LocalDate day) {
        Job<?> job = Commands.named(name).newJob();
        CommandLine cli = new CommandLine(job);
        cli.setOut(spec.commandLine().getOut());
        cli.setErr(spec.commandLine().getErr());
        List<String> args =
                new ArrayList<>(List.of("--config", environment.config.toString(), "--date", day.toString()));
        if (name.equals("ingest") && lookbackDays > 0) {
            args.add("--since");
            args.add(day.minusDays(lookbackDays).toString());
        }
        environment.overrides.forEach(o -> {
            args.add("--set");
            args.add(o);
        });
        cli.parseArgs(args.toArray(String[]::new));
        return job;
    }
}
