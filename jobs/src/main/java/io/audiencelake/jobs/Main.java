package io.audiencelake.jobs;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.config.Secrets;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The audiencelake command line: {@code audiencelake <job> --config FILE --date YYYY-MM-DD}. The
 * same class runs under the local launcher and under spark-submit.
 */
@Command(
        name = "audiencelake",
        mixinStandardHelpOptions = true,
        version = Main.VERSION,
        description = "Batch audience-processing jobs on Apache Spark over Delta Lake or Apache Iceberg tables.",
        commandListHeading = "%nJobs:%n",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  2  bad usage or config (nothing was written)", "  1  the job failed"})
public final class Main implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    static final String VERSION = "audiencelake 0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @CommandLine.Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this; main exits with it). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        for (Commands.Registered command : Commands.ALL) {
            cli.addSubcommand(command.name(), command.factory().get());
            // Every command answers --version as the program does.
            cli.getSubcommands().get(command.name()).getCommandSpec().version(VERSION);
        }
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            PrintWriter err = command.getErr();
            if (e instanceof ConfigException config) {
                err.println("audiencelake " + command.getCommandName() + ": "
                        + String.join(System.lineSeparator() + "  ", config.problems()));
                err.flush();
                return USAGE;
            }
            LOG.error("audiencelake {} failed", command.getCommandName(), e);
            err.println("audiencelake " + command.getCommandName() + " failed: " + rootMessage(e));
            err.flush();
            return FAILED;
        });
        return cli;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (caused by " + root + ")";
    }

    /** The command line that started a job, for {@code job_runs}. */
    static String commandLine(CommandSpec spec) {
        // Recorded in job_runs: secret overrides (--set privacy.linkage_key=...) are redacted.
        List<String> args =
                Secrets.redactArguments(spec.commandLine().getParseResult().originalArgs());
        return "audiencelake " + String.join(" ", args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }
}
