package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The segments job over hand-made profiles of three dates: membership, adds/removes, stats, overlaps. */
class SegmentsJobTest {
    private static final String[] DAYS = {"2025-06-01", "2025-06-02", "2025-06-03"};
    private static final String SEGMENTS = """
      consent:
        purposes: {ad_targeting: consent_ad_targeting}
      overlap: [buyers, parisians, targetable_buyers]
      segments:
        - {id: buyers, name: Buyers, owner: crm, rule: "purchases_30d >= 1"}
        - {id: parisians, name: Parisians, owner: local, rule: "city = 'Paris'"}
        - {id: targetable_buyers, name: Targetable buyers, owner: ads, consent: ad_targeting,
           rule: "segment('buyers') and not segment('parisians')"}
      """;

    @TempDir
    Path dir;

    /** Profiles of a date from JSON lines (columns not given are empty). */
    private static void profiles(LakeTables lake, String day, String... json) {
        List<String> lines = new ArrayList<>();
        for (String j : json) {
            lines.add(j.replace("}", ", \"identifiers\": 1, \"devices\": 1, \"dt\": \"" + day + "\"}"));
        }
        ProfileRows.write(lake, day, lines);
    }

    private static List<String> sorted(Dataset<Row> rows) {
        List<String> out = new ArrayList<>();
        rows.collectAsList().forEach(r -> out.add(r.mkString(":")));
        out.sort(null);
        return out;
    }

