package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.activation.LiftStatistics;
import io.audiencelake.common.activation.LiftStatistics.Estimate;
import io.audiencelake.common.activation.LiftTables;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lift job over hand-made membership, exports and sessions, on each table format: an exported segment's
 * treated members against its control group, and one segment against another, with the outcomes counted only
 * after each person joined and up to the run date.
 */
class LiftJobTest {
    private static final String D1 = "2025-06-01";
    private static final String D2 = "2025-06-02";
    private static final String D3 = "2025-06-03";
    private static final int PEOPLE = 200;
    private static final String SEGMENTS = """
      consent:
        purposes: {ad_targeting: consent_ad_targeting}
      segments:
        - {id: buyers, name: Buyers, owner: crm, rule: "purchases_30d >= 1", control_group: 20%}
        - {id: mailed, name: Mailed, owner: crm, rule: "city = 'Paris'"}
        - {id: not_mailed, name: Not mailed, owner: crm, rule: "city = 'Lyon'"}
      """;

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] array(List<Map<String, Object>> rows) {
        return rows.toArray(Map[]::new);
    }

    private static boolean control(int i) {
        return i % 5 == 0;
    }

    /** Visits after joining: 75% of the treated (i % 10 in 1-4, 6, 7 of 1-4, 6-9), half the control (0 of 0, 5). */
    private static boolean visitsLater(int i) {
        return control(i) ? i % 10 == 0 : i % 10 < 8;
    }

    /** Buys later, for 50.0: one treated in eight (i % 10 == 1), no one in control. */
    private static boolean buysLater(int i) {
        return i % 10 == 1;
    }

    private static void lake(LakeTables lake) {
        List<Map<String, Object>> members = new ArrayList<>();
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String p = "p" + i;
            for (String day : List.of(D1, D2)) {
                members.add(Map.of(
                        SegmentTables.SEGMENT_ID,
                        "buyers",
                        SegmentTables.PERSON_ID,
                        p,
                        SegmentTables.SOURCE,
                        "rule",
                        SegmentTables.AUDIENCE_GROUP,
                        control(i) ? SegmentTables.CONTROL : SegmentTables.TREATED,
                        SegmentTables.DT,
                        day));
            }
            // The e-mail test: even people were mailed, odd ones not (from D1 only).
            members.add(Map.of(
                    SegmentTables.SEGMENT_ID,
                    i % 2 == 0 ? "mailed" : "not_mailed",
                    SegmentTables.PERSON_ID,
                    p,
                    SegmentTables.SOURCE,
                    "rule",
                    SegmentTables.DT,
                    D1));
            // A session on the day they joined and one after the run date: neither counts.
            sessions.add(session(p, D1, true, 100.0));
            sessions.add(session(p, D3, true, 100.0));
            if (visitsLater(i)) {
                sessions.add(session(p, D2, buysLater(i), buysLater(i) ? 50.0 : 0.0));
                sessions.add(session(p, D2, false, 0.0));
            }
        }
        lake.append(SegmentTables.MEMBERSHIP, SpecRows.of(SegmentTables.MEMBERSHIP, array(members)));
        lake.append(Sessions.SPEC, SpecRows.of(Sessions.SPEC, array(sessions)));
        List<Map<String, Object>> exports = new ArrayList<>();
        for (String day : List.of(D1, D2)) {
            exports.add(Map.of(
                    ExportTables.DESTINATION_ID,
                    "ads",
                    ExportTables.SEGMENTS,
                    List.of("buyers"),
                    ExportTables.STATUS,
                    ExportTables.SUCCEEDED,
                    ExportTables.DT,
                    day));
        }
        lake.append(ExportTables.LOG, SpecRows.of(ExportTables.LOG, array(exports)));
    }

    private static Map<String, Object> session(String person, String day, boolean converted, double revenue) {
        return Map.of(
                Sessions.SESSION_ID, person + day + converted,
                Sessions.PERSON_ID, person,
                Sessions.CONVERTED, converted,
                Sessions.REVENUE, revenue,
                Sessions.DT, Date.valueOf(day));
    }

    private static Row result(LakeTables lake, String experiment, String metric) {
        List<Row> rows = lake.read(LiftTables.RESULTS)
                .where(col(LiftTables.DT)
                        .equalTo(D2)
                        .and(col(LiftTables.EXPERIMENT).equalTo(experiment))
                        .and(col(LiftTables.METRIC).equalTo(metric)))
                .collectAsList();
        assertEquals(1, rows.size(), experiment + " " + metric + ": " + rows);
        return rows.get(0);
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void anExportedSegmentIsMeasuredAgainstItsControlGroupAndOneSegmentAgainstAnother(TableFormat format)
            throws IOException {
        String conf = TestConfigs.local(
                        dir,
                        "segments: " + Files.writeString(dir.resolve("segments.yaml"), SEGMENTS),
                        "lookalike: " + Files.writeString(dir.resolve("lookalike.yaml"), "models: []\n"))
                .toString();
        String tableFormat = "lake.table_format=" + format.name().toLowerCase(Locale.ROOT);
        LakeCheck.inSession(Path.of(conf), format, LiftJobTest::lake);

        CliRun exported = CliRun.of("lift", "-c", conf, "-d", D2, "--set", tableFormat);
        assertEquals(0, exported.exitCode(), exported.err());
        assertTrue(exported.out().contains("buyers -> ads: visit"), exported.out());
        CliRun mailed = CliRun.of(
                "lift",
                "-c",
                conf,
                "-d",
                D2,
                "--set",
                tableFormat,
                "--treated",
                "mailed",
                "--control",
                "not_mailed",
                "--since",
                D1);
        assertEquals(0, mailed.exitCode(), mailed.err());

        long treated = PEOPLE - PEOPLE / 5;
        long controls = PEOPLE / 5;
        long treatedVisits = 0;
        long controlVisits = 0;
        for (int i = 0; i < PEOPLE; i++) {
            if (visitsLater(i)) {
                if (control(i)) {
                    controlVisits++;
                } else {
                    treatedVisits++;
                }
            }
        }
        long visitsAll = treatedVisits + controlVisits;
        Estimate expected = LiftStatistics.proportions(treated, treatedVisits, controls, controlVisits, 0.95);
        LakeCheck.inSession(Path.of(conf), format, lake -> {
            Row visit = result(lake, "buyers -> ads", "visit");
            assertEquals("buyers", visit.getAs(LiftTables.SEGMENT_ID));
            assertEquals("ads", visit.getAs(LiftTables.DESTINATION_ID));
            assertNull(visit.getAs(LiftTables.CONTROL_SEGMENT_ID), "its own control group");
            assertEquals(Date.valueOf(D1), visit.getAs(LiftTables.SINCE), "from the first export");
            assertEquals(treated, visit.<Long>getAs(LiftTables.TREATED_N));
            assertEquals(controls, visit.<Long>getAs(LiftTables.CONTROL_N));
            assertEquals(0.75, visit.<Double>getAs(LiftTables.TREATED_VALUE), 1e-12, "the joining day does not count");
            assertEquals(0.5, visit.<Double>getAs(LiftTables.CONTROL_VALUE), 1e-12);
            assertEquals(expected.low(), visit.<Double>getAs(LiftTables.CI_LOW), 1e-12);
            assertEquals(expected.high(), visit.<Double>getAs(LiftTables.CI_HIGH), 1e-12);
            assertEquals(expected.minimumDetectable(), visit.<Double>getAs(LiftTables.MDE), 1e-12);

            Row conversion = result(lake, "buyers -> ads", "conversion");
            assertEquals(
                    0.125,
                    conversion.<Double>getAs(LiftTables.TREATED_VALUE),
                    1e-12,
                    "days after the run date " + "do not count either");
            assertEquals(0.0, conversion.<Double>getAs(LiftTables.CONTROL_VALUE), 1e-12);
            Row revenue = result(lake, "buyers -> ads", "revenue");
            assertEquals(6.25, revenue.<Double>getAs(LiftTables.TREATED_VALUE), 1e-9, "50 for one in eight");
            assertNull(revenue.getAs(LiftTables.RELATIVE_LIFT), "no control revenue: no relative lift");

            Row mail = result(lake, "mailed vs not_mailed", "visit");
            assertEquals("not_mailed", mail.getAs(LiftTables.CONTROL_SEGMENT_ID));
            assertEquals(PEOPLE, mail.<Long>getAs(LiftTables.TREATED_N) + mail.<Long>getAs(LiftTables.CONTROL_N));
            assertEquals(
                    visitsAll,
                    Math.round(mail.<Double>getAs(LiftTables.TREATED_VALUE) * mail.<Long>getAs(LiftTables.TREATED_N)
                            + mail.<Double>getAs(LiftTables.CONTROL_VALUE) * mail.<Long>getAs(LiftTables.CONTROL_N)));
            assertEquals(6, lake.read(LiftTables.RESULTS).count(), "both experiments' rows are kept");
        });

        // A rerun replaces the exported segment's rows and keeps the other experiment's.
        CliRun again = CliRun.of("lift", "-c", conf, "-d", D2, "--set", tableFormat);
        assertEquals(0, again.exitCode(), again.err());
        LakeCheck.inSession(
                Path.of(conf),
                format,
                lake -> assertEquals(6, lake.read(LiftTables.RESULTS).count()));

        CliRun refused =
                CliRun.of("lift", "-c", conf, "-d", D2, "--treated", "mailed", "--control", "ghosts", "--since", D1);
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("unknown segment 'ghosts'"), refused.err());
        CliRun late = CliRun.of(
                "lift", "-c", conf, "-d", D1, "--treated", "mailed", "--control", "not_mailed", "--since", D2);
        assertEquals(2, late.exitCode());
        assertTrue(late.err().contains("--since: must not be after --date 2025-06-01, got 2025-06-02"), late.err());
    }
}
