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
}
