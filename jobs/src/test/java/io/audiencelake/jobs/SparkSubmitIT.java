package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.storage.LocalS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar run exactly as {@code spark-submit} runs it: through Spark's own submit class, with
 * only Spark's jars beside it. Landing is on a real S3-protocol server, so the bundled hadoop-aws
 * and AWS SDK are exercised too.
 */
@Tag("integration")
class SparkSubmitIT {
  private static final String BUCKET = "acme-landing";
  private static LocalS3Server server;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    server = LocalS3Server.start(BUCKET);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Path config() throws IOException {
    return Files.writeString(dir.resolve("submit.yaml"), String.join("\n",
        "spark:",
        "  console_progress: false",
        "  conf:",
        "    spark.sql.shuffle.partitions: 2",
        "    spark.databricks.delta.snapshotPartitions: 2",
        "paths:",
        "  root: data",
        "  landing: s3a://" + BUCKET + "/feeds",
        "s3:",
        "  endpoint: " + server.endpoint(),
        "  path_style_access: true",
        "  ssl: false",
        "  credentials_provider: environment",
        "feed_contracts: " + TestConfigs.shippedContracts(),
        "identity_rules: " + TestConfigs.shippedContracts().resolveSibling("identity.yaml"),
        "traits: " + TestConfigs.shippedContracts().resolveSibling("traits.yaml"),
        "segments: " + TestConfigs.shippedContracts().resolveSibling("segments.yaml"),
        "lookalike: " + dir.resolve("lookalike.yaml"),
        "privacy:",
        "  linkage_key: ${AUDIENCELAKE_LINKAGE_KEY}",
        "generate:",
        "  scale: 0.05",
        ""));
  }

  private static Result submit(String... jobArgs) throws IOException, InterruptedException {
    String jar = System.getProperty("audiencelake.shaded.jar");
    assertTrue(Files.isRegularFile(Path.of(jar)), "shaded jar not built: " + jar);
    Path target = Path.of(jar).getParent();
    String classpath = Files.readString(target.resolve("spark-shared-classpath.txt")).strip() + ":"
        + Files.readString(target.resolve("spark-classpath.txt")).strip();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("audiencelake.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-cp", classpath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.driver.host=127.0.0.1",
        "--class", "io.audiencelake.jobs.Main", jar));
    command.addAll(Arrays.asList(jobArgs));
    Path log = Files.createTempFile(dir, "submit-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(dir.toFile());
    builder.environment().put("AWS_ACCESS_KEY_ID", server.accessKey());
    builder.environment().put("AWS_SECRET_ACCESS_KEY", server.secretKey());
    builder.environment().put("AUDIENCELAKE_LINKAGE_KEY", "submit-test-linkage-key");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("spark-submit did not finish in 5 minutes: " + Files.readString(log));
    }
    return new Result(process.exitValue(), Files.readString(log));
  }

  private record Result(int exitCode, String output) {}

  @Test
  void shadedJarGeneratesToS3AndWritesDeltaAndIcebergTables() throws Exception {
    String conf = config().toString();
    Result generate = submit("generate", "--config", conf, "--date", "2025-04-01");
    assertEquals(0, generate.exitCode(), generate.output());
    assertTrue(Files.isRegularFile(server.storageDir().resolve(BUCKET + "/feeds/crm/dt=2025-04-01/crm-00000.csv")),
        "the generator did not write to the S3 server");

    Result delta = submit("inventory", "--config", conf, "--date", "2025-04-01");
    assertEquals(0, delta.exitCode(), delta.output());
    assertTrue(delta.output().contains("5 files in s3a://" + BUCKET + "/feeds for 2025-04-01"), delta.output());
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/delta/audiencelake/landing_files/_delta_log")));

    Result iceberg = submit("inventory", "--config", conf, "--date", "2025-04-01", "--set", "lake.table_format=iceberg");
    assertEquals(0, iceberg.exitCode(), iceberg.output());
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/iceberg/audiencelake/landing_files/metadata")));

    // Ingest from the S3 server with the bundled user-agent and phone libraries.
    Result ingest = submit("ingest", "--config", conf, "--date", "2025-04-01", "--set", "lake.table_format=iceberg");
    assertEquals(0, ingest.exitCode(), ingest.output());
    assertTrue(ingest.output().contains("5 landing files for 2025-04-01: 5 to process"), ingest.output());
    assertTrue(java.util.regex.Pattern.compile("rows read (\\d+) = kept \\d+ \\+ duplicates \\d+ \\+ quarantined [1-9]")
        .matcher(ingest.output()).find(), ingest.output());
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/iceberg/audiencelake/raw_events/metadata")));

    // Identity on the Iceberg tables, through the same jar.
    Result identity = submit("identity", "--config", conf, "--date", "2025-04-01", "--set", "lake.table_format=iceberg");
    assertEquals(0, identity.exitCode(), identity.output());
    assertTrue(identity.output().matches("(?s).*[1-9]\\d* identifiers in [1-9]\\d* persons.*"), identity.output());
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/iceberg/audiencelake/id_graph/metadata")));

    // Profiles on Iceberg: HyperLogLog sketches, window functions and the state tables' replace.
    Result profiles = submit("profiles", "--config", conf, "--date", "2025-04-01", "--set", "lake.table_format=iceberg");
    assertEquals(0, profiles.exitCode(), profiles.output());
    assertTrue(profiles.output().matches("(?s).*[1-9]\\d* profiles \\([1-9]\\d* identifiers\\).*"), profiles.output());
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/iceberg/audiencelake/profiles/metadata")));
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/iceberg/audiencelake/sessions/metadata")));

    // Segments, then a gradient-boosted lookalike model: MLlib from the cluster's jars, saved and reloaded.
    Result segments = submit("segments", "--config", conf, "--date", "2025-04-01", "--set", "lake.table_format=iceberg");
    assertEquals(0, segments.exitCode(), segments.output());
    Files.writeString(dir.resolve("lookalike.yaml"), String.join("\n",
        "min_seed: 5",
        "models:",
        "  - {id: buyers_like, owner: test, seed: buyers_90d, features: [page_views_30d, sessions_30d, last_device_type],",
        "     reach: 10%, algorithm: gradient_boosted_trees, params: {max_iter: 5, max_depth: 3}}",
        ""));
    Result lookalike = submit("lookalike", "--config", conf, "--date", "2025-04-01", "--set",
        "lake.table_format=iceberg");
    assertEquals(0, lookalike.exitCode(), lookalike.output());
    assertTrue(lookalike.output().contains("buyers_like v1 trained on"), lookalike.output());
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/models/buyers_like/v1/stages")));
    assertTrue(Files.isDirectory(dir.resolve("data/warehouse/iceberg/audiencelake/lookalike_scores/metadata")));
  }

  @Test
  void configMistakeUnderSparkSubmitExitsTwo() throws Exception {
    Result bad = submit("inventory", "--config", config().toString(), "--date", "2025-04-01",
        "--set", "lake.table_format=orc");
    assertEquals(2, bad.exitCode(), bad.output());
    assertTrue(bad.output().contains("lake.table_format: expected one of delta, iceberg, got 'orc'"), bad.output());
  }
}
