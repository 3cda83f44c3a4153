package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.lake.LakeTables;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/** What a running job is given: its config, session, lake tables, date and run id. */
public record JobContext(AppConfig config, SparkSession spark, LakeTables lake, LocalDate date, String runId) {

  /** Names the current step in the Spark UI and logs, e.g. "ingest 2024-06-01: parse crm". */
  public void step(String job, String description) {
    spark.sparkContext().setJobGroup(job + "-" + runId, job + " " + date + ": " + description, false);
  }
}
