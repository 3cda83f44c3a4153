package io.audiencelake.common.config;

import java.nio.file.Path;

/**
 * How runs are kept safe: the data-quality checks every write must pass, and when a job lock left by
 * a run that died counts as abandoned.
 *
 * @param quality the quality checks file ({@code quality.yaml}); a missing file means no checks
 * @param lockTimeoutHours a lock older than this is taken over by the next run of the same job and
 *     date (its holder is assumed dead); longer than the slowest job's run
 */
public record OperationsSettings(Path quality, int lockTimeoutHours) {}
