package io.audiencelake.common.spark;

import io.audiencelake.common.config.AppConfig;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the one SparkSession a job runs in, with Delta, Iceberg and S3A set up from config. */
public final class LakeSession {
  private static final Logger LOG = LoggerFactory.getLogger(LakeSession.class);

  private LakeSession() {}

  public static SparkSession start(AppConfig config) {
    SparkSession.Builder builder = SparkSession.builder().appName(config.spark().appName());
    // spark-submit passes --master as a system property; config only fills in for the local launcher.
    if (System.getProperty("spark.master") == null && config.spark().master() != null) {
      builder.master(config.spark().master());
    }
    SessionSettings.of(config).forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    LOG.info("Spark {} session started: master={}, table format={}, warehouse={}",
        spark.version(), spark.sparkContext().master(), config.lake().tableFormat(),
        config.paths().warehouse());
    return spark;
  }
}
