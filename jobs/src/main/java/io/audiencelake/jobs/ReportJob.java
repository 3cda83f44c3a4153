package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.DataPaths;
import io.audiencelake.common.report.ReportWindow;
import io.audiencelake.common.report.RunReport;
import io.audiencelake.common.report.RunReportPage;
import io.audiencelake.common.report.RunReportSource;
import io.audiencelake.common.storage.ReportFile;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes the run report of a date: one self-contained HTML page with charts of what the jobs did over the
 * last days, every number read from the lake tables.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write the HTML run report of a date (feeds and quarantine, identity, segments and overlaps, "
                + "lookalike lift and AUC, exports, job run times, quality gates) under the reports root.")
public final class ReportJob implements Job<ReportWindow>, Callable<Integer> {
    /** The page's name in its date's folder of the reports root. */
    public static final String FILE_NAME = "report.html";

    private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--days",
            paramLabel = "N",
            defaultValue = "" + ReportWindow.DAYS_DEFAULT,
            description = "Days of trends, ending at --date (default ${DEFAULT-VALUE}, at most " + ReportWindow.MAX_DAYS
                    + ").")
    int days;

    @Option(
            names = "--output",
            paramLabel = "PATH",
            description = "Write the page here instead of " + "<reports>/dt=<date>/" + FILE_NAME
                    + " (a local path or an s3a:// URI).")
    String output;

    @Override
    public String name() {
        return "report";
    }

    @Override
    public ReportWindow load(AppConfig config) {
        return new ReportWindow(options.date(), days);
    }

    /** Where the report of {@code date} goes by default. */
    static String location(AppConfig config, LocalDate date) {
        return DataPaths.join(config.paths().reports(), "dt=" + date + "/" + FILE_NAME);
    }

    @Override
    public JobResult run(JobContext context, ReportWindow window) {
        context.step(name(), "read the lake tables of " + window.first() + " to " + window.date());
        RunReport report = new RunReportSource(context.lake())
                .read(
                        window,
                        context.config().environment(),
                        context.config().lake().tableFormat().name().toLowerCase(Locale.ROOT));
        context.step(name(), "write the page");
        String html = RunReportPage.html(report);
        String path = ReportFile.write(
                context.spark(), output != null ? output : location(context.config(), context.date()), html);
        LOG.info("run report of {} ({} days) written to {}: {} bytes", context.date(), days, path, html.length());
        PrintWriter out = spec.commandLine().getOut();
        out.println("run report written to " + path);
        out.flush();
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("days", (long) days);
        counts.put("job_runs", (long) report.jobRuns().size());
        counts.put(
                "segments",
                report.segmentDays().stream()
                        .filter(d -> d.dt().equals(context.date()))
                        .count());
        counts.put("models", (long) report.models().size());
        counts.put("bytes", (long) html.length());
        return new JobResult(0, 0, 0, counts);
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
