package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** id_graph as versions: what each run stores, what "as of a date" returns, reruns, expiry and retention. */
class GraphVersionsTest {
    private static final LocalDate D1 = LocalDate.of(2025, 6, 1);
    private static final LocalDate D2 = LocalDate.of(2025, 6, 2);
    private static final IdentityRules.Expiry EXPIRY =
            new IdentityRules.Expiry(Map.of(IdentityRules.DEFAULT, 120, "cookie", 30), 400);
    private static final StructType DAY =
            new StructType(Arrays.stream(IdGraph.SPEC.schema().fields())
                    .filter(f -> GraphVersions.DAY_COLUMNS.contains(f.name()))
                    .toArray(StructField[]::new));

    /** One identifier of a day's graph, last seen on {@code lastSeen}. */
    private static Row id(String person, String type, String value, LocalDate lastSeen) {
        return RowFactory.create(
                person,
                type,
                value,
                false,
                Timestamp.valueOf("2025-01-01 00:00:00"),
                Timestamp.valueOf(lastSeen.atTime(12, 0)),
                1L,
                false);
    }

    private static Dataset<Row> day(Row... rows) {
        return TestLake.spark().createDataFrame(List.of(rows), DAY);
    }

    private static Dataset<Row> empty() {
        return TestLake.spark().createDataFrame(List.of(), IdGraph.SPEC.schema());
    }

    /** A run of {@code date}: {@code expired} are the identifiers the job found undelivered for too long. */
    private static Dataset<Row> run(Dataset<Row> table, Dataset<Row> day, LocalDate date, String... expired) {
        List<Row> keys = new ArrayList<>();
        for (String value : expired) {
            keys.add(RowFactory.create(value.startsWith("c") ? "cookie" : "maid", value));
        }
        Dataset<Row> expiredKeys =
                TestLake.spark().createDataFrame(keys, StructType.fromDDL("id_type string, id_value string"));
        return GraphVersions.next(table, day, date, EXPIRY.historyDays(), expiredKeys)
                .localCheckpoint();
    }

    private static Map<String, String> personOf(Dataset<Row> table, LocalDate date) {
        Map<String, String> out = new TreeMap<>();
        GraphVersions.asOf(table, date)
                .collectAsList()
                .forEach(r -> out.put(r.getAs(IdGraph.ID_VALUE), r.getAs(IdGraph.PERSON_ID)));
        return out;
    }

    /** "value: valid_from..valid_to change/ended" per version, sorted. */
    private static List<String> versions(Dataset<Row> table) {
        List<String> out = new ArrayList<>();
        for (Row r : table.collectAsList()) {
            out.add(r.getAs(IdGraph.ID_VALUE) + " " + r.getAs(IdGraph.PERSON_ID) + ": " + r.getAs(IdGraph.VALID_FROM)
                    + ".." + r.getAs(IdGraph.VALID_TO) + " " + r.getAs(IdGraph.CHANGE) + "/" + r.getAs(IdGraph.ENDED));
        }
        return new ArrayList<>(new TreeSet<>(out));
    }

    /** The graph of day 2 (c2 moved to p1, m1 new), every identifier last seen on {@code seen}. */
    private static Dataset<Row> secondDay(LocalDate seen) {
        return day(
                id("p1", "email", "e1", seen),
                id("p1", "cookie", "c1", seen),
                id("p1", "cookie", "c2", seen),
                id("p4", "maid", "m1", seen));
    }

    /** Day 1: p1 {e1, c1}, p2 {c2, c3}, p3 {c9}; day 2: c2 moved to p1, c3 gone but recent, c9 unseen for months. */
    private static Dataset<Row> twoDays() {
        Dataset<Row> first = run(
                empty(),
                day(
                        id("p1", "email", "e1", D1),
                        id("p1", "cookie", "c1", D1),
                        id("p2", "cookie", "c2", D1),
                        id("p2", "cookie", "c3", D1),
                        id("p3", "cookie", "c9", D1.minusDays(29))),
                D1);
        return run(first, secondDay(D2), D2, "c9");
    }

