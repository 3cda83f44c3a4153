package io.audiencelake.common.feeds;

/**
 * Which columns of an event feed are the event's type, user agent, IP and order value. Every other
 * column that is neither an identifier nor personal data goes to the event's attributes map.
 */
public record EventFields(String type, String userAgent, String ip, String revenue, String currency) {}
