package io.audiencelake.common.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RecordProfilesTest {
    private static final LocalDate DAY1 = LocalDate.of(2025, 3, 1);
    private static final LocalDate DAY2 = DAY1.plusDays(1);
    private static final String ATTRIBUTES = "subject_type string, subject_id string, feed string, name string, "
            + "value string, observed_at timestamp, dt date";

    private static Object[] attribute(LocalDate day, String subject, String feed, String name, String value, int hour) {
        return late(day, day, subject, name, value, hour, feed);
    }

    /** Delivered on {@code day}, observed at {@code hour} of {@code observed}. */
    private static Object[] late(
            LocalDate day, LocalDate observed, String subject, String name, String value, int hour, String feed) {
        return new Object[] {
            "customer_id", subject, feed, name, value, Timestamp.valueOf(observed.atTime(hour, 0)), Date.valueOf(day)
        };
    }

    /** subject:feed:name -> value. */
    private static Map<String, String> latest(Dataset<Row> values) {
        Map<String, String> out = new TreeMap<>();
        values.collectAsList()
                .forEach(r -> out.put(
                        r.getAs(RecordValues.SUBJECT_ID) + ":" + r.getAs(RecordValues.FEED) + ":"
                                + r.getAs(RecordValues.NAME),
                        r.getAs(RecordValues.VALUE)));
        return out;
    }

    @Test
    void foldingADayIntoThePreviousValuesEqualsReadingBothDays() {
        Dataset<Row> raw = Frames.of(
                ATTRIBUTES,
                attribute(DAY1, "c1", "crm", "last_name", "smith", 9),
                attribute(DAY1, "c1", "crm", "postcode", "2000", 9),
                // A later observation wins; a null value never replaces one.
                attribute(DAY2, "c1", "crm", "last_name", "jones", 8),
                attribute(DAY2, "c1", "crm", "postcode", null, 10),
                // An observation delivered late, with an older time, does not win either.
                late(DAY2, DAY1, "c1", "first_name", "ann", 1, "crm"),
                attribute(DAY1, "c1", "crm", "first_name", "anne", 12),
                // Feeds and names no model reads are left out.
                attribute(DAY1, "c2", "web", "last_name", "brown", 9),
                attribute(DAY2, "c2", "crm", "shoe_size", "42", 9));
        List<String> feeds = List.of("crm");
        List<String> names = List.of("first_name", "last_name", "postcode");
        Dataset<Row> once = RecordProfiles.values(raw, null, DAY2, feeds, names);
        Dataset<Row> folded = RecordProfiles.foldValues(
                RecordProfiles.values(raw, null, DAY1, feeds, names),
                RecordProfiles.values(raw, DAY1, DAY2, feeds, names));
        Map<String, String> expected = Map.of(
                "c1:crm:first_name", "anne",
                "c1:crm:last_name", "jones",
                "c1:crm:postcode", "2000");
        assertEquals(expected, latest(once));
        assertEquals(expected, latest(folded));
    }
}
