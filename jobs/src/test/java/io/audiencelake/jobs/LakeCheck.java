package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.spark.LakeSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/** Opens the lake a job test's CLI runs wrote, in a session of its own, to check the tables. */
final class LakeCheck {
    private LakeCheck() {}

    static void inSession(Path file, TableFormat format, Consumer<LakeTables> check) {
        AppConfig config = new AppConfigLoader().load(file, List.of());
        config = config.withLake(config.lake().withTableFormat(format));
        SparkSession spark = LakeSession.start(config);
        try {
            check.accept(LakeTables.forConfig(spark, config));
        } finally {
            LakeSession.finish(spark);
        }
    }

    /**
     * Moves the one Parquet part file Spark wrote under {@code written} (a folder) to {@code target} and removes
     * the folder: landing files sit directly in the date folder.
     */
    static void singleParquetFile(Path written, Path target) {
        try {
            try (var parts = Files.list(written)) {
                Path part = parts.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                        .findFirst()
                        .orElseThrow();
                Files.move(part, target);
            }
            try (var rest = Files.walk(written)) {
                rest.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
