package io.audiencelake.common.feeds;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One column of a feed.
 *
 * @param pii personal data: hashed with SHA-256 (after normalisation for identifiers) wherever it is kept
 * @param format for date and timestamp columns: {@code iso8601} or a Java date-time pattern
 * @param zone for timestamps without an offset: the zone they were written in
 * @param similarity also keep a keyed q-gram encoding ({@code <name>.qgrams}) so identity can compare
 *     spellings without the clear value
 * @param prepared per suffix, preparation steps whose result is kept as attribute {@code <name>.<suffix>}: for
 *     personal data each prepared value (each word of a list) as a keyed hash, so identity can block on and
 *     compare words, phonetic codes or initials of a name without its clear text
 */
public record FeedColumn(
        String name,
        ColumnType type,
        boolean required,
        boolean pii,
        String format,
        String zone,
        boolean similarity,
        Map<String, List<FieldPreparation.Step>> prepared) {
    public FeedColumn {
        prepared = Collections.unmodifiableMap(new LinkedHashMap<>(prepared));
    }

    public FeedColumn(
            String name,
            ColumnType type,
            boolean required,
            boolean pii,
            String format,
            String zone,
            boolean similarity) {
        this(name, type, required, pii, format, zone, similarity, Map.of());
    }

    public static final String ISO8601 = "iso8601";
    /** Suffix of the attribute that holds a column's q-gram encoding. */
    public static final String QGRAMS_SUFFIX = ".qgrams";
}
