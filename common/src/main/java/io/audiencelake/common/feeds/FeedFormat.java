package io.audiencelake.common.feeds;

/** How a feed's files are laid out. Compression (gzip, bzip2) is read from the file name. */
public enum FeedFormat {
  CSV,
  TSV,
  JSONL
}
