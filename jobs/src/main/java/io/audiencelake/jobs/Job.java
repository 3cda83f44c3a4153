package io.audiencelake.jobs;

import io.audiencelake.common.config.AppConfig;

/**
 * A batch job: a thin class that loads what it needs from config, calls pure transformations and writes lake
 * tables. Its command line options are its fields (picocli fills them); everything it reads from config files
 * is loaded once, checked, into an immutable {@code D} that {@link #run} receives, so a job keeps no state of
 * its own between loading and running.
 *
 * @param <D> the job's definitions (rules, models, destinations ...), {@link Void} when it needs none
 */
public interface Job<D> {
    /** The name on the command line and in {@code job_runs}. */
    String name();

    /**
     * Loads and checks the job's own definitions before any Spark work; throws ConfigException naming every
     * mistake (file, field, expectation).
     */
    D load(AppConfig config);

    JobResult run(JobContext context, D definitions) throws Exception;

    /**
     * Whether the job reads the table versions upstream runs published (so it never sees a run that died
     * half done) rather than the latest commits. Jobs that must reach every committed row, published or not
     * (erasure, the PII scan), say no.
     */
    default boolean readsPublishedVersions() {
        return true;
    }

    /** This job with its definitions loaded from {@code config}, ready to run. */
    default Loaded<D> loaded(AppConfig config) {
        return new Loaded<>(this, load(config));
    }

    /** A job and the definitions it was loaded with: what the runner runs. */
    record Loaded<D>(Job<D> job, D definitions) {
        String name() {
            return job.name();
        }

        boolean readsPublishedVersions() {
            return job.readsPublishedVersions();
        }

        JobResult run(JobContext context) throws Exception {
            return job.run(context, definitions);
        }
    }
}
