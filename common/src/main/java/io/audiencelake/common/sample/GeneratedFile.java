package io.audiencelake.common.sample;

import java.io.Serializable;

/**
 * One file the generator wrote.
 *
 * @param feed the feed folder name, or {@code ground-truth/...} for truth files
 * @param date the landing date, or null for date-independent truth
 */
public record GeneratedFile(String feed, String date, String path, long lines, long bytes) implements Serializable {}