    @Test
    void aRunStoresOnlyWhatChangedAndEachDateReadsBackAsItsGraph() {
        Dataset<Row> table = twoDays();

        assertEquals(
                List.of(
                        "c1 p1: 2025-06-01..null added/null",
                        "c2 p1: 2025-06-02..null moved/null",
                        "c2 p2: 2025-06-01..2025-06-02 added/moved",
                        "c3 p2: 2025-06-01..2025-06-02 added/removed",
                        "c9 p3: 2025-06-01..2025-06-02 added/expired",
                        "e1 p1: 2025-06-01..null added/null",
                        "m1 p4: 2025-06-02..null added/null"),
                versions(table));
        assertEquals(
                Map.of("c1", "p1", "c2", "p2", "c3", "p2", "c9", "p3", "e1", "p1"), personOf(table, D1), "as of day 1");
        assertEquals(Map.of("c1", "p1", "c2", "p1", "e1", "p1", "m1", "p4"), personOf(table, D2), "as of day 2");
        assertEquals(Map.of(), personOf(table, D1.minusDays(1)), "before the first run");
    }

    @Test
    void asOfCountsEachPersonOnItsDateAndCapsLastSeenThere() {
        Dataset<Row> table = twoDays();
        Map<String, Long> sizes = new TreeMap<>();
        GraphVersions.asOf(table, D1)
                .where(col(IdGraph.PERSON_ID).equalTo("p1"))
                .collectAsList()
                .forEach(r -> sizes.put(r.getAs(IdGraph.ID_VALUE), r.getAs(IdGraph.PERSON_SIZE)));
        assertEquals(Map.of("c1", 2L, "e1", 2L), sizes, "p1 had two identifiers on day 1, three on day 2");
        Row c1 = GraphVersions.asOf(table, D1)
                .where(col(IdGraph.ID_VALUE).equalTo("c1"))
                .first();
        assertEquals(
                D1, c1.<Timestamp>getAs(IdGraph.LAST_SEEN).toLocalDateTime().toLocalDate(), "not day 2's sighting");
        assertEquals(Date.valueOf(D1), c1.getAs(IdGraph.DT));
    }

    @Test
    void aRerunOfADateGivesTheSameTable() {
        Dataset<Row> table = twoDays();
        Dataset<Row> again = run(table, secondDay(D2), D2, "c9");
        assertEquals(versions(table), versions(again));
    }

    @Test
    void anIdentifierExpiresByItsOwnTypesLimitCountedFromItsLastDelivery() {
        // Both last delivered 40 days ago: past the cookie limit (30), within the default (120) that a maid has.
        // The maid's own timestamp is a year old: delivery, not the record's date, counts as seen.
        LocalDate delivered = D2.minusDays(40);
        Dataset<Row> seen = TestLake.spark()
                .createDataFrame(
                        List.of(
                                RowFactory.create("cookie", "c1", Date.valueOf(delivered)),
                                RowFactory.create("maid", "m1", Date.valueOf(delivered))),
                        StructType.fromDDL(
                                "id_type string, id_value string, " + DeterministicLinks.LAST_DELIVERED + " date"));
        assertEquals(
                List.of("c1"),
                DeterministicLinks.expired(seen, D2, EXPIRY).collectAsList().stream()
                        .map(r -> r.<String>getAs(IdGraph.ID_VALUE))
                        .toList());
        // The identity job leaves c1 out of day 2's graph; its version records why it ended.
        LocalDate old = D2.minusDays(365);
        Dataset<Row> first = run(empty(), day(id("p1", "cookie", "c1", old), id("p1", "maid", "m1", old)), D1);
        Dataset<Row> second = run(first, day(id("p1", "maid", "m1", old)), D2, "c1");
        assertEquals(
                List.of("c1 p1: 2025-06-01..2025-06-02 added/expired", "m1 p1: 2025-06-01..null added/null"),
                versions(second));
    }

    @Test
    void endedVersionsOlderThanTheHistoryLimitAreDropped() {
        Dataset<Row> table = twoDays();
        LocalDate muchLater = D2.plusDays(401);
        Dataset<Row> later = run(table, secondDay(muchLater), muchLater);
        assertEquals(
                List.of(
                        "c1 p1: 2025-06-01..null added/null",
                        "c2 p1: 2025-06-02..null moved/null",
                        "e1 p1: 2025-06-01..null added/null",
                        "m1 p4: 2025-06-02..null added/null"),
                versions(later));
    }

    @Test
    void theLatestRunIsTheLatestDateAVersionBeganOrEnded() {
        assertEquals(D2, GraphVersions.latestRun(twoDays()));
        assertNull(GraphVersions.latestRun(empty()));
    }
}
