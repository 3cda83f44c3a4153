package io.audiencelake.common.spark;

import io.audiencelake.common.config.AppConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Builds the SparkSession a job runs in, with Delta, Iceberg and S3A set up from config.
 *
 * <p>A command line run starts a Spark application and stops it when done ({@link #finish}). A JVM that
 * runs many commands one after the other (the test suites, a batch of commands) can keep one application
 * running instead: with the system property {@value #KEEP_RUNNING}{@code =true}, {@link #start} opens a new
 * session of the running application (its own SQL settings, catalogs, current database and Hadoop
 * settings, taken from this run's config) and {@link #finish} drops the session and its cached data but
 * leaves the application running. Starting an application costs seconds; a session costs milliseconds.
 */
public final class LakeSession {
    /** System property: keep the Spark application running between command runs of this JVM. */
    public static final String KEEP_RUNNING = "audiencelake.spark.keep-running";

    private static final String HADOOP_PREFIX = "spark.hadoop.";
    private static final Logger LOG = LoggerFactory.getLogger(LakeSession.class);

    private LakeSession() {}

    public static SparkSession start(AppConfig config) {
        SparkSession running = keepRunning() ? SparkSession.getDefaultSession().getOrElse(() -> null) : null;
        if (running != null && running.sparkContext().isStopped()) {
            running = null;
        }
        SparkSession spark = running == null ? startApplication(config) : newSession(running, config);
        LOG.info(
                "Spark {} session {}: master={}, table format={}, warehouse={}",
                spark.version(),
                running == null ? "started" : "opened in the running application",
                spark.sparkContext().master(),
                config.lake().tableFormat(),
                config.paths().warehouse());
        return spark;
    }

    /** Ends what {@link #start} began: stops the application, or, when it keeps running, drops cached data. */
    public static void finish(SparkSession spark) {
        if (keepRunning() && !spark.sparkContext().isStopped()) {
            // Cached data and (with Spark's in-memory catalog) table registrations live in the application, not
            // the session: a later run, perhaps on another lake, must not inherit them. A new application would
            // start with neither. A persistent catalog (Hive) is left alone: its tables outlive any application.
            spark.catalog().clearCache();
            if ("in-memory".equals(spark.conf().get("spark.sql.catalogImplementation", "in-memory"))) {
                forgetTables(spark.sharedState().externalCatalog());
            }
            SparkSession.clearActiveSession();
            return;
        }
        spark.stop();
    }

    /**
     * Drops every table registration of the application's in-memory catalog, and only those. The databases stay:
     * dropping one (as {@code SessionCatalog.reset} does) deletes its folder under {@code spark.sql.warehouse.dir},
     * which is shared by every JVM started in the same working directory, so one JVM's finish could delete the
     * folder another was creating ("Unable to create database ... chmod: cannot access"). Jobs register only
     * external tables (their files live in the lake, not in the catalog), so dropping a registration never
     * deletes data.
     */
    private static void forgetTables(ExternalCatalog catalog) {
        for (String database : CollectionConverters.asJava(catalog.listDatabases())) {
            for (String table : CollectionConverters.asJava(catalog.listTables(database))) {
                catalog.dropTable(database, table, true, false);
            }
        }
    }

    static boolean keepRunning() {
        return Boolean.getBoolean(KEEP_RUNNING);
    }

    private static SparkSession startApplication(AppConfig config) {
        SparkSession.Builder builder =
                SparkSession.builder().appName(config.spark().appName());
        // spark-submit passes --master as a system property; config only fills in for the local launcher.
        if (System.getProperty("spark.master") == null && config.spark().master() != null) {
            builder.master(config.spark().master());
        }
        SessionSettings.of(config).forEach(builder::config);
        return builder.getOrCreate();
    }

    /**
     * A new session of the running application with this config's settings: SQL settings are the session's
     * own, Hadoop settings ({@code spark.hadoop.*}) become session settings without the prefix (Spark layers
     * them over the application's Hadoop configuration for every read and write of the session). Settings
     * fixed at application start (master, extensions, UI) keep the application's values.
     */
    private static SparkSession newSession(SparkSession running, AppConfig config) {
        SparkSession spark = running.newSession();
        for (Map.Entry<String, String> e : SessionSettings.of(config).entrySet()) {
            String key =
                    e.getKey().startsWith(HADOOP_PREFIX) ? e.getKey().substring(HADOOP_PREFIX.length()) : e.getKey();
            try {
                spark.conf().set(key, e.getValue());
            } catch (Exception fixedAtStart) {
                // Spark refuses static SQL settings and its own core settings once the application runs.
                String kept = spark.sparkContext().getConf().get(key, e.getValue());
                if (!e.getValue().equals(kept)) {
                    LOG.warn("{}={} ignored: the running Spark application keeps {}", key, e.getValue(), kept);
                }
            }
        }
        SparkSession.setActiveSession(spark);
        SparkSession.setDefaultSession(spark);
        return spark;
    }
}
