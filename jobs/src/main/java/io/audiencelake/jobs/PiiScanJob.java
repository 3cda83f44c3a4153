package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.privacy.ClearPii;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Audits that no personal data is stored in clear: every row of every lake table (as JSON) and every line
 * of every export drop and run report is searched for email addresses and, given the sample generator's
 * truth, its phone numbers. Any finding fails the run (exit 1) and names where it is.
 */
@Command(
        name = "pii-scan",
        mixinStandardHelpOptions = true,
        description = "Search every lake table, export file and run report for clear emails (and, with --truth, the "
                + "generator's phones); exit 1 on any finding.")
public final class PiiScanJob implements Job<ProfileRules>, Callable<Integer> {
    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--truth",
            paramLabel = "PATH",
            description = "The generator's ground-truth identifiers "
                    + "(id_type,id_value,person_key CSVs): its clear phone numbers are searched for too.")
    String truth;

    /** No: the scan looks at everything committed, published or not. */
    @Override
    public boolean readsPublishedVersions() {
        return false;
    }

    @Override
    public String name() {
        return "pii-scan";
    }

    @Override
    public ProfileRules load(AppConfig config) {
        return ProfileRulesLoader.load(
                config.traits(), FeedContracts.load(config.feedContracts()).values());
    }

    @Override
    public JobResult run(JobContext context, ProfileRules traits) {
        List<String> scanned = new ArrayList<>();
        Dataset<Row> all = texts(context, traits, scanned);
        Dataset<Row> phones = truth == null
                ? null
                : context.spark()
                        .read()
                        .option("header", true)
                        .option("recursiveFileLookup", true)
                        .schema("id_type string, id_value string, person_key string")
                        .csv(truth)
                        .where(col("id_type").equalTo("phone"))
                        .select(col("id_value").as(ClearPii.TOKEN));
        context.step(name(), "search " + scanned.size() + " tables and drops");
        long rows = all.count();
        // One row per (table or file, kind of finding).
        List<Row> found = ClearPii.findings(all, phones)
                .groupBy(ClearPii.SOURCE, ClearPii.KIND)
                .count()
                .orderBy(ClearPii.SOURCE, ClearPii.KIND)
                .collectAsList();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "searched %d rows and lines of %d tables, export drops and reports (%s) for clear emails%s%n",
                rows, scanned.size(), String.join(", ", scanned), phones == null ? "" : " and the generator's phones");
        List<String> failures = new ArrayList<>();
        for (Row r : found) {
            failures.add(r.getLong(2) + " clear " + r.getString(1) + " value(s) in " + r.getString(0));
        }
        out.println(failures.isEmpty() ? "no personal data in clear" : String.join(System.lineSeparator(), failures));
        out.flush();
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("tables", (long) scanned.size());
        counts.put("findings", found.stream().mapToLong(r -> r.getLong(2)).sum());
        return new JobResult(rows, 0, 0, counts, failures);
    }

    /**
     * Every row of every table as JSON text, and every line of the export drops and run reports (aggregates
     * only, but they quote segment names and job errors), with where it came from; adds what was read to
     * {@code scanned}.
     */
    private static Dataset<Row> texts(JobContext context, ProfileRules traits, List<String> scanned) {
        LakeTables lake = context.lake();
        List<Dataset<Row>> texts = new ArrayList<>();
        for (TableSpec t : LakeCatalog.all(traits)) {
            if (lake.exists(t)) {
                texts.add(lake.read(t)
                        .select(
                                lit(t.name()).as(ClearPii.SOURCE),
                                to_json(struct(col("*"))).as(ClearPii.TEXT)));
                scanned.add(t.name());
            }
        }
        for (String folder : List.of(
                context.config().paths().exports(), context.config().paths().reports())) {
            if (exists(context, folder)) {
                texts.add(context.spark()
                        .read()
                        .option("recursiveFileLookup", true)
                        .text(folder)
                        .select(
                                input_file_name().as(ClearPii.SOURCE),
                                col("value").as(ClearPii.TEXT)));
                scanned.add(folder);
            }
        }
        return texts.stream()
                .reduce(Dataset::unionByName)
                .orElse(context.spark()
                        .createDataFrame(
                                List.of(),
                                new StructType().add(ClearPii.SOURCE, "string").add(ClearPii.TEXT, "string")));
    }

    private static boolean exists(JobContext context, String location) {
        try {
            Path p = new Path(location);
            return p.getFileSystem(context.spark().sparkContext().hadoopConfiguration())
                    .exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
