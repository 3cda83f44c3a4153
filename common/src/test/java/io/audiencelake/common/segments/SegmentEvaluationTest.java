package io.audiencelake.common.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.audiencelake.common.segments.SegmentDefinitions.Segment;
import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SegmentEvaluationTest {
    private static final StructType SCHEMA = StructType.fromDDL("person_id string, purchases_30d bigint, "
            + "revenue_90d double, city string, campaign string, birth_date date, consent string, vip boolean");
    private static final SegmentCompiler COMPILER = new SegmentCompiler(columns());

    private static Map<String, DataType> columns() {
        Map<String, DataType> out = new HashMap<>();
        for (StructField f : SCHEMA.fields()) {
            out.put(f.name(), f.dataType());
        }
        return out;
    }

    private static Dataset<Row> profiles(Object[]... rows) {
        List<Row> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(RowFactory.create(r));
        }
        return TestLake.spark().createDataFrame(out, SCHEMA);
    }

    private static final Dataset<Row> PEOPLE = profiles(
            new Object[] {"p1", 3L, 300.0, "Paris", "cmp_shoes_5", Date.valueOf("1996-02-01"), "granted", true},
            new Object[] {"p2", 1L, 50.0, "Lyon", "cmp_travel_5", Date.valueOf("1980-07-15"), "denied", false},
            new Object[] {"p3", 0L, 0.0, null, null, null, null, null},
            new Object[] {"p4", 5L, 120.5, "Paris", "spring", Date.valueOf("2001-12-31"), "granted", false});

    private static Set<String> who(String rule) {
        Segment s = new Segment("s", "n", "o", "", RuleParser.parse(rule), rule, null, null, Set.of(), 0, 0);
        Set<String> out = new TreeSet<>();
        SegmentEvaluation.members(PEOPLE, new SegmentDefinitions(List.of(s), List.of(), "granted"), COMPILER)
                .collectAsList()
                .forEach(r -> out.add(r.getString(1)));
        return out;
    }

    @Test
    void eachOperatorSelectsTheRightPeople() {
        assertEquals(Set.of("p1", "p4"), who("city = 'Paris'"));
        assertEquals(Set.of("p2", "p3"), who("not city = 'Paris'"), "a missing city is not Paris");
        assertEquals(Set.of("p2"), who("city != 'Paris'"));
        assertEquals(Set.of("p3"), who("purchases_30d < 1"));
        assertEquals(Set.of("p2", "p3"), who("purchases_30d <= 1"));
        assertEquals(Set.of("p1"), who("revenue_90d > 120.5"));
        assertEquals(Set.of("p1", "p4"), who("revenue_90d >= 120.5"));
        assertEquals(Set.of("p1", "p2"), who("city in ('Lyon', 'Marseille') or vip = true"));
        assertEquals(Set.of("p4"), who("city not in ('Lyon') and campaign is not null and vip = false"));
        assertEquals(Set.of("p1", "p4"), who("purchases_30d between 3 and 5"));
        assertEquals(Set.of("p3"), who("city is null"));
        assertEquals(Set.of("p2"), who("campaign contains 'travel'"));
        assertEquals(Set.of("p1", "p2"), who("campaign starts with 'cmp_'"));
        assertEquals(Set.of("p1", "p4"), who("birth_date >= '1995-01-01'"));
        assertEquals(
                Set.of("p1"), who("(city = 'Paris' and revenue_90d > 200) or (city = 'Lyon' and purchases_30d > 3)"));
    }

    @Test
    void segmentsReferenceEachOtherAndConsentIsRequired() {
        Segment paris =
                new Segment("paris", "n", "o", "", RuleParser.parse("city = 'Paris'"), "", null, null, Set.of(), 0, 0);
        Segment notParis = new Segment(
                "not_paris", "n", "o", "", RuleParser.parse("not segment('paris')"), "", null, null, Set.of(), 0, 0);
        Segment targetable = new Segment(
                "targetable", "n", "o", "", RuleParser.parse("segment('paris')"), "", "ads", "consent", Set.of(), 0, 0);
        Map<String, Set<String>> bySegment = new HashMap<>();
        SegmentEvaluation.members(
                        PEOPLE,
                        new SegmentDefinitions(List.of(paris, notParis, targetable), List.of(), "granted"),
                        COMPILER)
                .collectAsList()
                .forEach(r -> bySegment
                        .computeIfAbsent(r.getString(0), k -> new TreeSet<>())
                        .add(r.getString(1)));
        assertEquals(Set.of("p1", "p4"), bySegment.get("paris"));
        assertEquals(Set.of("p2", "p3"), bySegment.get("not_paris"));
        assertEquals(Set.of("p1", "p4"), bySegment.get("targetable"));
    }

    private static Dataset<Row> members(String... segmentAndPerson) {
        List<Row> rows = new ArrayList<>();
        for (String sp : segmentAndPerson) {
            String[] p = sp.split(":");
            rows.add(RowFactory.create(p[0], p[1]));
        }
        return TestLake.spark().createDataFrame(rows, StructType.fromDDL("segment_id string, person_id string"));
    }

    private static List<String> changes(Dataset<Row> now, Dataset<Row> before) {
        List<String> out = new ArrayList<>();
        SegmentEvaluation.changes(now, before, List.of("a", "b"), LocalDate.of(2025, 6, 2))
                .collectAsList()
                .forEach(r -> out.add(r.getAs("segment_id") + ":" + r.getAs("person_id") + ":" + r.getAs("change")));
        out.sort(null);
        return out;
    }

    @Test
    void addsAndRemovesAcrossThreeRuns() {
        Dataset<Row> run1 = members("a:p1", "a:p2", "b:p1");
        Dataset<Row> run2 = members("a:p2", "a:p3", "b:p1");
        Dataset<Row> run3 = members("a:p3", "b:p1", "b:p2", "z:p9");
        assertEquals(List.of("a:p1:add", "a:p2:add", "b:p1:add"), changes(run1, members()));
        assertEquals(List.of("a:p1:remove", "a:p3:add"), changes(run2, run1));
        assertEquals(List.of("a:p2:remove", "b:p2:add", "z:p9:add"), changes(run3, run2));
        // A segment that emptied loses every member; one no longer defined (c) is left alone.
        assertEquals(
                List.of("a:p3:remove", "b:p1:remove", "b:p2:remove"),
                changes(members("c:p1"), run3).stream()
                        .filter(c -> !c.startsWith("c:") && !c.startsWith("z:"))
                        .toList());
        Map<String, long[]> counts = new HashMap<>();
        Dataset<Row> grouped = run3.withColumn(
                SegmentTables.AUDIENCE_GROUP,
                when(col("person_id").equalTo("p2"), SegmentTables.CONTROL).otherwise(SegmentTables.TREATED));
        SegmentEvaluation.counts(
                        grouped, SegmentEvaluation.changes(run3, run2, List.of("a", "b"), LocalDate.of(2025, 6, 3)))
                .collectAsList()
                .forEach(r -> counts.put(
                        r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)}));
        assertEquals(
                List.of(1L, 0L, 1L, 0L), Arrays.stream(counts.get("a")).boxed().toList());
        assertEquals(
                List.of(2L, 1L, 0L, 1L), Arrays.stream(counts.get("b")).boxed().toList(), "p2 is in control");
    }

    @Test
    void aTimeToLiveKeepsRecentQualifiersUnlessTheyOptedOutOrLeftTheLake() {
        StructType previousSchema = StructType.fromDDL("segment_id string, person_id string, qualified_on date");
        List<Row> previous = new ArrayList<>();
        for (String r : List.of(
                "a:p1:2025-06-04", // qualified yesterday: kept
                "a:p2:2025-06-02", // three days ago, ttl 3: kept (the last day)
                "a:p3:2025-06-01", // four days ago: gone
                "a:p4:2025-06-04", // qualifies again today: today's date
                "a:p5:2025-06-04", // opted out today: gone at once
                "a:p6:2025-06-04", // no profile today (erased): gone
                "b:p1:2025-06-04")) { // b has no ttl: only today's selection
            String[] f = r.split(":");
            previous.add(RowFactory.create(f[0], f[1], Date.valueOf(f[2])));
        }
        Dataset<Row> profiles = TestLake.spark()
                .createDataFrame(
                        List.of(
                                RowFactory.create("p1", "granted"),
                                RowFactory.create("p2", "granted"),
                                RowFactory.create("p3", "granted"),
                                RowFactory.create("p4", "granted"),
                                RowFactory.create("p5", "denied"),
                                RowFactory.create("p7", "granted")),
                        StructType.fromDDL("person_id string, consent string"));
        Segment a = new Segment(
                "a", "n", "o", "", RuleParser.parse("city = 'Paris'"), "", "ads", "consent", Set.of(), 0, 3);
        Segment b = new Segment("b", "n", "o", "", RuleParser.parse("city = 'Paris'"), "", null, null, Set.of(), 0, 0);
        SegmentDefinitions definitions = new SegmentDefinitions(
                List.of(a, b), List.of(), "granted", Map.of("ads", "consent"), ControlGroups.NONE);
        List<String> out = new ArrayList<>();
        SegmentEvaluation.withTimeToLive(
                        members("a:p4", "a:p7", "b:p7"),
                        TestLake.spark().createDataFrame(previous, previousSchema),
                        definitions.ttlDays(),
                        profiles,
                        SegmentEvaluation.stillAllowed(definitions),
                        LocalDate.of(2025, 6, 5))
                .collectAsList()
                .forEach(r -> out.add(r.mkString(":")));
        out.sort(null);
        assertEquals(
                List.of("a:p1:2025-06-04", "a:p2:2025-06-02", "a:p4:2025-06-05", "a:p7:2025-06-05", "b:p7:2025-06-05"),
                out);
    }

    @Test
    void eachSegmentIsComparedWithItsOwnLatestEarlierDateOfItsOwnSource() {
        StructType schema = StructType.fromDDL("segment_id string, person_id string, source string, dt date");
        List<Row> rows = new ArrayList<>();
        for (String r : List.of(
                "a:p1:rule:2025-06-01",
                "a:p2:rule:2025-06-03", // a's latest before 06-05
                "a:p9:rule:2025-06-05", // the run date itself: not previous
                "b:p3:rule:2025-06-02", // b was not evaluated since 06-02
                "a:p7:lookalike:2025-06-04")) { // another source
            String[] f = r.split(":");
            rows.add(RowFactory.create(f[0], f[1], f[2], Date.valueOf(f[3])));
        }
        List<String> previous = new ArrayList<>();
        SegmentEvaluation.previousMembers(
                        TestLake.spark().createDataFrame(rows, schema),
                        SegmentTables.RULE_SOURCE,
                        LocalDate.of(2025, 6, 5))
                .collectAsList()
                .forEach(r -> previous.add(r.getAs("segment_id") + ":" + r.getAs("person_id")));
        previous.sort(null);
        assertEquals(List.of("a:p2", "b:p3"), previous);
    }

    @Test
    void overlapsOfTheChosenSegmentsInOneJoin() {
        Dataset<Row> current = members("a:p1", "a:p2", "a:p3", "b:p2", "b:p3", "c:p3", "d:p1");
        Map<String, Long> pairs = new HashMap<>();
        SegmentEvaluation.overlaps(current, List.of("a", "b", "c"), LocalDate.of(2025, 6, 1))
                .collectAsList()
                .forEach(r -> pairs.put(r.getString(0) + "&" + r.getString(1), r.getLong(2)));
        assertEquals(Map.of("a&a", 3L, "b&b", 2L, "c&c", 1L, "a&b", 2L, "a&c", 1L, "b&c", 1L), pairs);
    }
}
