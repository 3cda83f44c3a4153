package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class DeterministicLinksTest {
    private static final LocalDate DAY = LocalDate.of(2025, 3, 1);
    private static final String RAW =
            "record_id string, party string, id_type string, id_value string, hashed boolean, "
                    + "observed_at timestamp, source_file string, line_number bigint, feed string, dt date";

    private static IdentityRules rules(int emailCap, int coOwners) {
        return new IdentityRules(
                Set.of("email", "customer_id"),
                Map.of("default", 50, "email", emailCap),
                coOwners,
                0.9,
                "email",
                0.1,
                10,
                1e-7,
                1000,
                100,
                20,
                List.of(),
                IdentityRules.Expiry.DEFAULTS);
    }

    private static Object[] id(String record, String feed, String type, String value) {
        return row(
                record,
                "first",
                type,
                value,
                type.equals("email"),
                Timestamp.valueOf("2025-03-01 10:00:00"),
                "f",
                1L,
                feed,
                Date.valueOf(DAY));
    }

    /** Groups of "type:value" that end up in one component. */
    private static Set<Set<String>> persons(List<Object[]> rows, IdentityRules rules) {
        Dataset<Row> raw = Frames.of(RAW, rows.toArray(Object[][]::new));
        Dataset<Row> delivered = DeterministicLinks.delivered(raw, null, DAY);
        Dataset<Row> pairs = DeterministicLinks.foldTogether(null, DeterministicLinks.together(delivered));
        Dataset<Row> seen = DeterministicLinks.foldSeen(null, DeterministicLinks.seen(delivered));
        Dataset<Row> noise = DeterministicLinks.noise(DeterministicLinks.degrees(pairs, seen, rules), rules);
        Dataset<Row> ids = seen.join(noise.select("node"), new String[] {"node"}, "left_anti");
        Dataset<Row> cc = ConnectedComponents.of(ids.select("node"), DeterministicLinks.edges(pairs, noise, rules), 20)
                .components();
        Map<Long, Set<String>> groups = new TreeMap<>();
        for (Row r : ids.join(cc, "node").collectAsList()) {
            groups.computeIfAbsent(r.getAs("component"), k -> new TreeSet<>())
                    .add(r.getAs("id_type") + ":" + r.getAs("id_value"));
        }
        return new HashSet<>(groups.values());
    }

    @Test
    void identifiersSeenWithTheSameStrongIdentifierJoinAcrossRecordsAndFeeds() {
        List<Object[]> rows = List.of(
                id("r1", "clickstream", "cookie", "c1"),
                id("r1", "clickstream", "email", "e1"),
                id("r2", "crm", "customer_id", "C1"),
                id("r2", "crm", "email", "e1"),
                id("r2", "crm", "phone", "p1"),
                id("r3", "clickstream", "maid", "m1"),
                id("r3", "clickstream", "customer_id", "C1"),
                // Weak identifiers together with no strong one do not link.
                id("r4", "clickstream", "cookie", "c2"),
                id("r4", "clickstream", "maid", "m2"));
        assertEquals(
                Set.of(
                        Set.of("cookie:c1", "email:e1", "customer_id:C1", "phone:p1", "maid:m1"),
                        Set.of("cookie:c2"),
                        Set.of("maid:m2")),
                persons(rows, rules(10, 5)));
    }

    @Test
    void anEmailSeenWithMoreIdentifiersThanItsCapIsNoiseAndLinksNothing() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(id("t" + i, "clickstream", "cookie", "c" + i));
            rows.add(id("t" + i, "clickstream", "email", "test"));
        }
        rows.add(id("a", "clickstream", "cookie", "c0"));
        rows.add(id("a", "clickstream", "email", "ann"));
        Set<Set<String>> persons = persons(rows, rules(3, 5));
        assertEquals(
                Set.of(Set.of("cookie:c0", "email:ann"), Set.of("cookie:c1"), Set.of("cookie:c2"), Set.of("cookie:c3")),
                persons,
                "the test email is cut (degree 4 > 3) and appears in no person");
    }

    @Test
    void anEmailTypedOnDevicesThatBelongToOtherEmailsIsNoise() {
        List<Object[]> rows = new ArrayList<>();
        // Three people log in with their own email on their phone, and once with "test".
        for (int i = 0; i < 3; i++) {
            rows.add(id("own" + i, "clickstream", "maid", "m" + i));
            rows.add(id("own" + i, "clickstream", "email", "e" + i));
            rows.add(id("junk" + i, "clickstream", "maid", "m" + i));
            rows.add(id("junk" + i, "clickstream", "email", "test"));
        }
        // A family email used on two phones that carry no other email is fine.
        rows.add(id("f1", "clickstream", "maid", "fm1"));
        rows.add(id("f1", "clickstream", "email", "family"));
        rows.add(id("f2", "clickstream", "maid", "fm2"));
        rows.add(id("f2", "clickstream", "email", "family"));
        assertEquals(
                Set.of(
                        Set.of("maid:m0", "email:e0"),
                        Set.of("maid:m1", "email:e1"),
                        Set.of("maid:m2", "email:e2"),
                        Set.of("maid:fm1", "maid:fm2", "email:family")),
                persons(rows, rules(10, 2)));
    }

    @Test
    void identifiersAfterTheRunDateAreNotUsed() {
        List<Object[]> rows =
                new ArrayList<>(List.of(id("r1", "crm", "customer_id", "C1"), id("r1", "crm", "email", "e1")));
        Object[] later = id("r2", "crm", "customer_id", "C1");
        later[9] = Date.valueOf(DAY.plusDays(1));
        rows.add(later);
        Object[] laterEmail = id("r2", "crm", "email", "e2");
        laterEmail[9] = Date.valueOf(DAY.plusDays(1));
        rows.add(laterEmail);
        assertEquals(Set.of(Set.of("customer_id:C1", "email:e1")), persons(rows, rules(10, 5)));
    }

    /** A pair or identifier as comparable text, whatever the row's column order. */
    private static Set<String> asText(Dataset<Row> rows, String... columns) {
        Set<String> out = new TreeSet<>();
        rows.selectExpr(columns).collectAsList().forEach(r -> out.add(r.toString()));
        return out;
    }

    @Test
    void aDailyFoldOfTheNewPartitionGivesWhatOnePassOverAllDaysGives() {
        // Day 2 sees a pair again from another feed and later, a new pair, and an identifier of day 1 again.
        List<Object[]> rows = new ArrayList<>(List.of(
                id("r1", "crm", "customer_id", "C1"),
                id("r1", "crm", "email", "e1"),
                id("r2", "clickstream", "email", "e2"),
                id("r2", "clickstream", "cookie", "k2")));
        for (Object[] r : List.of(
                id("r3", "partner", "customer_id", "C1"),
                id("r3", "partner", "email", "e1"),
                id("r4", "clickstream", "email", "e1"),
                id("r4", "clickstream", "cookie", "k4"),
                id("r5", "clickstream", "cookie", "k2"))) {
            r[5] = Timestamp.valueOf("2025-03-02 08:00:00");
            r[9] = Date.valueOf(DAY.plusDays(1));
            rows.add(r);
        }
        Dataset<Row> raw = Frames.of(RAW, rows.toArray(Object[][]::new));
        LocalDate day2 = DAY.plusDays(1);

        Dataset<Row> onePassPairs = DeterministicLinks.foldTogether(
                null, DeterministicLinks.together(DeterministicLinks.delivered(raw, null, day2)));
        Dataset<Row> onePassSeen = DeterministicLinks.foldSeen(
                null, DeterministicLinks.seen(DeterministicLinks.delivered(raw, null, day2)));

        Dataset<Row> day1 = DeterministicLinks.delivered(raw, null, DAY);
        Dataset<Row> day2Only = DeterministicLinks.delivered(raw, DAY, day2);
        Dataset<Row> foldedPairs = DeterministicLinks.foldTogether(
                DeterministicLinks.foldTogether(null, DeterministicLinks.together(day1)),
                DeterministicLinks.together(day2Only));
        Dataset<Row> foldedSeen = DeterministicLinks.foldSeen(
                DeterministicLinks.foldSeen(null, DeterministicLinks.seen(day1)), DeterministicLinks.seen(day2Only));

        String[] pair = {"a_type", "a_value", "b_type", "b_value", "feeds", "last_delivered", "a", "b"};
        String[] seen = {"id_type", "id_value", "hashed", "first_seen", "last_seen", "last_delivered", "node"};
        Set<String> expectedPairs = asText(onePassPairs, pair);
        assertEquals(expectedPairs, asText(foldedPairs, pair));
        assertEquals(asText(onePassSeen, seen), asText(foldedSeen, seen));
        // The customer id and email of day 1, delivered again by the partner on day 2: both feeds, day 2.
        Row both = foldedPairs
                .where("(a_value = 'C1' and b_value = 'e1') or (a_value = 'e1' and b_value = 'C1')")
                .first();
        assertEquals(List.of("crm", "partner"), both.getList(both.fieldIndex("feeds")));
        assertEquals(Date.valueOf(day2), both.getAs("last_delivered"));
        Row e1 = foldedSeen.where("id_value = 'e1'").first();
        assertEquals(Timestamp.valueOf("2025-03-01 10:00:00"), e1.getAs("first_seen"));
        assertEquals(Timestamp.valueOf("2025-03-02 08:00:00"), e1.getAs("last_seen"));
        assertEquals(3L, foldedPairs.count(), "C1-e1, e2-k2, e1-k4; k2 alone on day 2 pairs with nothing");
        // A retried day folds the same partition twice: nothing changes.
        assertEquals(
                expectedPairs,
                asText(DeterministicLinks.foldTogether(foldedPairs, DeterministicLinks.together(day2Only)), pair));
        assertEquals(
                asText(onePassSeen, seen),
                asText(DeterministicLinks.foldSeen(foldedSeen, DeterministicLinks.seen(day2Only)), seen));
    }
}
