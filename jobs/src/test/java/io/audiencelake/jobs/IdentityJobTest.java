package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.identity.ComparedPairs;
import io.audiencelake.common.identity.DeviceDays;
import io.audiencelake.common.identity.GraphVersions;
import io.audiencelake.common.identity.IdEdges;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.identity.IdentifierState;
import io.audiencelake.common.identity.RecordValues;
import io.audiencelake.common.identity.SeenTogether;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lake.Versions;
import io.audiencelake.common.runs.JobRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity job end to end on generated feeds: links, persons, stable ids, metrics, evaluation. */
class IdentityJobTest {
    private static final String DAY1 = "2025-05-01";
    private static final String DAY2 = "2025-05-02";
    private static final String DAY3 = "2025-05-03";

    @TempDir
    Path dir;

    private static double metric(LakeTables lake, String date, String metric, String dimension) {
        return lake.read(IdMatchMetrics.SPEC)
                .where(col(IdMatchMetrics.DT)
                        .equalTo(date)
                        .and(col(IdMatchMetrics.METRIC).equalTo(metric))
                        .and(col(IdMatchMetrics.DIMENSION).equalTo(dimension)))
                .first()
                .<Double>getAs(IdMatchMetrics.VALUE);
    }

    private static Map<String, String> personOf(LakeTables lake, String date) {
        Map<String, String> out = new HashMap<>();
        GraphVersions.asOf(lake.read(IdGraph.SPEC), LocalDate.parse(date))
                .collectAsList()
                .forEach(r -> out.put(
                        r.getAs(IdGraph.ID_TYPE) + ":" + r.getAs(IdGraph.ID_VALUE), r.getAs(IdGraph.PERSON_ID)));
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void generatedFeedsBecomeAStableScoredIdentityGraph() throws IOException {
        Path file = TestConfigs.local(dir);
        String conf = file.toString();
        String truth = dir.resolve("data/ground-truth/identifiers").toString();
        assertEquals(
                0, CliRun.of("generate", "-c", conf, "-d", DAY3, "--days", "3").exitCode());
        for (String day : List.of(DAY1, DAY2, DAY3)) {
            assertEquals(0, CliRun.of("ingest", "-c", conf, "-d", day).exitCode());
        }
        CliRun first = CliRun.of("identity", "-c", conf, "-d", DAY1, "--evaluate", truth);
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("identity " + DAY1 + ": precision "), first.out());
        assertTrue(first.out().contains("  blocking records "), first.out());
        assertEquals(
                0,
                CliRun.of("identity", "-c", conf, "-d", DAY2, "--evaluate", truth)
                        .exitCode());
        Map<String, String>[] firstDay2 = new Map[1];
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> firstDay2[0] = personOf(lake, DAY2));
        // A rerun of a date gives the same graph; the ground-truth folder itself also reads its households.
        CliRun rerun = CliRun.of(
                "identity",
                "-c",
                conf,
                "-d",
                DAY2,
                "--evaluate",
                dir.resolve("data/ground-truth").toString());
        assertEquals(0, rerun.exitCode(), rerun.err());
        assertTrue(rerun.out().contains("pairwise/device/mobile_app"), rerun.out());

        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            Dataset<Row> graph = lake.read(IdGraph.SPEC);
            assertTrue(
                    graph.where(col(IdGraph.ID_TYPE)
                                    .isin("email", "phone")
                                    .and(col(IdGraph.ID_VALUE)
                                            .rlike("^[0-9a-f]{64}$")
                                            .unary_$bang()))
                            .isEmpty(),
                    "emails and phones hashed");
            assertTrue(graph.where(col(IdGraph.HASHED)
                            .and(col(IdGraph.ID_TYPE).isin("email", "phone").unary_$bang()))
                    .isEmpty());
            assertTrue(metric(lake, DAY1, "precision", "pairwise") >= 0.85, "precision on day 1");
            assertTrue(metric(lake, DAY2, "f1", "pairwise") > 0.3, "f1 on day 2");
            // The deterministic links alone find fewer true pairs than the whole graph (which holds them all).
            assertTrue(metric(lake, DAY2, "recall", "pairwise/deterministic") > 0);
            assertTrue(
                    metric(lake, DAY2, "recall", "pairwise/deterministic") <= metric(lake, DAY2, "recall", "pairwise"));
            assertTrue(metric(lake, DAY2, "recall", "pairwise/device/desktop_web") > 0);
            // The ceilings (the logins' links plus every true pair the models compared, or every true pair of
            // devices on one address) hold every deterministic pair, and no address joins all of a person's devices.
            double compared = metric(lake, DAY2, "recall", "pairwise/ceiling/compared");
            double shared = metric(lake, DAY2, "recall", "pairwise/ceiling/shared_address");
            assertTrue(compared >= metric(lake, DAY2, "recall", "pairwise/deterministic"), "compared");
            assertTrue(shared >= metric(lake, DAY2, "recall", "pairwise/deterministic"), "shared");
            assertTrue(shared < 1, "some devices of a person never share an address: " + shared);
            // Households share addresses and family logins: some persons hold two members, never most.
            double mixed = metric(lake, DAY2, "mixed_person_share", "household_member");
            assertTrue(mixed > 0 && mixed < 0.5, "household mixing " + mixed);
            assertTrue(metric(lake, DAY1, "candidate_pairs", "records/postcode") > 0);
            // Blocking recall: the share of true pairs a model (and each of its rules) made candidates.
            double blocked = metric(lake, DAY1, "blocking_recall", "records");
            assertTrue(blocked > 0 && blocked <= 1, "records blocking recall " + blocked);
            assertTrue(metric(lake, DAY1, "blocking_recall", "records/postcode") <= blocked);
            assertTrue(metric(lake, DAY1, "edges", "deterministic") > 0);

