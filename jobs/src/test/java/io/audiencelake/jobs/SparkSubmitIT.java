package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.lookalike.LookalikeEvaluation;
import io.audiencelake.common.storage.LocalS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar run exactly as {@code spark-submit} runs it: through Spark's own submit class, with
 * only Spark's jars beside it, on a standalone cluster of separate JVMs. Landing is on a real
 * S3-protocol server, so the bundled hadoop-aws and AWS SDK are exercised in the executors too.
 */
@Tag("integration")
class SparkSubmitIT {
    private static final String BUCKET = "acme-landing";
    private static final String DAY = "2025-04-01";
    private static LocalS3Server server;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        server = LocalS3Server.start(BUCKET);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Path config() throws IOException {
        return Files.writeString(
                dir.resolve("submit.yaml"),
                String.join(
                        "\n",
                        "spark:",
                        "  console_progress: false",
                        "  conf:",
                        "    spark.sql.shuffle.partitions: 2",
                        "    spark.databricks.delta.snapshotPartitions: 2",
                        "paths:",
                        "  root: data",
                        "  landing: s3a://" + BUCKET + "/feeds",
                        "  reports: s3a://" + BUCKET + "/reports",
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
                        "destinations: " + dir.resolve("destinations.yaml"),
                        "privacy:",
                        "  linkage_key: ${AUDIENCELAKE_LINKAGE_KEY}",
                        "generate:",
                        "  scale: 0.05",
                        ""));
    }

    private static List<String> sparkClasspath() throws IOException {
        Path target = Path.of(System.getProperty("audiencelake.shaded.jar")).getParent();
        return List.of(
                (Files.readString(target.resolve("spark-shared-classpath.txt")).strip() + ":"
                                + Files.readString(target.resolve("spark-classpath.txt"))
                                        .strip())
                        .split(":"));
    }

    private static List<String> jvmFlags() {
        return Arrays.asList(System.getProperty("audiencelake.jvm.flags").trim().split("\\s+"));
    }

