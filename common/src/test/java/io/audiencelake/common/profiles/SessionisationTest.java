package io.audiencelake.common.profiles;

import static io.audiencelake.common.profiles.ProfileFrames.event;
import static io.audiencelake.common.profiles.ProfileFrames.events;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.audiencelake.common.profiles.ProfileRules.Channel;
import io.audiencelake.common.profiles.ProfileRules.SessionRules;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class SessionisationTest {
    private static final SessionRules RULES = new SessionRules(
            30,
            true,
            List.of("purchase"),
            "page_url",
            "referrer",
            "campaign",
            List.of(
                    new Channel("paid_search", List.of("www.google.com"), true),
                    new Channel("organic_search", List.of("www.google.com"), null),
                    new Channel("email", List.of("mail.example-esp.com"), null)),
            false);
    private static final EventColumns COLUMNS = EventColumns.of(ProfileRulesLoaderTest.CONTRACTS);

    private static List<Row> sessions(ProfileFrames.Event... events) {
        return Sessionisation.sessions(events(events), RULES, COLUMNS)
                .orderBy(Sessions.DEVICE_ID, Sessions.SESSION_START)
                .collectAsList();
    }

    @Test
    void inactivityLongerThanTheGapStartsANewSession() {
        List<Row> s = sessions(
                event("2025-05-01T10:00:00Z", "page_view", "c1")
                        .with("page_url", "/home")
                        .with("referrer", "https://www.google.com/search?q=shoes"),
                event("2025-05-01T10:29:00Z", "product_view", "c1").with("page_url", "/p/1"),
                event("2025-05-01T10:40:00Z", "add_to_cart", "c1").with("page_url", "/cart"),
                event("2025-05-01T10:41:00Z", "purchase", "c1").revenue(20.01),
                // 30 minutes and one second later: a new session
                event("2025-05-01T11:11:01Z", "page_view", "c1").with("page_url", "/home"));
        assertEquals(2, s.size());
        Row first = s.get(0);
        assertEquals(4L, first.<Long>getAs(Sessions.EVENTS));
        assertEquals(3L, first.<Long>getAs(Sessions.PAGES));
        assertEquals(41 * 60L, first.<Long>getAs(Sessions.DURATION_SECONDS));
        assertEquals("/home", first.getAs(Sessions.ENTRY_PAGE));
        // The purchase has no page: the exit page is the last event's, which is null.
        Assertions.assertNull(first.getAs(Sessions.EXIT_PAGE));
        assertEquals(true, first.getAs(Sessions.CONVERTED));
        assertEquals(20.01, first.<Double>getAs(Sessions.REVENUE), 1e-9);
        assertEquals("www.google.com", first.getAs(Sessions.REFERRER));
        assertEquals("organic_search", first.getAs(Sessions.CHANNEL));
        Row second = s.get(1);
        assertEquals(1L, second.<Long>getAs(Sessions.EVENTS));
        assertEquals(0L, second.<Long>getAs(Sessions.DURATION_SECONDS));
        assertEquals(false, second.getAs(Sessions.CONVERTED));
        assertEquals("direct", second.getAs(Sessions.CHANNEL));
    }

    @Test
    void midnightAndANewCampaignEndASessionButAGapWithinTheLimitDoesNot() {
        List<Row> s = sessions(
                event("2025-05-01T23:50:00Z", "page_view", "c2"),
                event("2025-05-02T00:05:00Z", "page_view", "c2"),
                event("2025-05-02T00:20:00Z", "page_view", "c2")
                        .with("campaign", "spring")
                        .with("referrer", "https://www.google.com/aclk?x=1"),
                event("2025-05-02T00:21:00Z", "page_view", "c2").with("campaign", "spring"),
                event("2025-05-02T00:22:00Z", "page_view", "c2").with("campaign", "summer"),
                event("2025-05-02T00:22:00Z", "page_view", "c3"));
        assertEquals(5, s.size());
        assertEquals(Date.valueOf("2025-05-01"), s.get(0).getAs(Sessions.DT));
        assertEquals(Date.valueOf("2025-05-02"), s.get(1).getAs(Sessions.DT));
        assertEquals(1L, s.get(1).<Long>getAs(Sessions.EVENTS));
        assertEquals(2L, s.get(2).<Long>getAs(Sessions.EVENTS));
        assertEquals("spring", s.get(2).getAs(Sessions.CAMPAIGN));
        assertEquals("paid_search", s.get(2).getAs(Sessions.CHANNEL));
        assertEquals("summer", s.get(3).getAs(Sessions.CAMPAIGN));
        assertEquals("campaign", s.get(3).getAs(Sessions.CHANNEL));
        assertEquals("c3", s.get(4).getAs(Sessions.DEVICE_ID));
    }

    @Test
    void sessionIdsAreStableAndEventsWithoutADeviceAreLeftOut() {
        ProfileFrames.Event a = event("2025-05-01T10:00:00Z", "page_view", "c1");
        ProfileFrames.Event b = event("2025-05-01T10:00:00Z", "page_view", null);
        List<Row> once = sessions(a, b);
        List<Row> again = sessions(a);
        assertEquals(1, once.size());
        assertEquals(
                once.get(0).<String>getAs(Sessions.SESSION_ID), again.get(0).getAs(Sessions.SESSION_ID));
        assertEquals(32, once.get(0).<String>getAs(Sessions.SESSION_ID).length());
    }
}
