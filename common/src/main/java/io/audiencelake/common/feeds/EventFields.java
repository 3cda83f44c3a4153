package io.audiencelake.common.feeds;

import java.util.Map;

/**
 * Which columns of an event feed are the event's type, user agent, IP and order value. Every other
 * column that is neither an identifier nor personal data goes to the event's attributes map.
 *
 * @param consent event types that change consent (e.g. a destination's {@code unsubscribed}): each such event is also
 *     a consent record of its identifiers in raw_attributes, {@code consent.<purpose> = <status>} at the event's time,
 *     which export reads like any other (the latest record wins)
 */
public record EventFields(
        String type, String userAgent, String ip, String revenue, String currency, Map<String, ConsentChange> consent) {

    /** The consent an event type records: {@code consent.<purpose>} becomes {@code status}. */
    public record ConsentChange(String purpose, String status) {}

    public EventFields {
        consent = Map.copyOf(consent);
    }

    public EventFields(String type, String userAgent, String ip, String revenue, String currency) {
        this(type, userAgent, ip, revenue, currency, Map.of());
    }
}
