package io.audiencelake.common.profiles;

import java.util.Locale;

/** Which rows a trait aggregates. */
public enum TraitSource {
    /** raw_events of the events feeds, one row per event */
    EVENTS,
    /** the sessions table, one row per session */
    SESSIONS,
    /** raw_attributes of the record feeds (CRM, partner, third-party segments, consent) */
    ATTRIBUTES;

    /** "event", "session", "attribute": as in "session traits". */
    public String singular() {
        String plural = name().toLowerCase(Locale.ROOT);
        return plural.substring(0, plural.length() - 1);
    }
}
