package io.audiencelake.common.config;

/** The open table format every lake table of a deployment is written in. */
public enum TableFormat {
    DELTA,
    ICEBERG
}
