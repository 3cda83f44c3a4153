package io.audiencelake.common.spark;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM (local[2], 2 shuffle partitions, no UI), with Delta and
 * Iceberg set up exactly as jobs set them up, over a fresh temporary data root.
 */
public final class TestLake {
    private static AppConfig config;
    private static SparkSession spark;

    private TestLake() {}

    /** The config the shared session was built from; its data root is a new temporary folder. */
    public static synchronized AppConfig config() {
        if (config == null) {
            try {
                Path root = Files.createTempDirectory("audiencelake-test-");
                Path file = root.resolve("test.yaml");
                Files.writeString(
                        file,
                        String.join(
                                "\n",
                                "environment: test",
                                "spark:",
                                "  master: local[2]",
                                "  console_progress: false",
                                "  conf:",
                                "    spark.sql.shuffle.partitions: 2",
                                "    spark.default.parallelism: 2",
                                "    spark.databricks.delta.snapshotPartitions: 2",
                                "    spark.sql.adaptive.coalescePartitions.initialPartitionNum: 2",
                                "    spark.driver.bindAddress: 127.0.0.1",
                                "    spark.driver.host: 127.0.0.1",
                                // As the job tests (TestConfigs): on a few hundred rows, compiling and
                                // re-planning each query cost more than running it interpreted.
                                "    spark.sql.codegen.wholeStage: false",
                                "    spark.sql.codegen.factoryMode: NO_CODEGEN",
                                "    spark.sql.adaptive.enabled: false",
                                "paths:",
                                "  root: data",
                                ""));
                config = new AppConfigLoader(name -> null).load(file, List.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return config;
    }

    public static synchronized SparkSession spark() {
        if (spark == null) {
            spark = LakeSession.start(config());
        }
        return spark;
    }

    /** Lake tables of the given format in the shared session. */
    public static LakeTables tables(TableFormat format) {
        return LakeTables.forConfig(spark(), config().withLake(config().lake().withTableFormat(format)));
    }
}
