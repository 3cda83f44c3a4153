package io.audiencelake.common.profiles;

import java.util.Locale;

/** How a trait aggregates its rows. */
public enum TraitKind {
    /** rows (or non-null values of {@code of}) */
    COUNT,
    SUM,
    AVG,
    MIN,
    MAX,
    /** the value of the latest row */
    LAST,
    /** distinct values, estimated with a HyperLogLog sketch (exact for small counts) */
    DISTINCT,
    /** days from the latest row to the run date */
    RECENCY,
    /** time of the earliest row */
    FIRST_SEEN,
    /** time of the latest row */
    LAST_SEEN,
    /** the latest declared value of an attribute */
    ATTRIBUTE;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean needsColumn() {
        return this == SUM
                || this == AVG
                || this == MIN
                || this == MAX
                || this == LAST
                || this == DISTINCT
                || this == ATTRIBUTE;
    }

    public boolean needsNumber() {
        return this == SUM || this == AVG;
    }
}
