package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Control groups end to end, on each table format: a segment's control members are in segment_membership with
 * their group, in the same group on the next day, counted in segment_stats, and never in an export; a lake whose
 * membership table predates control groups gains the column and keeps its rows.
 */
class ControlGroupJobTest {
    private static final String OLD_DAY = "2025-05-31";
    private static final String D1 = "2025-06-01";
    private static final String D2 = "2025-06-02";
    private static final int PEOPLE = 400;
    private static final String SEGMENTS = """
      consent:
        purposes: {ad_targeting: consent_ad_targeting}
      control_group: {global: 5%, salt: test-campaigns}
      segments:
        - {id: buyers, name: Buyers, owner: crm, rule: "purchases_30d >= 1", control_group: 20%}
        - {id: parisians, name: Parisians, owner: local, rule: "city = 'Paris'"}
      """;
    private static final String DESTINATIONS = """
      destinations:
        - {id: ads, owner: perf, format: csv, compression: none, identifier: maid, segments: [buyers],
           mode: full, consent: ad_targeting, allowed_labels: [first_party, behavioural, declared, consent]}
      """;

    @TempDir
    Path dir;

    /** Everyone bought and consents; every other person lives in Paris. */
    private static void profiles(LakeTables lake, String day) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            lines.add("{\"person_id\": \"p" + i + "\", \"purchases_30d\": 1, \"city\": \""
                    + (i % 2 == 0 ? "Paris" : "Lyon") + "\", \"consent_ad_targeting\": \"granted\", "
                    + "\"identifiers\": 1, \"devices\": 1, \"dt\": \"" + day + "\"}");
        }
        ProfileRows.write(lake, day, lines);
    }

    /** Each person has one mobile ad id, m<i>, granted for ad targeting. */
    private static void identities(LakeTables lake) {
        AudienceRows.graph(lake, "maid", i -> "m" + i, PEOPLE, D2);
        AudienceRows.granted(lake, "ad_targeting", "maid", i -> "m" + i, PEOPLE);
    }

    /** segment_membership as it was before control groups: no audience_group column, one day of rows. */
    private static void membershipFromBefore(LakeTables lake) {
        StructType old =
                new StructType(Arrays.stream(SegmentTables.MEMBERSHIP.schema().fields())
                        .filter(f -> !f.name().equals(SegmentTables.AUDIENCE_GROUP))
                        .toArray(StructField[]::new));
        TableSpec before = new TableSpec(
                SegmentTables.MEMBERSHIP.name(),
                SegmentTables.MEMBERSHIP.description(),
                SegmentTables.MEMBERSHIP.domain(),
                old,
                SegmentTables.MEMBERSHIP.partitionColumns(),
                SegmentTables.MEMBERSHIP.keyColumns());
        lake.overwritePartition(
                before,
                SpecRows.of(
                        before,
                        Map.of(
                                SegmentTables.SEGMENT_ID, "buyers",
                                SegmentTables.PERSON_ID, "p0",
                                SegmentTables.SOURCE, "rule",
                                SegmentTables.DT, OLD_DAY)),
                Map.of("dt", Date.valueOf(OLD_DAY), "source", "rule"));
    }

    private static Set<String> control(LakeTables lake, String day) {
        Set<String> out = new TreeSet<>();
        lake.read(SegmentTables.MEMBERSHIP)
                .where(col("dt")
                        .equalTo(day)
                        .and(col("segment_id").equalTo("buyers"))
                        .and(col(SegmentTables.AUDIENCE_GROUP).equalTo(SegmentTables.CONTROL)))
                .select("person_id")
                .collectAsList()
                .forEach(r -> out.add(r.getString(0)));
        return out;
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void controlMembersStayInTheirGroupAreCountedAndAreNeverExported(TableFormat format) throws IOException {
        String conf = TestConfigs.local(
                        dir,
                        "segments: " + Files.writeString(dir.resolve("segments.yaml"), SEGMENTS),
                        "lookalike: " + Files.writeString(dir.resolve("lookalike.yaml"), "models: []\n"),
                        "destinations: " + Files.writeString(dir.resolve("destinations.yaml"), DESTINATIONS))
                .toString();
        String tableFormat = "lake.table_format=" + format.name().toLowerCase(Locale.ROOT);
        LakeCheck.inSession(Path.of(conf), format, lake -> {
            membershipFromBefore(lake);
            profiles(lake, D1);
            profiles(lake, D2);
            identities(lake);
        });
        for (String day : List.of(D1, D2)) {
            CliRun run = CliRun.of("segments", "-c", conf, "-d", day, "--set", tableFormat);
            assertEquals(0, run.exitCode(), run.err());
        }
        CliRun export = CliRun.of("export", "-c", conf, "-d", D2, "--set", tableFormat);
        assertEquals(0, export.exitCode(), export.err());

        Set<String> sent = AudienceRows.dropped(dir.resolve("data/exports/ads/dt=" + D2));
        LakeCheck.inSession(Path.of(conf), format, lake -> {
            Set<String> controlD1 = control(lake, D1);
            Set<String> controlD2 = control(lake, D2);
            // Own 20% and the global 5%: about 24% of 400.
            assertTrue(controlD2.size() > 60 && controlD2.size() < 130, "buyers' control: " + controlD2.size());
            assertEquals(controlD1, controlD2, "the same people are in control on both days");
            Set<String> parisControl = new TreeSet<>();
            lake.read(SegmentTables.MEMBERSHIP)
                    .where(col("dt")
                            .equalTo(D2)
                            .and(col("segment_id").equalTo("parisians"))
                            .and(col(SegmentTables.AUDIENCE_GROUP).equalTo(SegmentTables.CONTROL)))
                    .select("person_id")
                    .collectAsList()
                    .forEach(r -> parisControl.add(r.getString(0)));
            assertTrue(!parisControl.isEmpty() && parisControl.size() < 25, "the global 5% only: " + parisControl);
            assertTrue(controlD2.containsAll(parisControl), "the global group is held out of buyers too");

            Row stats = lake.read(SegmentTables.STATS)
                    .where(col("dt").equalTo(D2).and(col("segment_id").equalTo("buyers")))
                    .first();
            assertEquals(PEOPLE, stats.<Long>getAs(SegmentTables.SIZE), "control members are members");
            assertEquals(controlD2.size(), stats.<Long>getAs(SegmentTables.CONTROL_SIZE));

            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < PEOPLE; i++) {
                if (!controlD2.contains("p" + i)) {
                    expected.add("m" + i);
                }
            }
            assertEquals(expected, new TreeSet<>(sent), "every treated member is sent, no control member");
            assertEquals(
                    PEOPLE - controlD2.size(),
                    lake.read(ExportTables.AUDIENCE)
                            .where(col("dt").equalTo(D2))
                            .count());

            Row old = lake.read(SegmentTables.MEMBERSHIP)
                    .where(col("dt").equalTo(OLD_DAY))
                    .first();
            assertEquals("p0", old.<String>getAs(SegmentTables.PERSON_ID), "rows from before are kept");
            assertEquals(null, old.<String>getAs(SegmentTables.AUDIENCE_GROUP), "and are in no group");
        });
    }
}
