package io.audiencelake.common.config;

import java.nio.file.Path;

/**
 * How runs are kept safe: the data-quality checks every write must pass, and when a job lock left by
 * a run that died counts as abandoned.
 *
 * @param quality the quality checks file ({@code quality.yaml}); a missing file means no checks
 * @param lockStaleMinutes a running job renews its lock every fifth of this; a lock not renewed for this
 *     long belongs to a run that died (killed, out of memory, a lost driver) and the next run takes it over
 */
public record OperationsSettings(Path quality, int lockStaleMinutes) {}
