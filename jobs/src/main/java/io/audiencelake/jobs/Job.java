package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;

/** A batch job: a thin class that reads config, calls pure transformations and writes lake tables. */
public interface Job {
    /** The name on the command line and in {@code job_runs}. */
    String name();

    /** Checks the job's own configuration before any Spark work; throws ConfigException on a mistake. */
    default void validate(AppConfig config) {}

    JobResult run(JobContext context) throws Exception;

    /**
     * Whether the job reads the table versions upstream runs published (so it never sees a run that died
     * half done) rather than the latest commits. Jobs that must reach every committed row, published or not
     * (erasure, the PII scan), say no.
     */
    default boolean readsPublishedVersions() {
        return true;
    }
}
