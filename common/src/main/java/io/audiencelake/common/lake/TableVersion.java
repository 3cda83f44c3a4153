package io.audiencelake.common.lake;

import java.time.Instant;

/**
 * One committed version of a table: a Delta log version or an Iceberg snapshot id.
 *
 * @param operation what the commit did (WRITE, MERGE, overwrite, append, ...), as the format names it; null
 *     where the format does not say it cheaply ({@link LakeTables#currentVersion} of a Delta table)
 */
public record TableVersion(long version, Instant committedAt, String operation) {}
