package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.quality.QualityResults;
import io.audiencelake.common.runs.JobLocks;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline over one generated day, run the way a scheduler runs it: a held lock stops it at that job
 * with the command to resume (and the run report shows the failure), the resume runs only the rest, a rerun
 * of the date changes nothing, the run report shows the tables' numbers in a browser, a failing quality gate
 * keeps the previous version, and the catalog and SQL shell see the tables it wrote.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineJobTest {
    private static final String DAY = "2025-05-02";
    private static final String DESTINATIONS = """
      destinations:
        - {id: mail, owner: crm, format: csv, compression: none, identifier: email, mode: full,
           segments: [email_engaged, buyers_90d], consent: email_marketing,
           allowed_labels: [first_party, behavioural, declared, consent, second_party, third_party]}
      """;

    @TempDir
    static Path dir;

    private static String conf;

    @BeforeAll
    static void generate() throws IOException {
        conf = TestConfigs.local(
                        dir,
                        "lookalike: " + Files.writeString(dir.resolve("lookalike.yaml"), "models: []\n"),
                        "destinations: " + Files.writeString(dir.resolve("destinations.yaml"), DESTINATIONS),
                        // The locked-job test's claim of "another host" never beats: it must outlive the jobs before
                        // segments.
                        "operations:",
                        "  lock_stale_minutes: 60")
                .toString();
        assertEquals(0, CliRun.of("generate", "-c", conf, "-d", DAY).exitCode());
    }

    /** Where the pipeline's report step writes the day's page. */
    private static Path report() {
        return dir.resolve("data/reports/dt=" + DAY + "/report.html");
    }

    private static List<String> jobRuns(LakeTables lake) {
        return lake.read(JobRuns.SPEC).orderBy(JobRuns.STARTED_AT).collectAsList().stream()
                .map(r -> r.<String>getAs(JobRuns.JOB) + ":" + r.<String>getAs(JobRuns.STATUS))
                .toList();
    }

    private static List<String> membership(LakeTables lake) {
        return lake
                .read(SegmentTables.MEMBERSHIP)
                .where("dt = DATE'" + DAY + "'")
                .selectExpr("concat_ws('|', segment_id, person_id, source)")
                .orderBy("concat_ws(|, segment_id, person_id, source)")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
    }

    private static List<String> exported(LakeTables lake) {
        return lake
                .read(ExportTables.AUDIENCE)
                .selectExpr("concat_ws('|', destination_id, segment_id, id_type, id_value)")
                .orderBy("concat_ws(|, destination_id, segment_id, id_type, id_value)")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
    }

    @Test
    @Order(1)
    void aLockedJobStopsThePipelineThereAndFromResumesAtIt() throws IOException {
        LakeCheck.inSession(
                Path.of(conf),
                TableFormat.DELTA,
                lake -> lake.append(
                        JobLocks.SPEC,
                        lake.sparkSession()
                                .createDataFrame(
                                        List.of(RowFactory.create(
                                                "segments",
                                                Date.valueOf(DAY),
                                                "other-run",
                                                Timestamp.from(Instant.now()),
                                                "another host")),
                                        JobLocks.SPEC.schema())));

        CliRun stopped = CliRun.of("pipeline", "-c", conf, "-d", DAY);
        assertEquals(1, stopped.exitCode(), stopped.err());
        assertTrue(
                stopped.err()
                        .contains("audiencelake pipeline stopped: segments " + DAY + " failed: segments " + DAY
                                + " is already running as run other-run (another host, last heartbeat "),
                stopped.err());
        assertTrue(
                stopped.err().contains("resume with: audiencelake pipeline --date " + DAY + " --from segments"),
                stopped.err());
        assertTrue(
                stopped.out().contains("pipeline: report " + DAY + " written all the same, showing the failure"),
                stopped.out());
        assertEquals(
                "1 of 5 jobs for " + DAY + " failed. See Operations.",
                Jsoup.parse(report().toFile()).select("p.status").text(),
                "the report of the failed night says so");
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            assertEquals(
                    List.of(
                            "generate:succeeded",
                            "ingest:succeeded",
                            "identity:succeeded",
                            "profiles:succeeded",
                            "segments:failed",
                            "report:succeeded"),
                    jobRuns(lake));
            assertFalse(lake.exists(SegmentTables.MEMBERSHIP));
            new JobLocks(lake.sparkSession(), lake, Duration.ofHours(1))
                    .release("segments", LocalDate.parse(DAY), "other-run");
        });

        CliRun resumed = CliRun.of("pipeline", "-c", conf, "-d", DAY, "--from", "segments");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(
                resumed.out()
                        .contains("pipeline: 5 step(s): segments " + DAY + ", lookalike " + DAY + ", export " + DAY
                                + ", lift " + DAY + ", report " + DAY),
                resumed.out());
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            List<String> runs = jobRuns(lake);
            assertEquals(
                    List.of(
                            "segments:succeeded",
                            "lookalike:succeeded",
                            "export:succeeded",
                            "lift:succeeded",
                            "report:succeeded"),
                    runs.subList(6, 11));
            assertEquals(11, runs.size());
            assertTrue(lake.read(SegmentTables.MEMBERSHIP).count() > 0);
            assertTrue(lake.read(ExportTables.AUDIENCE).count() > 0);
            assertTrue(lake.read(JobLocks.SPEC).isEmpty(), "every lock was released");
        });
    }

    @Test
    @Order(2)
    void rerunningTheDateLeavesTheSameTables() {
        List<String> membersBefore = new ArrayList<>();
        List<String> exportBefore = new ArrayList<>();
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            membersBefore.addAll(membership(lake));
            exportBefore.addAll(exported(lake));
        });
        // The earlier jobs' reruns are each job's own tests (ingest, identity and profiles reruns change nothing).
        CliRun rerun = CliRun.of("pipeline", "-c", conf, "-d", DAY, "--from", "segments");
        assertEquals(0, rerun.exitCode(), rerun.err());
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            assertEquals(membersBefore, membership(lake));
            assertEquals(exportBefore, exported(lake));
            assertEquals(16, jobRuns(lake).size());
        });
    }

    @Test
    @Order(3)
    void theRunReportOfTheRealRunShowsItsTablesNumbersAndLoadsInTheBrowser() throws IOException {
        Document page = Jsoup.parse(report().toFile());
        assertEquals(
                "All 9 jobs for " + DAY + " succeeded (1 failed run rerun).",
                page.select("p.status").text());
        Map<String, Long> sizes = new HashMap<>();
        double[] persons = new double[1];
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            lake.read(SegmentTables.STATS)
                    .where("dt = DATE'" + DAY + "'")
                    .collectAsList()
                    .forEach(r ->
                            sizes.put(r.<String>getAs(SegmentTables.SEGMENT_ID), r.<Long>getAs(SegmentTables.SIZE)));
            persons[0] = lake.read(IdMatchMetrics.SPEC)
                    .where("metric = 'persons'")
                    .first()
                    .<Double>getAs("value");
        });
        List<Element> rows = page.select("#segments-on-date tbody tr");
        assertEquals(sizes.size(), rows.size());
        for (Element row : rows) {
            assertEquals(
                    String.format(Locale.ROOT, "%,d", sizes.get(row.child(0).text())),
                    row.child(3).text(),
                    row.text());
        }
        assertTrue(
                page.select(".tile").eachText().contains(String.format(Locale.ROOT, "%,d persons", (long) persons[0])),
                page.select(".tile").eachText().toString());

        ReportBrowser.Seen seen = ReportBrowser.check(report(), Path.of("target/report-screenshots/pipeline.png"));
        assertTrue(
                seen.drawnMarks()
                        .keySet()
                        .containsAll(List.of(
                                "feed-rows",
                                "quarantine-rate",
                                "quarantine-reasons",
                                "person-sizes",
                                "identity-growth",
                                "segment-sizes",
                                "segment-changes",
                                "segment-overlaps",
                                "export-rows",
                                "job-durations",
                                "job-time")),
                seen.drawnMarks().toString());
    }

    @Test
    @Order(4)
    void aFailingQualityGateKeepsThePreviousVersionAndListsTheChecks() throws IOException {
        Path quality = Files.writeString(dir.resolve("quality.yaml"), """
        tables:
          segment_membership:
            - {check: unique}
            - {check: row_count, max: 5}
        """);
        long[] versions = new long[1];
        List<String> membersBefore = new ArrayList<>();
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            versions[0] = lake.history(SegmentTables.MEMBERSHIP).size();
            membersBefore.addAll(membership(lake));
        });
        CliRun gated = CliRun.of("segments", "-c", conf, "-d", DAY, "--set", "operations.quality=" + quality);
        assertEquals(1, gated.exitCode(), gated.err());
        assertTrue(
                gated.err()
                        .contains("segment_membership was not written: 1 blocking quality check(s) failed; readers "
                                + "keep the previous version"),
                gated.err());
        assertTrue(
                gated.err()
                        .contains("segment_membership: row_count in [-inf, 5] FAILED (" + membersBefore.size()
                                + " rows: above max 5)"),
                gated.err());
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            assertEquals(versions[0], lake.history(SegmentTables.MEMBERSHIP).size());
            assertEquals(membersBefore, membership(lake));
            List<Row> results = lake.read(QualityResults.SPEC)
                    .orderBy(QualityResults.CHECK_NAME)
                    .collectAsList();
            assertEquals(
                    List.of("row_count in [-inf, 5]:false", "unique(segment_id, person_id, dt):true"),
                    results.stream()
                            .map(r -> r.<String>getAs(QualityResults.CHECK_NAME) + ":"
                                    + r.<Boolean>getAs(QualityResults.PASSED))
                            .toList());
            assertEquals("segments:failed", jobRuns(lake).get(jobRuns(lake).size() - 1));
        });
    }

    @Test
    @Order(5)
    void theCatalogListsTheDataProductsWithFreshnessAndQueriesThatRun() throws IOException {
        Path page = dir.resolve("docs/data-products.md");
        CliRun catalog = CliRun.of("catalog", "-c", conf, "--output", page.toString());
        assertEquals(0, catalog.exitCode(), catalog.err());
        String md = Files.readString(page);
        assertEquals(md, catalog.out());
        String membership = md.substring(md.indexOf("\n## segment_membership\n"), md.indexOf("\n## segment_changes\n"));
        assertTrue(membership.contains("- **Query as:** `spark_catalog.audiencelake.segment_membership`"), membership);
        assertTrue(membership.contains("- **Owner domain:** segments (team `audience-platform`)"), membership);
        assertTrue(membership.contains("- **Partitioned by:** dt, source"), membership);
        assertTrue(membership.contains("- **Sources:** profiles, lookalike_scores"), membership);
        assertTrue(membership.contains("- **Freshness:** " + DAY + " (last commit "), membership);
        assertTrue(membership.contains("| `person_id` | string | "), membership);
        assertTrue(md.contains("| [`erasure_requests`](#erasure_requests) | privacy | not written yet |"), md);

        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            assertEquals(DAY, String.valueOf(JobRuns.freshness(lake).get(SegmentTables.MEMBERSHIP.name())));
            ProfileRules traits = AudienceDefinitions.load(new AppConfigLoader().load(Path.of(conf), List.of()))
                    .traits();
            int ran = 0;
            for (LakeCatalog.DataProduct p : LakeCatalog.products(traits)) {
                if (lake.exists(p.spec())) {
                    lake.create(p.spec());
                    lake.sparkSession()
                            .sql(p.query(lake.qualifiedName(p.spec())))
                            .collectAsList();
                    ran++;
                }
            }
            assertTrue(ran >= 18, "sample queries run: " + ran);
        });
    }

    @Test
    @Order(6)
    void theSqlShellQueriesTablesByTheirShortNames() {
        long[] members = new long[1];
        LakeCheck.inSession(
                Path.of(conf),
                TableFormat.DELTA,
                lake -> members[0] = lake.read(SegmentTables.MEMBERSHIP)
                        .where("segment_id = 'email_engaged'")
                        .count());
        CliRun sql = CliRun.of(
                "sql",
                "-c",
                conf,
                "--tsv",
                "SELECT count(*) AS persons FROM segment_membership WHERE segment_id = 'email_engaged'");
        assertEquals(0, sql.exitCode(), sql.err());
        assertEquals("persons\n" + members[0] + "\n", sql.out());
    }
}
