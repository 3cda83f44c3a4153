package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookalike job over hand-made profiles of two dates: training a first version, scoring without
 * retraining, a new version with --train, scoring with a chosen version, the lookalike segment beside
 * the rule segments, its adds/removes, and the guards.
 */
class LookalikeJobTest {
    private static final String D1 = "2025-06-01";
    private static final String D2 = "2025-06-02";
    private static final String SEGMENTS = """
      consent:
        purposes: {ad_targeting: consent_ad_targeting}
      segments:
        - {id: shoe_fans, name: Shoe fans, owner: merch, rule: "shoe_views_30d >= 5"}
        - {id: travellers, name: Travellers, owner: travel, rule: "travel_views_30d >= 3"}
      """;
    private static final String MODEL = """
      min_seed: %d
      models:
        - {id: like_shoe_fans, owner: merch, seed: shoe_fans, segment: shoe_fan_lookalikes,
           features: %s, reach: 10%%, exclude: [travellers], consent: ad_targeting,
           algorithm: logistic_regression, control_group: 20%%}
      """;

    @TempDir
    Path dir;

    private String config(int minSeed, String features) throws IOException {
        return configWith(minSeed, "[" + features + "]");
    }

    /** The configuration with {@code features} as written in the model's YAML (a list, or auto with options). */
    private String configWith(int minSeed, String features) throws IOException {
        Path segments = Files.writeString(dir.resolve("segments.yaml"), SEGMENTS);
        Path models = Files.writeString(dir.resolve("lookalike.yaml"), MODEL.formatted(minSeed, features));
        return TestConfigs.local(dir, "segments: " + segments, "lookalike: " + models)
                .toString();
    }

    /**
     * 300 people: every fifth is a shoe fan who views many pages (more on day 2 for a few others), every
     * seventh a traveller, every third non-fan without ad-targeting consent.
     */
    private static void profiles(LakeTables lake, String day, int shift) {
        profiles(lake, day, shift, 1);
    }