            Dataset<Row> edges = lake.read(IdEdges.SPEC).where(Versions.validOn(LocalDate.parse(DAY2)));
            Row probabilistic = edges.where(col(IdEdges.KIND)
                            .equalTo(IdEdges.PROBABILISTIC)
                            .and(col(IdEdges.RULE).startsWith("records:")))
                    .first();
            assertTrue(probabilistic.<Double>getAs(IdEdges.SCORE) >= 0.95);
            List<Row> evidence = probabilistic.getList(probabilistic.fieldIndex(IdEdges.EVIDENCE));
            assertEquals(
                    List.of("first_name", "last_name", "postcode", "birth_year"),
                    evidence.stream().map(e -> e.<String>getAs("comparison")).toList());
            assertTrue(edges.where(col(IdEdges.KIND)
                                    .equalTo(IdEdges.DETERMINISTIC)
                                    .and(col(IdEdges.RULE).startsWith("record:")))
                            .count()
                    > 0);

            // Person ids carry over: a person that neither merged nor split between the days keeps its id.
            Map<String, String> before = personOf(lake, DAY1);
            Map<String, String> after = personOf(lake, DAY2);
            Map<String, Set<String>> oldToNew = new HashMap<>();
            Map<String, Set<String>> newToOld = new HashMap<>();
            before.forEach((id, old) -> {
                if (after.containsKey(id)) {
                    oldToNew.computeIfAbsent(old, k -> new HashSet<>()).add(after.get(id));
                    newToOld.computeIfAbsent(after.get(id), k -> new HashSet<>())
                            .add(old);
                }
            });
            long unchanged = 0;
            for (Map.Entry<String, Set<String>> e : oldToNew.entrySet()) {
                String now = e.getValue().iterator().next();
                if (e.getValue().size() == 1 && newToOld.get(now).size() == 1) {
                    assertEquals(e.getKey(), now, "a person that neither merged nor split keeps its id");
                    unchanged++;
                }
            }
            assertTrue(unchanged > 50, unchanged + " persons unchanged");
            assertTrue(newToOld.values().stream().anyMatch(s -> s.size() > 1), "new links merged some persons");
            assertTrue(metric(lake, DAY2, "persons_merged", "") > 0);
            assertEquals(firstDay2[0], after, "the rerun gave the same persons and ids");
            // Day 2 stored only its changes: a version per identifier that is new or changed person, and
            // the rerun replaced them rather than adding more.
            long changed = after.entrySet().stream()
                    .filter(e -> !e.getValue().equals(before.get(e.getKey())))
                    .count();
            assertEquals(
                    changed, graph.where(col(IdGraph.VALID_FROM).equalTo(DAY2)).count(), "versions begun on day 2");
            assertEquals(
                    after.size(), graph.where(col(IdGraph.VALID_TO).isNull()).count(), "one current version each");
            assertTrue(changed < after.size() / 2, changed + " of " + after.size() + " changed: not a full copy");
            assertTrue(
                    lake.read(IdEdges.SPEC)
                                    .where(col(Versions.VALID_FROM).equalTo(DAY2))
                                    .count()
                            < edges.count(),
                    "links made on both days keep their day-1 version");
        });

        Map<String, String> day3 = dailyRunEqualsARebuild(file);

        // 130 days later with nothing new: every identifier is past the 120 days of inactivity, so every
        // person disappears and the graph records why.
        String later = LocalDate.parse(DAY3).plusDays(130).toString();
        CliRun expiry = CliRun.of("identity", "-c", conf, "-d", later);
        assertEquals(0, expiry.exitCode(), expiry.err());
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            assertEquals(Map.of(), personOf(lake, later), "no person left");
            Dataset<Row> ended =
                    lake.read(IdGraph.SPEC).where(col(IdGraph.VALID_TO).equalTo(later));
            assertEquals(day3.size(), ended.count(), "every identifier of day 3 ended");
            assertEquals(
                    ended.count(),
                    ended.where(col(IdGraph.ENDED).equalTo(IdGraph.EXPIRED)).count(),
                    "as expired");
            assertEquals((double) ended.count(), metric(lake, later, "graph_changes", IdGraph.EXPIRED));
            assertEquals(firstDay2[0], personOf(lake, DAY2), "the graph as of day 2 is still there to query");
        });
        // Identity moves forward: a date before the latest run is refused, and nothing is written.
        long[] rows = new long[1];
        LakeCheck.inSession(
                file,
                TableFormat.DELTA,
                lake -> rows[0] = lake.read(IdGraph.SPEC).count());
        CliRun backwards = CliRun.of("identity", "-c", conf, "-d", DAY2);
        assertTrue(backwards.exitCode() != 0, "a run for an earlier date than the latest is refused");
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            assertEquals(rows[0], lake.read(IdGraph.SPEC).count());
            assertEquals(Map.of(), personOf(lake, later), "the latest run stands");
        });
    }

    /**
     * Day 3 run from day 2's state (reading only day 3's raw_identifiers) against a rebuild of day 3 from all
     * history: the same deterministic links exactly, and persons that agree pairwise (F1 >= 0.99; probabilistic
     * links between profiles unchanged since day 2 stand without being scored again). Returns day 3's graph.
     */
    private static Map<String, String> dailyRunEqualsARebuild(Path file) {
        String conf = file.toString();
        // The tables a day 3 run writes after id_edges, as day 2 left them: to put back, as a run killed after
        // its first commit would leave them.
        Map<TableSpec, Long> day2 = new HashMap<>();
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            for (TableSpec t : List.of(
                    IdGraph.SPEC,
                    DeviceDays.SPEC,
                    RecordValues.SPEC,
                    ComparedPairs.SPEC,
                    IdentifierState.SPEC,
                    SeenTogether.SPEC)) {
                day2.put(t, lake.currentVersion(t).version());
            }
        });
        CliRun daily = CliRun.of("identity", "-c", conf, "-d", DAY3);
        assertEquals(0, daily.exitCode(), daily.err());
        Map<String, String> incremental = new HashMap<>();
        Set<String> dailyLinks = new HashSet<>();
        Set<String> dailyProfiles = new HashSet<>();
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            incremental.putAll(personOf(lake, DAY3));
            dailyLinks.addAll(deterministicLinks(lake, DAY3));
            dailyProfiles.addAll(profileState(lake));
            assertTrue(
                    lake.read(DeviceDays.SPEC).select(DeviceDays.DT).distinct().count() == 3,
                    "device partials of the three days");
            assertTrue(
                    lake.read(IdEdges.SPEC)
                                    .where(Versions.validOn(LocalDate.parse(DAY3))
                                            .and(col(IdEdges.KIND).equalTo(IdEdges.PROBABILISTIC)))
                                    .count()
                            > 0,
                    "probabilistic links on day 3, to compare");
            assertTrue(
                    lake.read(IdEdges.SPEC)
                                    .where(Versions.validOn(LocalDate.parse(DAY3))
                                            .and(col(IdEdges.KIND).equalTo(IdEdges.CONTINUITY)))
                                    .count()
                            > 0,
                    "cookie continuity links on day 3 (a cleared cookie's successor), to compare");
            long day3Rows = lake.read(RawIdentifiers.SPEC)
                    .where(col(RawTables.DT).equalTo(DAY3))
                    .count();
            Row run = lake.read(JobRuns.SPEC)
                    .where(col(JobRuns.JOB)
                            .equalTo("identity")
                            .and(col(JobRuns.RUN_DATE).equalTo(DAY3)))
                    .orderBy(col(JobRuns.STARTED_AT).desc())
                    .first();
            assertEquals(
                    day3Rows,
                    run.<String, Long>getJavaMap(run.fieldIndex(JobRuns.COUNTS)).get("raw_identifiers.read"),
                    "the daily run read day 3's raw_identifiers only");
            day2.forEach((t, version) -> lake.replace(t, lake.readVersion(t, version)));
        });
        // Killed after id_edges: the rerun reads day 3 again (the state is day 2's), undoes day 3's links and
        // gives the same graph, although the components are not seeded (id_edges is of another run).
        CliRun retry = CliRun.of("identity", "-c", conf, "-d", DAY3);
        assertEquals(0, retry.exitCode(), retry.err());
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            assertEquals(incremental, personOf(lake, DAY3), "the retry after a kill gives the same persons");
            assertEquals(dailyLinks, deterministicLinks(lake, DAY3));
            assertEquals(dailyProfiles, profileState(lake));
        });
        CliRun rebuild = CliRun.of("identity", "-c", conf, "-d", DAY3, "--rebuild");
        assertEquals(0, rebuild.exitCode(), rebuild.err());
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            assertEquals(dailyLinks, deterministicLinks(lake, DAY3), "deterministic links equal");
            assertEquals(dailyProfiles, profileState(lake), "device partials and record values equal");
            Map<String, String> rebuilt = personOf(lake, DAY3);
            assertEquals(incremental.keySet(), rebuilt.keySet(), "the same identifiers");
            double f1 = pairwiseF1(incremental, rebuilt);
            assertTrue(f1 >= 0.99, "pairwise F1 of the daily run against the rebuild: " + f1);
        });
        return incremental;
    }

    /** Every row of the match models' profile state (device partials, record values but their run date). */
    private static Set<String> profileState(LakeTables lake) {
        Set<String> out = new HashSet<>();
        lake.read(DeviceDays.SPEC).collectAsList().forEach(r -> out.add("device " + r));
        lake.read(RecordValues.SPEC).drop(RecordValues.THROUGH).collectAsList().forEach(r -> out.add("record " + r));
        assertTrue(out.stream().anyMatch(r -> r.startsWith("device ")), "device partials kept");
        assertTrue(out.stream().anyMatch(r -> r.startsWith("record ")), "record values kept");
        return out;
    }

    private static Set<String> deterministicLinks(LakeTables lake, String date) {
        Set<String> out = new HashSet<>();
        lake.read(IdEdges.SPEC)
                .where(Versions.validOn(LocalDate.parse(date))
                        .and(col(IdEdges.KIND).equalTo(IdEdges.DETERMINISTIC)))
                .collectAsList()
                .forEach(r -> out.add(r.getAs(IdEdges.SRC_TYPE) + ":" + r.getAs(IdEdges.SRC_VALUE) + "-"
                        + r.getAs(IdEdges.DST_TYPE) + ":" + r.getAs(IdEdges.DST_VALUE)));
        return out;
    }

    /** Pairwise F1 of two groupings of the same identifiers: pairs in one person in both, over pairs in each. */
    private static double pairwiseF1(Map<String, String> a, Map<String, String> b) {
        Map<String, Long> inA = new HashMap<>();
        Map<String, Long> inB = new HashMap<>();
        Map<String, Long> inBoth = new HashMap<>();
        a.forEach((id, person) -> {
            inA.merge(person, 1L, Long::sum);
            inB.merge(b.get(id), 1L, Long::sum);
            inBoth.merge(person + "|" + b.get(id), 1L, Long::sum);
        });
        double both = pairs(inBoth);
        double total = pairs(inA) + pairs(inB);
        return total == 0 ? 1 : 2 * both / total;
    }

    private static double pairs(Map<String, Long> sizes) {
        return sizes.values().stream().mapToDouble(n -> n * (n - 1) / 2.0).sum();
    }

    @Test
    void badRulesAreRefusedBeforeAnyWrite() throws IOException {
        Path rules = dir.resolve("identity.yaml");
        Files.writeString(rules, "deterministic:\n  strong_types: [email]\nmatching:\n  threshold: 2\n");
        Path file = TestConfigs.local(dir, "identity_rules: " + rules);
        CliRun run = CliRun.of("identity", "-c", file.toString(), "-d", DAY1);
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains(rules + ": matching.threshold"), run.err());
        assertTrue(Files.notExists(dir.resolve("data/warehouse")), "nothing written");
    }
}
