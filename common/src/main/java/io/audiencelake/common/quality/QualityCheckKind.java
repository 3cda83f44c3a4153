package io.audiencelake.common.quality;

import java.util.Locale;

/** What a quality check looks at, as written in quality.yaml. */
public enum QualityCheckKind {
    /** Rows written: within [min, max], and within max_change of the previous run's partition. */
    ROW_COUNT,
    /** No nulls in the columns (default: the table's key columns). */
    NOT_NULL,
    /** No two rows share the columns' values (default: the table's key columns). */
    UNIQUE,
    /** Every non-null value of the column within [min, max]. */
    RANGE,
    /** Rows per value of the group column (e.g. a segment's size) within max_change of the previous run. */
    SIZE_CHANGE;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
