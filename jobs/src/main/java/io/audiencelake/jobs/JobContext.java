package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.lake.LakeTables;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a running job is given: its config, session, lake tables, date and run id. */
public record JobContext(AppConfig config, SparkSession spark, LakeTables lake, LocalDate date, String runId) {
    private static final Logger LOG = LoggerFactory.getLogger(JobContext.class);

    /** Names the current step in the Spark UI and logs, e.g. "ingest 2024-06-01: parse crm". */
    public void step(String job, String description) {
        String step = job + " " + date + ": " + description;
        LOG.info("{}", step);
        spark.sparkContext().setJobGroup(job + "-" + runId, step, false);
    }
}