    /** Runs the jar through Spark's submit class on {@code master} (local[2] or the cluster's URL). */
    private static Result submit(String master, Map<String, String> env, int minutes, String... jobArgs)
            throws IOException, InterruptedException {
        String jar = System.getProperty("audiencelake.shaded.jar");
        assertTrue(Files.isRegularFile(Path.of(jar)), "shaded jar not built: " + jar);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.addAll(List.of(
                "-Xmx1g",
                "-cp",
                String.join(":", sparkClasspath()),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                master,
                "--conf",
                "spark.driver.host=127.0.0.1"));
        if (master.startsWith("spark://")) {
            command.addAll(List.of(
                    "--conf",
                    "spark.executor.memory=1g",
                    "--conf",
                    "spark.executor.cores=1",
                    "--conf",
                    "spark.cores.max=2",
                    "--conf",
                    "spark.executor.extraJavaOptions=" + String.join(" ", jvmFlags())));
        }
        command.addAll(List.of("--class", "io.audiencelake.jobs.Main", jar));
        command.addAll(Arrays.asList(jobArgs));
        Path log = Files.createTempFile(dir, "submit-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(dir.toFile());
        builder.environment().putAll(env);
        builder.environment().put("AWS_ACCESS_KEY_ID", server.accessKey());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", server.secretKey());
        builder.environment().put("AUDIENCELAKE_LINKAGE_KEY", "submit-test-linkage-key");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        Process process = builder.start();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(
                    "spark-submit did not finish in " + minutes + " minutes: " + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }

    private record Result(int exitCode, String output) {}

    @Test
    void theShadedJarRunsThePipelineOnAStandaloneClusterOverS3() throws Exception {
        String conf = config().toString();
        Files.writeString(
                dir.resolve("lookalike.yaml"),
                String.join(
                        "\n",
                        "min_seed: 5",
                        "models:",
                        "  - {id: buyers_like, owner: test, seed: buyers_90d, features: [page_views_30d, sessions_30d, last_device_type],",
                        "     reach: 10%, algorithm: gradient_boosted_trees, params: {max_iter: 5, max_depth: 3}}",
                        ""));
        Files.writeString(
                dir.resolve("destinations.yaml"),
                String.join(
                        "\n",
                        "destinations:",
                        "  - {id: ads, owner: test, format: csv, compression: gzip, identifier: cookie, mode: incremental,",
                        "     segments: [buyers_like, cart_abandoners], consent: ad_targeting, allowed_labels: [first_party, behavioural, declared, consent,",
                        "     second_party, third_party, inferred]}",
                        ""));
        try (StandaloneCluster cluster = StandaloneCluster.start(
                dir,
                sparkClasspath(),
                jvmFlags(),
                2,
                "1536m",
                // Credentials come from each node's environment (credentials_provider: environment): executors inherit
                // the worker's, as on machines provisioned with them.
                Map.of(
                        "AWS_ACCESS_KEY_ID",
                        server.accessKey(),
                        "AWS_SECRET_ACCESS_KEY",
                        server.secretKey(),
                        "AWS_EC2_METADATA_DISABLED",
                        "true"))) {
            String master = cluster.masterUrl();
            Result generate = submit(master, cluster.environment(), 5, "generate", "--config", conf, "--date", DAY);
            assertEquals(0, generate.exitCode(), generate.output() + cluster.logs());
            assertTrue(
                    Files.isRegularFile(
                            server.storageDir().resolve(BUCKET + "/feeds/crm/dt=" + DAY + "/crm-00000.csv")),
                    "the generator did not write to the S3 server");
            assertTrue(Files.isDirectory(dir.resolve("data/warehouse/delta/audiencelake/job_runs/_delta_log")));

            // Every nightly job on Iceberg tables: ingest from S3 (user-agent and phone libraries from the jar),
            // identity, profiles (sketches, windows), segments, a gradient-boosted lookalike model saved and
            // reloaded with MLlib from the cluster's jars, and the export's file drop.
            Result pipeline = submit(
                    master,
                    cluster.environment(),
                    15,
                    "pipeline",
                    "--config",
                    conf,
                    "--date",
                    DAY,
                    "--set",
                    "lake.table_format=iceberg");
            assertEquals(0, pipeline.exitCode(), pipeline.output() + cluster.logs());
            for (String job : PipelinePlan.JOBS) {
                assertTrue(
                        pipeline.output().contains("pipeline: " + job + " " + DAY + " succeeded in "),
                        job + ":\n" + pipeline.output());
            }
            assertTrue(
                    Pattern.compile("rows read (\\d+) = kept \\d+ \\+ duplicates \\d+ \\+ " + "quarantined [1-9]")
                            .matcher(pipeline.output())
                            .find(),
                    pipeline.output());
            assertTrue(
                    pipeline.output().matches("(?s).*[1-9]\\d* identifiers in [1-9]\\d* persons.*"), pipeline.output());
            assertTrue(pipeline.output().contains("buyers_like v1 trained on"), pipeline.output());
            for (String table : List.of(
                    "raw_events",
                    "id_graph",
                    "profiles",
                    "segment_membership",
                    "lookalike_scores",
                    "export_audience",
                    "job_runs",
                    "job_locks")) {
                assertTrue(
                        Files.isDirectory(dir.resolve("data/warehouse/iceberg/audiencelake/" + table + "/metadata")),
                        table);
            }
            assertTrue(Files.isDirectory(dir.resolve("data/warehouse/models/buyers_like/v1/stages")));
            assertTrue(Files.isRegularFile(dir.resolve("data/exports/ads/dt=" + DAY + "/_SUCCESS")));
            // The run report went to S3, with the lift curve of the model the cluster trained.
            Path report = server.storageDir().resolve(BUCKET + "/reports/dt=" + DAY + "/report.html");
            assertTrue(
                    pipeline.output()
                            .contains("run report written to s3a://" + BUCKET + "/reports/dt=" + DAY + "/report.html"),
                    pipeline.output());
            Document page = Jsoup.parse(report.toFile());
            assertEquals(
                    LookalikeEvaluation.CURVE_DEPTHS.length,
                    page.select("#lift-curves .mark[data-series=\"buyers_like v1\"]")
                            .size(),
                    page.select("#lookalike").text());
            if (ReportBrowser.installed()) {
                ReportBrowser.check(report, Path.of("target/report-screenshots/cluster-pipeline.png"));
            }
            // The work ran in executors the two workers started, not in the driver.
            for (int worker = 1; worker <= 2; worker++) {
                try (var apps = Files.list(dir.resolve("work-" + worker))) {
                    assertTrue(
                            apps.anyMatch(p -> p.getFileName().toString().startsWith("app-")),
                            "worker " + worker + " ran no executor:\n" + cluster.logs());
                }
            }
        }
    }

    @Test
    void configMistakeUnderSparkSubmitExitsTwo() throws Exception {
        Result bad = submit(
                "local[2]",
                Map.of(),
                5,
                "inventory",
                "--config",
                config().toString(),
                "--date",
                "2025-04-01",
                "--set",
                "lake.table_format=orc");
        assertEquals(2, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("lake.table_format: expected one of delta, iceberg, got 'orc'"), bad.output());
    }
}
