package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.spark.LakeSession;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the data products (every table the jobs write) with schema, owner, partitioning, freshness and a query. */
@Command(
        name = "catalog",
        mixinStandardHelpOptions = true,
        description = "Print the data products as Markdown (and write them to --output, e.g. docs/data-products.md).")
public final class CatalogCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EnvironmentOptions environment;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Also write the Markdown to this file.")
    Path output;

    @Option(
            names = {"-q", "--quiet"},
            description = "Only write --output; print nothing.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (quiet && output == null) {
            throw new ConfigException("--quiet needs --output FILE");
        }
        AppConfig appConfig = environment.load();
        ProfileRules traits = AudienceDefinitions.load(appConfig).traits();
        List<DataProductPage.Entry> entries = new ArrayList<>();
        SparkSession spark = LakeSession.start(appConfig);
        try {
            LakeTables lake = LakeTables.forConfig(spark, appConfig);
            Map<String, LocalDate> freshness = JobRuns.freshness(lake);
            for (LakeCatalog.DataProduct product : LakeCatalog.products(traits)) {
                boolean exists = lake.exists(product.spec());
                entries.add(new DataProductPage.Entry(
                        product,
                        lake.qualifiedName(product.spec()),
                        exists,
                        freshness.get(product.spec().name()),
                        exists ? lake.currentVersion(product.spec()).committedAt() : null));
            }
        } finally {
            LakeSession.finish(spark);
        }
        String page = DataProductPage.render(
                appConfig.environment(),
                environment.config.toString(),
                appConfig.lake().tableFormat().name().toLowerCase(Locale.ROOT),
                appConfig.lake().owner(),
                entries);
        if (!quiet) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(page);
            out.flush();
        }
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, page);
            spec.commandLine().getErr().println("catalog: wrote " + output);
            spec.commandLine().getErr().flush();
        }
        return Main.OK;
    }
}
