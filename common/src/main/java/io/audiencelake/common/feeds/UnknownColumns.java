package io.audiencelake.common.feeds;

/**
 * What ingest does with the values of columns (or JSON keys) the contract does not know. Such columns
 * arrive unannounced (a partner adds {@code Login_Email}); their names say nothing reliable, so the
 * default looks at each value.
 */
public enum UnknownColumns {
    /** Kept verbatim: only for a feed whose owner vouches that its extra columns never hold personal data. */
    KEEP,
    /** Kept, but any value that looks like an email or a phone number is stored as its SHA-256. */
    HASH_PII,
    /** Every value stored as its SHA-256: joins on them still work, nothing is readable. */
    HASH,
    /** Not stored; the column names are still reported in feed_files. */
    DROP
}
