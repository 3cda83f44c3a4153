package io.audiencelake.common.spark;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.config.S3Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every Spark, catalog and S3A setting a job needs, derived from config in one place so that no job
 * hard-codes any. Delta and Iceberg share one session: Delta owns {@code spark_catalog}, Iceberg has
 * a catalog of its own name.
 */
public final class SessionSettings {
    private SessionSettings() {}

    public static Map<String, String> of(AppConfig config) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(
                "spark.sql.extensions",
                "io.delta.sql.DeltaSparkSessionExtension,"
                        + "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
        s.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        String catalog = "spark.sql.catalog." + config.lake().icebergCatalog();
        s.put(catalog, "org.apache.iceberg.spark.SparkCatalog");
        config.lake().icebergCatalogProperties().forEach((k, v) -> s.put(catalog + "." + k, v));
        // Dates and times are stored and compared in UTC whatever the machine's zone.
        s.put("spark.sql.session.timeZone", "UTC");
        s.put("spark.ui.enabled", Boolean.toString(config.spark().ui()));
        s.put("spark.ui.showConsoleProgress", Boolean.toString(config.spark().consoleProgress()));
        s.put("spark.sql.shuffle.partitions", "8");
        // Iterative jobs (identity's label propagation) build deep plans; their text is for the UI only.
        s.put("spark.sql.maxPlanStringLength", "200000");
        // Spark caches the Java it generates for a plan keyed by the task's class loader. With per-session artifact
        // isolation (Spark 4's default, made for Spark Connect) every session gets fresh executor class loaders, so a
        // pipeline or batch, which opens one session per job run, compiled every plan again in every run (and twice
        // in local mode). Jobs add no per-session jars, so isolation buys nothing here. Measured on one ingest test:
        // 1,569 compilations (31.9 s) -> 344 (6.8 s).
        s.put("spark.sql.artifact.isolation.enabled", "false");
        // A night's jobs generate a few hundred distinct classes; the default cache of 100 evicts them between jobs.
        s.put("spark.sql.codegen.cache.maxEntries", "2000");
        s3a(config.s3()).forEach((k, v) -> s.put("spark.hadoop." + k, v));
        config.hadoop().forEach((k, v) -> s.put("spark.hadoop." + k, v));
        s.putAll(config.spark().conf());
        return s;
    }

    /** Hadoop S3A settings (without the {@code spark.hadoop.} prefix). */
    public static Map<String, String> s3a(S3Settings s3) {
        Map<String, String> h = new LinkedHashMap<>();
        if (!s3.endpoint().isEmpty()) {
            h.put("fs.s3a.endpoint", s3.endpoint());
        }
        h.put("fs.s3a.endpoint.region", s3.region());
        h.put("fs.s3a.path.style.access", Boolean.toString(s3.pathStyleAccess()));
        h.put("fs.s3a.connection.ssl.enabled", Boolean.toString(s3.sslEnabled()));
        switch (s3.credentialsProvider()) {
            case S3Settings.CREDENTIALS_DEFAULT -> {}
            case "environment" -> h.put("fs.s3a.aws.credentials.provider", S3Settings.ENVIRONMENT_PROVIDER);
            default -> h.put("fs.s3a.aws.credentials.provider", s3.credentialsProvider());
        }
        return h;
    }
}
