package io.audiencelake.common.segments;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.spark.TestLake;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ControlGroupsTest {
    private static final int PEOPLE = 10_000;

    /** Every person of 0..count-1 in each of the segments. */
    private static Dataset<Row> members(int from, int count, String... segments) {
        List<Row> rows = new ArrayList<>();
        for (String s : segments) {
            for (int i = from; i < from + count; i++) {
                rows.add(RowFactory.create(s, "p" + i));
            }
        }
        return TestLake.spark().createDataFrame(rows, StructType.fromDDL("segment_id string, person_id string"));
    }

    /** segment -> persons in control. */
    private static Map<String, Set<String>> control(Dataset<Row> assigned) {
        Map<String, Set<String>> out = new HashMap<>();
        assigned.where(col(SegmentTables.AUDIENCE_GROUP).equalTo(SegmentTables.CONTROL))
                .collectAsList()
                .forEach(r -> out.computeIfAbsent(r.getString(0), k -> new HashSet<>())
                        .add(r.getString(1)));
        return out;
    }

    @Test
    void aSegmentsShareIsHeldOutTheSameWayOnEveryRunAndEachSegmentDrawsItsOwn() {
        ControlGroups groups = new ControlGroups(0, "test-salt");
        Map<String, Double> shares = Map.of("a", 0.10, "b", 0.10);
        Map<String, Set<String>> first = control(groups.assign(members(0, PEOPLE, "a", "b", "c"), shares));
        int a = first.get("a").size();
        assertTrue(a > 0.09 * PEOPLE && a < 0.11 * PEOPLE, "about 10% of a in control: " + a);
        assertNull(first.get("c"), "a segment without a share has no control group");
        Set<String> both = new HashSet<>(first.get("a"));
        both.retainAll(first.get("b"));
        assertTrue(both.size() < 0.02 * PEOPLE, "a and b draw apart (about 1% in both, not 10%): " + both.size());

        // The next day half the people left and others joined: who stayed keeps their group.
        Map<String, Set<String>> next = control(groups.assign(members(PEOPLE / 2, PEOPLE, "a"), shares));
        for (int i = PEOPLE / 2; i < PEOPLE; i++) {
            String p = "p" + i;
            assertEquals(first.get("a").contains(p), next.get("a").contains(p), p);
        }
        assertEquals(
                first.get("b"),
                control(new ControlGroups(0, "test-salt").assign(members(0, PEOPLE, "b"), shares))
                        .get("b"),
                "a rerun draws the same");
        Set<String> resalted = control(new ControlGroups(0, "other-salt").assign(members(0, PEOPLE, "b"), shares))
                .get("b");
        assertTrue(!resalted.equals(first.get("b")), "a new salt draws new groups");
    }

    @Test
    void theGlobalGroupIsHeldOutOfEverySegmentOnTopOfEachSegmentsOwn() {
        ControlGroups groups = new ControlGroups(0.05, "test-salt");
        Map<String, Set<String>> control = control(groups.assign(members(0, PEOPLE, "a", "b"), Map.of("a", 0.10)));
        int b = control.get("b").size();
        assertTrue(b > 0.04 * PEOPLE && b < 0.06 * PEOPLE, "about 5% of b (the global group only): " + b);
        assertTrue(control.get("a").containsAll(control.get("b")), "the global group is in control everywhere");
        int a = control.get("a").size();
        // 1 - 0.95 * 0.90 = 14.5% of a: its own 10% and the global 5%, independent.
        assertTrue(a > 0.13 * PEOPLE && a < 0.16 * PEOPLE, "about 14.5% of a: " + a);
    }

    @Test
    void aDataScientistCanRecomputeTheBucketInSql() {
        Dataset<Row> people = members(0, 200, "a");
        people.createOrReplaceTempView("control_group_people");
        List<Row> viaSql = TestLake.spark()
                .sql("select person_id, conv(substr(sha2(concat_ws('|', 'test-salt', segment_id, person_id), 256), 1, "
                        + "13), 16, 10) / power(2, 52) as bucket from control_group_people order by person_id")
                .collectAsList();
        List<Row> viaCode = people.select(
                        col("person_id"),
                        ControlGroups.bucket("test-salt", col("segment_id"), col("person_id"))
                                .as("bucket"))
                .orderBy("person_id")
                .collectAsList();
        assertEquals(viaSql, viaCode);
        assertTrue(viaCode.stream().allMatch(r -> r.getDouble(1) >= 0 && r.getDouble(1) < 1));
    }

    @Test
    void exportsTakeTreatedMembersAndRowsFromBeforeControlGroups() {
        List<Row> rows = List.of(
                RowFactory.create("a", "p1", SegmentTables.TREATED),
                RowFactory.create("a", "p2", SegmentTables.CONTROL),
                RowFactory.create("a", "p3", null));
        Dataset<Row> membership = TestLake.spark()
                .createDataFrame(
                        rows, StructType.fromDDL("segment_id string, person_id string, audience_group string"));
        assertEquals(
                List.of("p1", "p3"),
                ControlGroups.exportable(membership).orderBy("person_id").collectAsList().stream()
                        .map(r -> r.getString(1))
                        .toList());
        Dataset<Row> old = membership.drop(SegmentTables.AUDIENCE_GROUP);
        assertEquals(3, ControlGroups.exportable(old).count(), "a table from before control groups: all sent");
    }

    @Test
    void sharesAreRefusedOutsideZeroToHalf() {
        assertEquals(0.1, ControlGroups.share("10%"), 1e-12);
        assertEquals(0.1, ControlGroups.share("0.1"), 1e-12);
        assertEquals(0.5, ControlGroups.share("50%"), 1e-12);
        assertNull(ControlGroups.share("0%"));
        assertNull(ControlGroups.share("51%"));
        assertNull(ControlGroups.share("-0.1"));
        assertThrows(IllegalArgumentException.class, () -> new ControlGroups(0.6, "s"));
        assertThrows(IllegalArgumentException.class, () -> new ControlGroups(0.1, ""));
    }
}
