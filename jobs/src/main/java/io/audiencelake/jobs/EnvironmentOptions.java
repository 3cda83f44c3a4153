package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The environment options of the commands that are not a job for one date: config file and overrides. */
public final class EnvironmentOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "${env:AUDIENCELAKE_CONFIG:-conf/local.yaml}",
            description = "Environment config (default: $$AUDIENCELAKE_CONFIG, else conf/local.yaml).")
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override a config value, e.g. " + "lake.table_format=iceberg. Repeatable.")
    List<String> overrides = new ArrayList<>();

    /** The config file and overrides, loaded and checked. */
    AppConfig load() {
        return new AppConfigLoader().load(config, overrides);
    }
}
