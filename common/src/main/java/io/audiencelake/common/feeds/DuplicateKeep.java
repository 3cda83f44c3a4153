package io.audiencelake.common.feeds;

/**
 * Which row of a dedupe key survives. Records (a CRM extract, a consent record) change over time, so the
 * latest wins: an opt-out at 10:00 must beat the grant at 09:00, whatever the order of the lines. Events
 * repeat only as redeliveries of the same fact, so the first delivered is kept.
 */
public enum DuplicateKeep {
    /** The first row by file and line. */
    FIRST,
    /** The row with the latest contract timestamp; among equal times, the last by file and line. */
    LATEST
}
