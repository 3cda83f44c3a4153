package io.audiencelake.common.feeds;

/** Whether a feed's rows are behaviour (to raw_events) or records about a subject (to raw_attributes). */
public enum FeedKind {
    EVENTS,
    RECORDS
}
