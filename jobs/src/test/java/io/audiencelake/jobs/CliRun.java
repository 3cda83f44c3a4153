package io.audiencelake.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The exit code and output of one in-process command line run. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
