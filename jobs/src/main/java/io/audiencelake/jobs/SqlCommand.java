package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A Spark SQL shell over the lake: every table the jobs wrote is registered and the lake's namespace is
 * the current one, so {@code SELECT * FROM segment_membership} and the qualified names both work.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description =
                "Run Spark SQL on the lake tables: the statements given, or a shell reading statements ended by ';'.")
public final class SqlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EnvironmentOptions environment;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            description = "Run the statements of this file.")
    Path file;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "Rows shown per query " + "(default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--tsv", description = "Print rows as tab-separated values with a header line (for scripts).")
    boolean tsv;

    @Parameters(
            paramLabel = "STATEMENT",
            arity = "0..*",
            description = "Statements to run (quote each); none and no " + "--file: read them from standard input.")
    List<String> statements = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        AppConfig appConfig = environment.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SparkSession spark = LakeSession.start(appConfig);
        try {
            int registered = register(spark, appConfig);
            List<String> toRun = new ArrayList<>();
            statements.forEach(s -> toRun.addAll(SqlStatements.split(s)));
            if (file != null) {
                toRun.addAll(SqlStatements.split(Files.readString(file)));
            }
            if (!toRun.isEmpty()) {
                for (String statement : toRun) {
                    run(spark, statement, out);
                }
                return Main.OK;
            }
            err.printf(
                    "audiencelake sql: %d table(s) of %s in %s; end statements with ';', quit with 'exit;' or Ctrl-D%n",
                    registered,
                    appConfig.lake().tableFormat().name().toLowerCase(Locale.ROOT),
                    appConfig.lake().namespace());
            err.flush();
            interactive(spark, out, err);
            return Main.OK;
        } finally {
            LakeSession.finish(spark);
        }
    }

    /** Registers every table an earlier session wrote (creating nothing new) and uses the lake's namespace. */
    private static int register(SparkSession spark, AppConfig appConfig) {
        LakeTables lake = LakeTables.forConfig(spark, appConfig);
        int registered = 0;
        for (TableSpec table :
                LakeCatalog.all(AudienceDefinitions.load(appConfig).traits())) {
            if (lake.exists(table)) {
                lake.create(table);
                registered++;
            }
        }
        spark.sql("USE "
                + (appConfig.lake().tableFormat() == TableFormat.ICEBERG
                        ? appConfig.lake().icebergCatalog() + "."
                                + appConfig.lake().namespace()
                        : "spark_catalog." + appConfig.lake().namespace()));
        return registered;
    }

    /** Reads statements from standard input until exit, quit or its end; an error is printed, not fatal. */
    private void interactive(SparkSession spark, PrintWriter out, PrintWriter err) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder pending = new StringBuilder();
        prompt(err, pending);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            pending.append(line).append('\n');
            for (String statement : SqlStatements.complete(pending)) {
                if (statement.equalsIgnoreCase("exit") || statement.equalsIgnoreCase("quit")) {
                    return;
                }
                try {
                    run(spark, statement, out);
                } catch (Exception e) {
                    err.println("error: " + e.getMessage());
                }
            }
            prompt(err, pending);
        }
    }

    private static void prompt(PrintWriter err, StringBuilder pending) {
        err.print(pending.toString().isBlank() ? "audiencelake> " : "          ...> ");
        err.flush();
    }

    private void run(SparkSession spark, String statement, PrintWriter out) {
        Dataset<Row> result = spark.sql(statement);
        List<Row> rows = result.limit(limit + 1).collectAsList();
        out.print(
                tsv
                        ? SqlStatements.tsv(result.columns(), rows, limit)
                        : SqlStatements.table(result.columns(), rows, limit));
        out.flush();
    }
}
