package io.audiencelake.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Environment files for job tests: small local Spark, data under the test's folder, shipped contracts. */
final class TestConfigs {
    private TestConfigs() {}

    /** Writes {@code dir/env.yaml}; {@code extra} lines are appended (top-level keys). */
    static Path local(Path dir, String... extra) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "spark:",
                "  master: local[2]",
                "  console_progress: false",
                "  conf:",
                "    spark.sql.shuffle.partitions: 2",
                "    spark.databricks.delta.snapshotPartitions: 2",
                "    spark.driver.bindAddress: 127.0.0.1",
                "    spark.driver.host: 127.0.0.1",
                // Test data is a few hundred rows: compiling each query's code and re-planning it between
                // stages cost more than running it (about a quarter of a job's time, measured on the identity
                // job). Spark interprets the same operators; the demo and SparkSubmitIT run the defaults.
                "    spark.sql.codegen.wholeStage: false",
                "    spark.sql.codegen.factoryMode: NO_CODEGEN",
                "    spark.sql.adaptive.enabled: false",
                "paths:",
                "  root: data",
                "feed_contracts: " + shippedContracts(),
                "privacy:",
                "  linkage_key: test-linkage-key",
                "generate:",
                "  scale: 0.05"));
        if (Arrays.stream(extra).noneMatch(l -> l.startsWith("identity_rules:"))) {
            lines.add("identity_rules: " + shippedContracts().resolveSibling("identity.yaml"));
        }
        if (Arrays.stream(extra).noneMatch(l -> l.startsWith("traits:"))) {
            lines.add("traits: " + shippedContracts().resolveSibling("traits.yaml"));
        }
        if (Arrays.stream(extra).noneMatch(l -> l.startsWith("segments:"))) {
            lines.add("segments: " + shippedContracts().resolveSibling("segments.yaml"));
        }
        if (Arrays.stream(extra).noneMatch(l -> l.startsWith("lookalike:"))) {
            lines.add("lookalike: " + shippedContracts().resolveSibling("lookalike.yaml"));
        }
        if (Arrays.stream(extra).noneMatch(l -> l.startsWith("destinations:"))) {
            lines.add("destinations: " + shippedContracts().resolveSibling("destinations.yaml"));
        }
        lines.addAll(Arrays.asList(extra));
        lines.add("");
        return Files.writeString(dir.resolve("env.yaml"), String.join("\n", lines));
    }

    static Path shippedContracts() {
        return Path.of(System.getProperty("user.dir")).getParent().resolve("conf/feeds");
    }
}
