package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.ExportTombstones;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.identity.ConnectedComponents;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.IdMatchMetrics.Metric;
import io.audiencelake.common.identity.IdMatchMetrics.MetricName;
import io.audiencelake.common.identity.IdentifierNodes;
import io.audiencelake.common.identity.IdentityRules;
import io.audiencelake.common.identity.IdentityRulesLoader;
import io.audiencelake.common.identity.ProbabilisticMatching;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.segments.SegmentTables;
import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The job stages that transform frames rather than read or write tables, each on a few hand-made rows: what
 * the job relies on them for. (Stages that only read and write are covered by each job's own test.)
 */
class JobStagesTest {
    private static final Date DAY = Date.valueOf("2025-08-02");

    private static Dataset<Row> frame(String ddl, Object[]... rows) {
        List<Row> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(RowFactory.create(r));
        }
        return TestLake.spark().createDataFrame(out, StructType.fromDDL(ddl));
    }

    private static IdentityRules identityRules() {
        return IdentityRulesLoader.load(TestConfigs.shippedContracts().resolveSibling("identity.yaml"));
    }

    @Test
    void anIncrementalDropRemovesAnErasedIdentifierOnceAndNotWhileItIsStillInTheAudience() {
        String key = ExportTables.SEGMENT_ID + " string, " + ExportTables.ID_TYPE + " string, " + ExportTables.ID_VALUE
                + " string";
        Dataset<Row> changes = frame(
                key + ", " + ExportTables.ACTION + " string", new Object[] {"s", "cookie", "c1", ExportTables.REMOVE});
        Dataset<Row> due = frame(
                ExportTombstones.DESTINATION_ID + " string, " + key + ", " + ExportTombstones.ERASED_AT + " timestamp, "
                        + ExportTombstones.DELIVERED_DT + " date",
                new Object[] {"d", "s", "cookie", "c1", null, null},
                new Object[] {"d", "s", "cookie", "c2", null, null},
                new Object[] {"d", "s", "cookie", "c3", null, null});
        // c3 came back into the audience under a person not erased: removing it would undo today's add.
        Dataset<Row> current = frame(key, new Object[] {"s", "cookie", "c3"});

        List<String> rows = ExportJob.withTombstones(changes, due, current).collectAsList().stream()
                .map(r -> r.getAs(ExportTables.ID_VALUE) + ":" + r.getAs(ExportTables.ACTION))
                .sorted()
                .toList();

        assertEquals(List.of("c1:remove", "c2:remove"), rows);
        assertEquals(1, ExportJob.withTombstones(changes, null, current).count(), "no tombstones, no change");
    }

    @Test
    void summarizeCountsPersonsOnceEachAndFlagsThoseOverTheClusterCap() {
        IdentityRules rules = identityRules();
        long big = Math.max(rules.maxClusterSize() + 1L, 101);
        String ddl = IdGraph.PERSON_ID + " string, " + IdGraph.ID_VALUE + " string, " + IdGraph.PERSON_SIZE + " long";
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"p1", "a", 1L});
        rows.add(new Object[] {"p2", "b", 2L});
        rows.add(new Object[] {"p2", "c", 2L});
        for (int i = 0; i < big; i++) {
            rows.add(new Object[] {"p3", "x" + i, big});
        }
        List<Metric> metrics = new ArrayList<>();

        long persons = IdentityJob.summarize(frame(ddl, rows.toArray(Object[][]::new)), rules, metrics);

        assertEquals(3, persons);
        Map<String, Double> byName = metrics.stream()
                .collect(Collectors.toMap(
                        m -> m.name() + "/" + m.dimension(), Metric::value, (a, b) -> a, TreeMap::new));
        assertEquals(3.0, byName.get(MetricName.PERSONS + "/"));
        assertEquals((double) big, byName.get(MetricName.LARGEST_PERSON + "/"));
        assertEquals(1.0, byName.get(MetricName.OVERSIZED_PERSONS + "/"));
        assertEquals(1.0, byName.get(MetricName.PERSON_SIZE + "/1"));
        assertEquals(1.0, byName.get(MetricName.PERSON_SIZE + "/2"), "a person of two rows counts once");
        assertEquals(1.0, byName.get(MetricName.PERSON_SIZE + "/over 100"));
    }

    @Test
    void aComponentIsAnchoredByItsSmallestNodeOfTheConflictTypeAndAComponentWithoutOneByNothing() {
        IdentityRules rules = identityRules();
        String conflict = rules.conflictType();
        Dataset<Row> components = frame(
                IdentifierNodes.NODE + " long, " + ConnectedComponents.COMPONENT + " long",
                new Object[] {5L, 1L},
                new Object[] {3L, 1L},
                new Object[] {9L, 1L},
                new Object[] {7L, 2L});
        Dataset<Row> identifiers = frame(
                IdentifierNodes.NODE + " long, " + IdentifierNodes.ID_TYPE + " string",
                new Object[] {5L, conflict},
                new Object[] {9L, conflict},
                new Object[] {3L, "cookie"},
                new Object[] {7L, "cookie"});

        Map<Long, Long> anchors = new TreeMap<>();
        Map<Long, Boolean> anchorless = new TreeMap<>();
        for (Row r : IdentityJob.anchored(components, identifiers, rules).collectAsList()) {
            long node = r.getAs(IdentifierNodes.NODE);
            Object anchor = r.getAs(ProbabilisticMatching.ANCHOR);
            anchorless.put(node, anchor == null);
            if (anchor != null) {
                anchors.put(node, (Long) anchor);
            }
        }

        assertEquals(Map.of(3L, 5L, 5L, 5L, 9L, 5L), anchors, "every node of component 1 carries node 5");
        assertEquals(Boolean.TRUE, anchorless.get(7L));
    }

    @Test
    void aLookalikeRunKeepsOtherModelsSegmentsOfTheDateAndNothingElse() {
        Dataset<Row> table = frame(
                SegmentTables.SEGMENT_ID + " string, " + SegmentTables.SOURCE + " string, " + SegmentTables.DT
                        + " date",
                new Object[] {"mine", SegmentTables.LOOKALIKE_SOURCE, DAY},
                new Object[] {"other", SegmentTables.LOOKALIKE_SOURCE, DAY},
                new Object[] {"other", SegmentTables.LOOKALIKE_SOURCE, Date.valueOf("2025-08-01")},
                new Object[] {"rule_segment", "rule", DAY});

        List<Row> kept = LookalikeJob.keepOthers(table, DAY, List.of("mine")).collectAsList();

        assertEquals(1, kept.size());
        assertEquals("other", kept.get(0).getAs(SegmentTables.SEGMENT_ID));
        assertEquals(DAY, kept.get(0).getAs(SegmentTables.DT));
    }

    @Test
    void profilesCountEventsWithADeviceAndLeaveCrawlersOut() {
        ProfileRules rules = ProfileRulesLoader.load(
                TestConfigs.shippedContracts().resolveSibling("traits.yaml"),
                FeedContracts.load(TestConfigs.shippedContracts()).values());
        Dataset<Row> events = frame(
                "n int, " + RawEvents.DEVICE_ID + " string, " + RawEvents.IS_ROBOT + " boolean",
                new Object[] {1, "d1", false},
                new Object[] {2, "d2", null},
                new Object[] {3, "d3", true},
                new Object[] {4, null, false});

        TreeSet<Integer> kept = new TreeSet<>();
        ProfilesJob.usable(rules, events).collectAsList().forEach(r -> kept.add(r.getInt(0)));

        assertFalse(rules.sessions().includeRobots(), "the shipped traits.yaml leaves crawlers out");
        assertEquals(new TreeSet<>(List.of(1, 2)), kept, "an unknown is_robot is a person's event");
    }

    @Test
    void profilesRowsTakeTheTablesColumnsInItsOrderWithANullForATraitNoLongerDefined() {
        StructType table = StructType.fromDDL("person_id string, dropped_trait double, visits long");
        Dataset<Row> rows = frame("visits long, person_id string", new Object[] {3L, "p1"});

        Dataset<Row> out = ProfilesJob.conform(rows, table);

        assertEquals(Arrays.asList(table.fieldNames()), Arrays.asList(out.columns()));
        assertEquals(DataTypes.DoubleType, out.schema().apply("dropped_trait").dataType());
        Row r = out.first();
        assertEquals("p1", r.getString(0));
        assertNull(r.get(1));
        assertEquals(3L, r.getLong(2));
    }
}
