package io.audiencelake.common.feeds;

/**
 * One column of a feed.
 *
 * @param pii personal data: hashed with SHA-256 (after normalisation for identifiers) wherever it is kept
 * @param format for date and timestamp columns: {@code iso8601} or a Java date-time pattern
 * @param zone for timestamps without an offset: the zone they were written in
 */
public record FeedColumn(String name, ColumnType type, boolean required, boolean pii, String format, String zone) {
  public static final String ISO8601 = "iso8601";
}