    /** The profiles with every page view count multiplied by {@code pagesFactor} (a shifted population). */
    private static void profiles(LakeTables lake, String day, int shift, int pagesFactor) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            boolean fan = i % 5 == 0;
            long pages = fan ? 30 + i % 11 : (i + shift) % 13 + (i % 17 == shift ? 25 : 0);
            lines.add(String.format(
                    "{\"person_id\": \"p%03d\", \"shoe_views_30d\": %d, \"travel_views_30d\": %d, "
                            + "\"page_views_30d\": %d, \"carts_30d\": %d, \"last_device_type\": \"%s\", "
                            + "\"consent_ad_targeting\": \"%s\", \"identifiers\": 1, \"devices\": 1, "
                            + "\"shoe_purchases_30d\": %d, \"dt\": \"%s\"}",
                    i,
                    fan ? 6 : 0,
                    i % 7 == 0 ? 4 : 0,
                    pages * pagesFactor,
                    fan ? i % 3 + 1 : i % 2,
                    i % 2 == 0 ? "mobile" : "desktop",
                    !fan && i % 3 == 0 ? "denied" : "granted",
                    fan ? 1 : 0,
                    day));
        }
        ProfileRows.write(lake, day, lines);
    }

    private static Set<String> members(LakeTables lake, String day, String source) {
        Set<String> out = new HashSet<>();
        lake.read(SegmentTables.MEMBERSHIP)
                .where(col("dt").equalTo(day).and(col("source").equalTo(source)))
                .select("segment_id", "person_id")
                .collectAsList()
                .forEach(r -> out.add(r.getString(0) + ":" + r.getString(1)));
        return out;
    }

    /** The model versions whose scores lookalike_scores holds for {@code day}. */
    private static List<Integer> scoredVersions(LakeTables lake, String day) {
        return lake.read(LookalikeTables.SCORES)
                .where(col("dt").equalTo(day))
                .select("version")
                .distinct()
                .as(Encoders.INT())
                .collectAsList();
    }

    private static void ok(CliRun run) {
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void trainsScoresAndWritesTheLookalikeSegmentBesideRuleSegments() throws IOException {
        String conf = config(20, "page_views_30d, carts_30d, last_device_type");
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            profiles(lake, D1, 0);
            profiles(lake, D2, 5);
        });
        ok(CliRun.of("segments", "-c", conf, "-d", D1));
        CliRun first = CliRun.of("lookalike", "-c", conf, "-d", D1);
        ok(first);
        assertTrue(first.out().contains("like_shoe_fans v1 trained on 60 seed members"), first.out());

        // Eligible: not a fan, not a traveller (i % 7 == 0), consent granted (not i % 3 == 0).
        long eligible = IntStream.range(0, 300)
                .filter(i -> i % 5 != 0 && i % 7 != 0 && i % 3 != 0)
                .count();
        Set<String> day1 = new HashSet<>();
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            Row run = lake.read(LookalikeTables.MODEL_RUNS).first();
            assertEquals(1, run.getInt(run.fieldIndex("version")));
            assertEquals(60L, run.getLong(run.fieldIndex("seed_size")));
            assertTrue(run.getDouble(run.fieldIndex("auc")) > 0.9, run.toString());
            assertEquals(
                    List.of("page_views_30d", "carts_30d", "last_device_type"),
                    run.getList(run.fieldIndex("features")));
            assertEquals(eligible, lake.read(LookalikeTables.SCORES).count());
            day1.addAll(members(lake, D1, "lookalike"));
            assertEquals(Math.round(eligible * 0.10), day1.size());
            for (String m : day1) {
                int i = Integer.parseInt(m.substring(m.indexOf(":p") + 2));
                assertTrue(m.startsWith("shoe_fan_lookalikes:") && i % 5 != 0 && i % 7 != 0 && i % 3 != 0, m);
            }
            Row stats = lake.read(SegmentTables.STATS)
                    .where(col("source").equalTo("lookalike"))
                    .first();
            assertEquals("shoe_fan_lookalikes", stats.getString(stats.fieldIndex("segment_id")));
            assertEquals((long) day1.size(), stats.getLong(stats.fieldIndex("adds")));
            assertEquals("ad_targeting", stats.getString(stats.fieldIndex("consent")));
            // The lookalike's own control group: members (in the size) that exports never send.
            long control = lake.read(SegmentTables.MEMBERSHIP)
                    .where(col("source")
                            .equalTo("lookalike")
                            .and(col(SegmentTables.AUDIENCE_GROUP).equalTo(SegmentTables.CONTROL)))
                    .count();
            assertTrue(control > 0 && control < day1.size() / 2, control + " of " + day1.size());
            assertEquals(control, stats.getLong(stats.fieldIndex(SegmentTables.CONTROL_SIZE)));
        });

        // Rule segments and the lookalike segment live side by side: rerunning either keeps the other.
        ok(CliRun.of("segments", "-c", conf, "-d", D1));
        CliRun again = CliRun.of("lookalike", "-c", conf, "-d", D1);
        ok(again);
        assertTrue(!again.out().contains("trained"), "a scoring run does not retrain: " + again.out());
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            assertEquals(day1, members(lake, D1, "lookalike"));
            assertEquals(60 + 43, members(lake, D1, "rule").size(), "60 shoe fans and 43 travellers");
            assertEquals(1, lake.read(LookalikeTables.MODEL_RUNS).count());
        });

        ok(CliRun.of("lookalike", "-c", conf, "-d", D1, "--train"));
        ok(CliRun.of("segments", "-c", conf, "-d", D2));
        ok(CliRun.of("lookalike", "-c", conf, "-d", D2, "--model", "like_shoe_fans", "--model-version", "1"));
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            assertEquals(
                    List.of(1, 2),
                    lake.read(LookalikeTables.MODEL_RUNS)
                            .orderBy("version")
                            .select("version")
                            .as(Encoders.INT())
                            .collectAsList());
            assertEquals(List.of(1), scoredVersions(lake, D2), "scored with the chosen version");
            Set<String> day2 = members(lake, D2, "lookalike");
            Set<String> adds = new HashSet<>(day2);
            adds.removeAll(day1);
            Set<String> removes = new HashSet<>(day1);
            removes.removeAll(day2);
            assertTrue(!adds.isEmpty() && !removes.isEmpty(), "the shifted page views move people in and out");
            Dataset<Row> changes = lake.read(SegmentTables.CHANGES)
                    .where(col("dt").equalTo(D2).and(col("source").equalTo("lookalike")));
            Set<String> added = new HashSet<>();
            Set<String> removed = new HashSet<>();
            changes.collectAsList()
                    .forEach(r -> (r.getString(r.fieldIndex("change")).equals("add") ? added : removed)
                            .add(r.getString(r.fieldIndex("segment_id")) + ":"
                                    + r.getString(r.fieldIndex("person_id"))));
            assertEquals(adds, added);
            assertEquals(removes, removed);
        });
    }

    @Test
    void aVersionKeepsItsReachCurveAndScoringMeasuresDriftAndRetrainsWhenAsked() throws IOException {
        String conf = configWith(
                20, "[page_views_30d, carts_30d, last_device_type], min_lift: 1.5, retrain_when_psi_above: 0.5");
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            profiles(lake, D1, 0);
            profiles(lake, D2, 0, 3);
        });
        ok(CliRun.of("segments", "-c", conf, "-d", D1));
        CliRun trained = CliRun.of("lookalike", "-c", conf, "-d", D1);
        ok(trained);
        assertTrue(trained.out().contains("  reach        recall  precision   lift   added lift"), trained.out());
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            Row run = lake.read(LookalikeTables.MODEL_RUNS).first();
            List<Row> curve = run.getList(run.fieldIndex("reach_curve"));
            assertEquals(
                    List.of(0.01, 0.02, 0.03, 0.05, 0.075, 0.10, 0.15, 0.20),
                    curve.stream().map(p -> p.getDouble(0)).toList());
            for (int i = 1; i < curve.size(); i++) {
                assertTrue(curve.get(i).getDouble(1) >= curve.get(i - 1).getDouble(1), "recall grows with reach");
            }
            // 60 of 300 people are the seed: a perfect top 20% holds only seed members.
            Row at20 = curve.get(curve.size() - 1);
            assertEquals(Math.min(1.0, at20.getDouble(3) * 60 / 300), at20.getDouble(2), 1e-9);
            // Recommended: the reach before the first step whose added people are under 1.5 times random.
            double recommended = 0.20;
            for (int i = 0; i < curve.size(); i++) {
                if (curve.get(i).getDouble(4) < 1.5) {
                    recommended = curve.get(i - 1).getDouble(0);
                    break;
                }
            }
            assertTrue(recommended < 0.20, "every held-out fan is found before 20%: " + curve);
            assertEquals(recommended, run.getDouble(run.fieldIndex("recommended_reach")), 1e-9);
            String shown = String.format(Locale.ROOT, "recommended reach %.1f%% (beyond it", 100 * recommended);
            assertTrue(trained.out().contains(shown), trained.out());
            assertEquals(
                    Set.of("page_views_30d", "carts_30d", "last_device_type"),
                    run.getJavaMap(run.fieldIndex("feature_bins")).keySet());
        });

        // Day 2 triples everyone's page views: the saved version's training distribution no longer holds.
        ok(CliRun.of("segments", "-c", conf, "-d", D2));
        CliRun drifted = CliRun.of("lookalike", "-c", conf, "-d", D2);
        ok(drifted);
        assertTrue(drifted.out().contains("like_shoe_fans v1 drift since " + D1), drifted.out());
        assertTrue(drifted.out().contains("WARNING: 1 feature(s) shifted: [page_views_30d"), drifted.out());
        assertTrue(drifted.out().contains("like_shoe_fans v2 trained on"), "retrained: " + drifted.out());
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            Map<String, Double> psi = new HashMap<>();
            lake.read(LookalikeTables.DRIFT)
                    .where(col("dt").equalTo(D2))
                    .collectAsList()
                    .forEach(r -> {
                        assertEquals(1, r.getInt(r.fieldIndex("version")));
                        assertTrue(r.getBoolean(r.fieldIndex("retrained")));
                        psi.put(r.getString(r.fieldIndex("feature")), r.getDouble(r.fieldIndex("psi")));
                    });
            assertTrue(psi.get("page_views_30d") > 0.5, psi.toString());
            assertTrue(psi.get("carts_30d") < 0.1 && psi.get("last_device_type") < 0.1, psi.toString());
            assertEquals(List.of(2), scoredVersions(lake, D2), "scored with the version trained on the drifted date");
        });

        // A rerun scores with the new version, trained for the date: nothing drifted, nothing retrained.
        CliRun rerun = CliRun.of("lookalike", "-c", conf, "-d", D2);
        ok(rerun);
        assertTrue(!rerun.out().contains("trained on") && !rerun.out().contains("drift since"), rerun.out());
        LakeCheck.inSession(
                Path.of(conf),
                TableFormat.DELTA,
                lake -> assertEquals(2, lake.read(LookalikeTables.MODEL_RUNS).count()));
    }

    @Test
    void aSmallSeedOrAFeatureWithoutVarianceIsRefusedWithoutAModel() throws IOException {
        String conf = config(1000, "page_views_30d, carts_30d");
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> profiles(lake, D1, 0));
        ok(CliRun.of("segments", "-c", conf, "-d", D1));
        CliRun small = CliRun.of("lookalike", "-c", conf, "-d", D1);
        assertEquals(1, small.exitCode());
        assertTrue(
                small.err()
                        .contains("seed segment shoe_fans has 60 members with a profile on 2025-06-01; at least "
                                + "1000 are needed to train"),
                small.err());

        conf = config(20, "page_views_30d, purchases_1d");
        CliRun flat = CliRun.of("lookalike", "-c", conf, "-d", D1);
        assertEquals(1, flat.exitCode());
        assertTrue(
                flat.err().contains("feature(s) [purchases_1d] have the same value for every training row"),
                flat.err());
        LakeCheck.inSession(
                Path.of(conf),
                TableFormat.DELTA,
                lake -> assertTrue(!lake.exists(LookalikeTables.MODEL_RUNS)
                        || lake.read(LookalikeTables.MODEL_RUNS).isEmpty()));

        CliRun valid = CliRun.of("lookalike", "-c", conf, "-d", D1, "--validate");
        assertEquals(0, valid.exitCode(), valid.err());
        assertTrue(valid.out().contains("like_shoe_fans"), valid.out());
    }

    @Test
    void autoFeaturesTrainOnEveryUsefulColumnAndReportWhatTheyLeftOutAndWhy() throws IOException {
        String conf = configWith(20, "auto, max_feature_correlation: 0.97");
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> profiles(lake, D1, 0));
        ok(CliRun.of("segments", "-c", conf, "-d", D1));
        CliRun run = CliRun.of("lookalike", "-c", conf, "-d", D1);
        ok(run);
        assertTrue(run.out().contains("features: auto, 4 used; left out:"), run.out());
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            Row version = lake.read(LookalikeTables.MODEL_RUNS).first();
            // Only these vary in the hand-made profiles; the rest are empty or the same for everyone.
            assertEquals(
                    Set.of("page_views_30d", "travel_views_30d", "carts_30d", "last_device_type"),
                    new HashSet<>(version.getList(version.fieldIndex("features"))));
            Map<String, String> dropped = version.getJavaMap(version.fieldIndex("dropped_features"));
            assertEquals("read by the rule of seed segment shoe_fans", dropped.get("shoe_views_30d"));
            // Every fan and no one else bought shoes: the seed given away, not a resemblance.
            assertTrue(
                    dropped.get("shoe_purchases_30d").startsWith("correlation 1.000 with seed membership"),
                    dropped.toString());
            assertEquals("the same value for every training row", dropped.get("identifiers"));
            assertTrue(
                    dropped.get("consent_ad_targeting").startsWith("the model's consent column"), dropped.toString());
            assertTrue(lake.read(LookalikeTables.SCORES).count() > 0, "scored with the version's own features");
        });
    }
}
