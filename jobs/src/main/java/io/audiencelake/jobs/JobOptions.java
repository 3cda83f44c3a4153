package io.audiencelake.jobs;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every job takes: which environment, which date, and config overrides. */
public final class JobOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "${env:AUDIENCELAKE_CONFIG:-conf/local.yaml}",
            description = "Environment config (default: $$AUDIENCELAKE_CONFIG, else conf/local.yaml).")
    Path config;

    @Option(
            names = {"-d", "--date"},
            paramLabel = "YYYY-MM-DD",
            required = true,
            description = "The data date to process.")
    LocalDate date;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override a config value, e.g. --set lake.table_format=iceberg or "
                    + "--set 'spark.conf[spark.sql.shuffle.partitions]=64'. Repeatable.")
    List<String> overrides = new ArrayList<>();

    public Path config() {
        return config;
    }

    public LocalDate date() {
        return date;
    }

    public List<String> overrides() {
        return List.copyOf(overrides);
    }
}
