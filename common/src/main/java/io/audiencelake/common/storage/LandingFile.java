package io.audiencelake.common.storage;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A file found in the landing area.
 *
 * @param feed the folder it sits in: {@code <landing>/<feed>/dt=<date>/<file>}
 * @param path its fully qualified path (file:/... or s3a://...)
 */
public record LandingFile(String feed, LocalDate date, String path, long bytes, Instant modifiedAt) {}
