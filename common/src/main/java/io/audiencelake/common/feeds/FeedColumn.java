package io.audiencelake.common.feeds;

/**
 * One column of a feed.
 *
 * @param pii personal data: hashed with SHA-256 (after normalisation for identifiers) wherever it is kept
 * @param format for date and timestamp columns: {@code iso8601} or a Java date-time pattern
 * @param zone for timestamps without an offset: the zone they were written in
 * @param similarity also keep a keyed q-gram encoding ({@code <name>.qgrams}) so identity can compare
 *     spellings without the clear value
 */
public record FeedColumn(
        String name, ColumnType type, boolean required, boolean pii, String format, String zone, boolean similarity) {
    public static final String ISO8601 = "iso8601";
    /** Suffix of the attribute that holds a column's q-gram encoding. */
    public static final String QGRAMS_SUFFIX = ".qgrams";
}
