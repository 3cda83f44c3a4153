package io.audiencelake.jobs;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.spark.LakeSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs many command lines in one Spark application: each line of the file is what would follow
 * {@code audiencelake} on a command line, and runs exactly as it would there (its own config, lock,
 * quality gates and {@code job_runs} row), in a new session of one application. Starting Spark costs
 * seconds per launch; a sequence of small jobs (a demo, a backfill of several jobs, a test) pays it once.
 */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = "Run the command lines of FILE (one per line, as given to audiencelake; '#' starts a comment) in "
                + "one Spark application, stopping at the first that fails.")
public final class BatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The command lines, one per line; '-' reads standard input.")
    String file;

    @Option(names = "--echo", description = "Print comment lines (without the '#') as they are reached, to narrate.")
    boolean echo;

    /** Each line's command words (none for comments and blank lines); every bad line is refused at once. */
    private List<List<String>> commands(List<String> lines) {
        List<List<String>> commands = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            try {
                List<String> args = line.startsWith("#") ? List.of() : words(line);
                if (!args.isEmpty() && args.get(0).equals("batch")) {
                    throw new IllegalArgumentException("a batch cannot run a batch");
                }
                commands.add(args);
            } catch (IllegalArgumentException e) {
                problems.add(file + ": line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return commands;
    }

    @Override
    public Integer call() throws IOException {
        List<String> lines = file.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        .lines()
                        .toList()
                : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        List<List<String>> commands = commands(lines);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean keptBefore = Boolean.getBoolean(LakeSession.KEEP_RUNNING);
        System.setProperty(LakeSession.KEEP_RUNNING, "true");
        try {
            for (int i = 0; i < commands.size(); i++) {
                List<String> args = commands.get(i);
                String line = lines.get(i).strip();
                if (args.isEmpty()) {
                    if (echo && line.startsWith("#")) {
                        out.println(line.substring(1).strip());
                        out.flush();
                    }
                    continue;
                }
                CommandLine cli = Main.commandLine();
                cli.setOut(out);
                cli.setErr(err);
                int code = cli.execute(args.toArray(String[]::new));
                if (code != Main.OK) {
                    err.println("audiencelake batch: line " + (i + 1) + " exited " + code + " (" + line
                            + "); the lines after it " + "did not run");
                    err.flush();
                    return code;
                }
            }
            return Main.OK;
        } finally {
            if (!keptBefore) {
                System.clearProperty(LakeSession.KEEP_RUNNING);
                // The application the lines shared ends with the batch, as a single command's would.
                if (SparkSession.getDefaultSession().isDefined()) {
                    SparkSession.getDefaultSession().get().stop();
                }
            }
        }
    }

    /**
     * A line split into words as a POSIX shell would for plain arguments: whitespace separates, single quotes
     * keep everything, double quotes keep everything but a backslash before {@code "} or {@code \}, and a
     * backslash outside quotes keeps the next character. No variables, globs or pipes: a batch is data.
     */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\'
                        && i + 1 < line.length()
                        && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
            } else {
                if (word == null) {
                    word = new StringBuilder();
                }
                if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " quote");
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }
}
