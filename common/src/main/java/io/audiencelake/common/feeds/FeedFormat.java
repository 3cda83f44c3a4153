package io.audiencelake.common.feeds;

/** How a feed's files are laid out. Compression (gzip, bzip2) is read from the file name. */
public enum FeedFormat {
    CSV,
    TSV,
    JSONL,
    /** Typed columns; a row's "line" is its position in the file and its text the row as JSON. */
    PARQUET,
    /**
     * Lines matched by the contract's {@code pattern}, a regular expression whose named groups are the
     * columns (web server logs); a line that does not match as a whole is malformed.
     */
    REGEX;

    /** Whether the format has a header line naming the columns. */
    public boolean delimited() {
        return this == CSV || this == TSV;
    }
}