    @Test
    void threeRunsGiveMembershipChangesStatsAndOverlaps() throws IOException {
        Path segments = Files.writeString(dir.resolve("segments.yaml"), SEGMENTS);
        String conf = TestConfigs.local(dir, "segments: " + segments).toString();
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            profiles(
                    lake,
                    DAYS[0],
                    "{\"person_id\": \"p1\", \"purchases_30d\": 2, \"city\": \"Paris\", \"consent_ad_targeting\": \"granted\"}",
                    "{\"person_id\": \"p2\", \"purchases_30d\": 1, \"city\": \"Lyon\", \"consent_ad_targeting\": \"granted\"}",
                    "{\"person_id\": \"p3\", \"purchases_30d\": 0, \"city\": \"Paris\"}");
            profiles(
                    lake,
                    DAYS[1],
                    "{\"person_id\": \"p1\", \"purchases_30d\": 0, \"city\": \"Paris\", \"consent_ad_targeting\": \"granted\"}",
                    "{\"person_id\": \"p2\", \"purchases_30d\": 1, \"city\": \"Lyon\", \"consent_ad_targeting\": \"denied\"}",
                    "{\"person_id\": \"p3\", \"purchases_30d\": 4, \"city\": \"Nice\", \"consent_ad_targeting\": \"granted\"}");
            profiles(
                    lake,
                    DAYS[2],
                    "{\"person_id\": \"p3\", \"purchases_30d\": 4, \"city\": \"Nice\", \"consent_ad_targeting\": \"granted\"}");
        });
        for (String day : DAYS) {
            CliRun run = CliRun.of("segments", "-c", conf, "-d", day);
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("targetable_buyers"), run.out());
        }
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            Dataset<Row> members =
                    lake.read(SegmentTables.MEMBERSHIP).select("dt", "segment_id", "person_id", "source");
            assertEquals(
                    List.of(
                            "2025-06-01:buyers:p1:rule",
                            "2025-06-01:buyers:p2:rule",
                            "2025-06-01:parisians:p1:rule",
                            "2025-06-01:parisians:p3:rule",
                            "2025-06-01:targetable_buyers:p2:rule",
                            "2025-06-02:buyers:p2:rule",
                            "2025-06-02:buyers:p3:rule",
                            "2025-06-02:parisians:p1:rule",
                            "2025-06-02:targetable_buyers:p3:rule",
                            "2025-06-03:buyers:p3:rule",
                            "2025-06-03:targetable_buyers:p3:rule"),
                    sorted(members));
            Dataset<Row> changes = lake.read(SegmentTables.CHANGES)
                    .where(col("dt").gt(DAYS[0]))
                    .select("dt", "segment_id", "person_id", "change");
            assertEquals(
                    List.of(
                            "2025-06-02:buyers:p1:remove",
                            "2025-06-02:buyers:p3:add",
                            "2025-06-02:parisians:p3:remove",
                            "2025-06-02:targetable_buyers:p2:remove",
                            "2025-06-02:targetable_buyers:p3:add",
                            "2025-06-03:buyers:p2:remove",
                            "2025-06-03:parisians:p1:remove"),
                    sorted(changes));
            assertEquals(
                    List.of(
                            "2025-06-03:buyers:1:0:1",
                            "2025-06-03:parisians:0:0:1",
                            "2025-06-03:targetable_buyers:1:0:0"),
                    sorted(lake.read(SegmentTables.STATS)
                            .where(col("dt").equalTo(DAYS[2]))
                            .select("dt", "segment_id", "size", "adds", "removes")));
            Row labels = lake.read(SegmentTables.STATS)
                    .where(col("segment_id").equalTo("targetable_buyers"))
                    .first();
            assertTrue(
                    labels.getList(labels.fieldIndex("labels"))
                            .containsAll(List.of("behavioural", "consent", "declared")),
                    labels.toString());
            assertEquals(
                    List.of(
                            "2025-06-01:buyers:buyers:2",
                            "2025-06-01:buyers:parisians:1",
                            "2025-06-01:buyers:targetable_buyers:1",
                            "2025-06-01:parisians:parisians:2",
                            "2025-06-01:targetable_buyers:targetable_buyers:1"),
                    sorted(lake.read(SegmentTables.OVERLAPS)
                            .where(col("dt").equalTo(DAYS[0]))
                            .select("dt", "segment_a", "segment_b", "persons")));
        });

        CliRun dry = CliRun.of("segments", "-c", conf, "-d", DAYS[0], "--dry-run", "--sample", "1");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().matches("(?s).*buyers\\s+2\\n.*"), dry.out());
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void aMembershipTimeToLiveKeepsALapsedQualifierForItsDaysThenRemovesThem(TableFormat format) throws IOException {
        Path segments = Files.writeString(
                dir.resolve("segments.yaml"),
                "segments:\n  - {id: recent_buyers, name: R, owner: o, rule: \"purchases_30d >= 1\", ttl_days: 1}\n");
        String conf = TestConfigs.local(dir, "segments: " + segments).toString();
        LakeCheck.inSession(Path.of(conf), format, lake -> {
            profiles(
                    lake,
                    DAYS[0],
                    "{\"person_id\": \"p1\", \"purchases_30d\": 1}",
                    "{\"person_id\": \"p2\", \"purchases_30d\": 1}");
            profiles(
                    lake,
                    DAYS[1],
                    "{\"person_id\": \"p1\", \"purchases_30d\": 0}",
                    "{\"person_id\": \"p2\", \"purchases_30d\": 1}");
            profiles(
                    lake,
                    DAYS[2],
                    "{\"person_id\": \"p1\", \"purchases_30d\": 0}",
                    "{\"person_id\": \"p2\", \"purchases_30d\": 0}");
        });
        for (String day : DAYS) {
            CliRun run = CliRun.of(
                    "segments",
                    "-c",
                    conf,
                    "-d",
                    day,
                    "--set",
                    "lake.table_format=" + format.name().toLowerCase(Locale.ROOT));
            assertEquals(0, run.exitCode(), run.err());
        }
        LakeCheck.inSession(Path.of(conf), format, lake -> {
            assertEquals(
                    List.of(
                            "2025-06-01:p1:2025-06-01",
                            "2025-06-01:p2:2025-06-01",
                            "2025-06-02:p1:2025-06-01", // lapsed, kept one day
                            "2025-06-02:p2:2025-06-02",
                            "2025-06-03:p2:2025-06-02"),
                    sorted(lake.read(SegmentTables.MEMBERSHIP).select("dt", "person_id", SegmentTables.QUALIFIED_ON)));
            assertEquals(
                    List.of("2025-06-03:p1:remove"),
                    sorted(lake.read(SegmentTables.CHANGES)
                            .where(col("dt").gt(DAYS[0]))
                            .select("dt", "person_id", "change")),
                    "adds and removes are computed on the kept membership");
        });
    }

    @Test
    void validateChecksDefinitionsWithoutSparkAndBadRulesExitTwo() throws IOException {
        CliRun ok = CliRun.of("segments", "-c", TestConfigs.local(dir).toString(), "-d", DAYS[0], "--validate");
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("segments valid"), ok.out());
        assertTrue(ok.out().contains("churn_risk"), ok.out());

        Path bad = Files.writeString(
                dir.resolve("bad.yaml"),
                "segments:\n"
                        + "  - {id: hack, name: n, owner: o, rule: \"city = 'x' or reflect('java.lang.Runtime', 'exec', 'id') = 1\"}\n");
        CliRun refused = CliRun.of(
                "segments",
                "-c",
                TestConfigs.local(dir).toString(),
                "-d",
                DAYS[0],
                "--validate",
                "--set",
                "segments=" + bad);
        assertEquals(2, refused.exitCode());
        assertTrue(
                refused.err()
                        .contains("segments[0].rule: segment 'hack': at position 22: expected an operator after "
                                + "'reflect'"),
                refused.err());
    }
}
