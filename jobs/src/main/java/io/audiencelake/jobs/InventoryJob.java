package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.input_file_name;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.storage.LandingArea;
import io.audiencelake.common.storage.LandingFile;
import io.audiencelake.common.storage.LandingFiles;
import io.audiencelake.common.storage.LandingInventory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Records what arrived in the landing area for a date in the {@code landing_files} table. */
@Command(
        name = "inventory",
        mixinStandardHelpOptions = true,
        description = "List the date's landing files per feed, count their lines and write them to the "
                + "landing_files table (replacing that date's rows).")
public final class InventoryJob implements Job<Void>, Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryJob.class);

    @Mixin
    JobOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--feed", description = "Only this feed's folder (default: every feed).")
    String feed;

    @Override
    public String name() {
        return "inventory";
    }

    @Override
    public Void load(AppConfig config) {
        return null;
    }

    @Override
    public JobResult run(JobContext context, Void none) {
        context.step(name(), "list landing files");
        List<LandingFile> files = new LandingArea(
                        context.config().paths().landing(),
                        context.spark().sparkContext().hadoopConfiguration())
                .filesFor(context.date(), Optional.ofNullable(feed));
        LOG.info("{} files in {} for {}", files.size(), context.config().paths().landing(), context.date());
        Dataset<Row> listed = LandingInventory.listed(context.spark(), files);
        Dataset<Row> lines = files.isEmpty()
                ? context.spark()
                        .emptyDataFrame()
                        .withColumn(LandingInventory.LINE_FILE, org.apache.spark.sql.functions.lit(""))
                : context.spark()
                        .read()
                        .text(files.stream().map(LandingFile::path).toArray(String[]::new))
                        .select(input_file_name().as(LandingInventory.LINE_FILE));
        context.step(name(), "count lines and write landing_files");
        Dataset<Row> inventory = LandingInventory.inventory(listed, lines).cache();
        context.lake().overwritePartition(LandingFiles.SPEC, inventory, Map.of(LandingFiles.DT, context.date()));
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        for (Row r : inventory
                .groupBy(LandingFiles.FEED)
                .sum(LandingFiles.LINES)
                .orderBy(LandingFiles.FEED)
                .collectAsList()) {
            counts.put(r.getString(0) + ".lines", r.getLong(1));
            total += r.getLong(1);
            LOG.info("  {}: {} lines", r.getString(0), r.getLong(1));
        }
        inventory.unpersist();
        counts.put("files", (long) files.size());
        return new JobResult(total, files.size(), 0, counts);
    }

    @Override
    public Integer call() throws Exception {
        return JobRunner.exitCode(this, options, spec);
    }
}
