package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lookalike.LookalikeEvaluation;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.quality.QualityResults;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report job over hand-made lake tables of three days whose every number is known: the page shows
 * them, escapes what marketers typed, loads in headless Chromium without errors with every chart drawn, and
 * an empty lake gives a page that says what is missing instead of failing.
 */
class ReportJobTest {
    private static final String D1 = "2025-07-01";
    private static final String D2 = "2025-07-02";
    private static final String D3 = "2025-07-03";
    private static final String SHOE_NAME = "<b>Shoe & \"fans\"</b>";

    @TempDir
    Path dir;

    private static Map<String, Object> m(Object... keyValues) {
        Map<String, Object> out = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }

    private static Timestamp at(String day, int hour, int minute) {
        return Timestamp.valueOf(day + String.format(" %02d:%02d:00", hour, minute));
    }

    @SuppressWarnings("unchecked")
    private static void write(LakeTables lake) {
        lake.append(
                FeedFiles.SPEC,
                SpecRows.of(
                        FeedFiles.SPEC,
                        m(
                                "feed",
                                "crm",
                                "dt",
                                D3,
                                "status",
                                "ingested",
                                "rows_read",
                                100L,
                                "rows_kept",
                                90L,
                                "rows_duplicate",
                                4L,
                                "rows_quarantined",
                                6L),
                        m("feed", "crm", "dt", D3, "status", "ingested", "rows_read", 50L, "rows_kept", 50L),
                        m("feed", "clickstream", "dt", D3, "status", "failed"),
                        m(
                                "feed",
                                "clickstream",
                                "dt",
                                D2,
                                "status",
                                "ingested",
                                "rows_read",
                                1000L,
                                "rows_kept",
                                990L,
                                "rows_quarantined",
                                10L),
                        m("feed", "crm", "dt", "2025-06-20", "status", "ingested", "rows_read", 7L, "rows_kept", 7L)));
        List<Map<String, Object>> quarantined = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            quarantined.add(m(
                    "feed",
                    "crm",
                    "dt",
                    D3,
                    "reason",
                    i < 4 ? "invalid_email:email" : "malformed",
                    "line_number",
                    (long) i));
        }
        quarantined.add(m("feed", "clickstream", "dt", D2, "reason", "bad_timestamp:ts"));
        lake.append(Quarantine.SPEC, SpecRows.of(Quarantine.SPEC, quarantined.toArray(Map[]::new)));

        List<Map<String, Object>> metrics = new ArrayList<>();
        metrics.add(m("metric", "persons", "dimension", "", "value", 800.0, "dt", D2));
        metrics.add(m("metric", "persons", "dimension", "", "value", 820.0, "dt", D3));
        metrics.add(m("metric", "identifiers", "dimension", "", "value", 3100.0, "dt", D3));
        metrics.add(m("metric", "m_probability", "dimension", "devices/ip", "value", 0.5, "dt", D3));
        String[] bands = {"1", "2", "3-5", "6-10", "11-20"};
        double[] persons = {300, 200, 250, 60, 10};
        for (int i = 0; i < bands.length; i++) {
            metrics.add(m("metric", "person_size", "dimension", bands[i], "value", persons[i], "dt", D3));
        }
        metrics.add(m("metric", "precision", "dimension", "pairwise", "value", 0.91, "dt", D3));
        metrics.add(m("metric", "recall", "dimension", "pairwise", "value", 0.85, "dt", D3));
        metrics.add(m("metric", "f1", "dimension", "pairwise", "value", 0.879, "dt", D3));
        lake.append(IdMatchMetrics.SPEC, SpecRows.of(IdMatchMetrics.SPEC, metrics.toArray(Map[]::new)));

        lake.append(
                SegmentTables.STATS,
                SpecRows.of(
                        SegmentTables.STATS,
                        m(
                                "segment_id",
                                "buyers",
                                "name",
                                "Buyers",
                                "source",
                                "rule",
                                "size",
                                100L,
                                "adds",
                                100L,
                                "dt",
                                D1),
                        m(
                                "segment_id",
                                "buyers",
                                "name",
                                "Buyers",
                                "source",
                                "rule",
                                "size",
                                120L,
                                "adds",
                                30L,
                                "removes",
                                10L,
                                "dt",
                                D2),
                        m(
                                "segment_id",
                                "buyers",
                                "name",
                                "Buyers",
                                "source",
                                "rule",
                                "size",
                                150L,
                                "adds",
                                40L,
                                "removes",
                                10L,
                                "control_size",
                                15L,
                                "dt",
                                D3),
                        m(
                                "segment_id",
                                "shoe_fans",
                                "name",
                                SHOE_NAME,
                                "source",
                                "rule",
                                "size",
                                80L,
                                "adds",
                                80L,
                                "dt",
                                D3),
                        m(
                                "segment_id",
                                "buyers_lookalike",
                                "name",
                                "Buyers lookalike",
                                "source",
                                "lookalike",
                                "size",
                                40L,
                                "adds",
                                40L,
                                "dt",
                                D3)));
        lake.append(
                SegmentTables.OVERLAPS,
                SpecRows.of(
                        SegmentTables.OVERLAPS,
                        m("segment_a", "buyers", "segment_b", "buyers", "persons", 150L, "dt", D3),
                        m("segment_a", "buyers", "segment_b", "shoe_fans", "persons", 30L, "dt", D3),
                        m("segment_a", "shoe_fans", "segment_b", "shoe_fans", "persons", 80L, "dt", D3)));

        List<Row> curve = new ArrayList<>();
        for (double depth : LookalikeEvaluation.CURVE_DEPTHS) {
            curve.add(RowFactory.create(depth, Math.max(1.0, 6 - 5 * depth)));
        }
        lake.append(
                LookalikeTables.MODEL_RUNS,
                SpecRows.of(
                        LookalikeTables.MODEL_RUNS,
                        m(
                                "model_id",
                                "like_buyers",
                                "version",
                                1,
                                "trained_for",
                                D1,
                                "seed_segment",
                                "buyers",
                                "seed_size",
                                100L,
                                "algorithm",
                                "logistic_regression",
                                "auc",
                                0.81,
                                "reach",
                                "5%",
                                "recall_at_reach",
                                0.4,
                                "lift_at_1pct",
                                5.0,
                                "lift_at_5pct",
                                3.0,
                                "lift_at_10pct",
                                2.0),
                        m(
                                "model_id",
                                "like_buyers",
                                "version",
                                2,
                                "trained_for",
                                D3,
                                "seed_segment",
                                "buyers",
                                "seed_size",
                                150L,
                                "algorithm",
                                "gradient_boosted_trees",
                                "auc",
                                0.9,
                                "reach",
                                "5%",
                                "recall_at_reach",
                                0.5,
                                "lift_at_1pct",
                                5.95,
                                "importances",
                                Map.of("carts_30d", 0.7, "page_views_30d", 0.3),
                                "lift_curve",
                                curve),
                        m(
                                "model_id",
                                "like_later",
                                "version",
                                1,
                                "trained_for",
                                "2025-07-04",
                                "seed_segment",
                                "buyers",
                                "auc",
                                0.99,
                                "reach",
                                "5%")));
        lake.append(
                ExportTables.LOG,
                SpecRows.of(
                        ExportTables.LOG,
                        m(
                                "destination_id",
                                "ads",
                                "dt",
                                D3,
                                "mode",
                                "incremental",
                                "rows",
                                150L,
                                "adds",
                                30L,
                                "removes",
                                5L,
                                "files",
                                1)));
        lake.append(
                JobRuns.SPEC,
                SpecRows.of(
                        JobRuns.SPEC,
                        m(
                                "run_id",
                                "r1",
                                "job",
                                "ingest",
                                "run_date",
                                D2,
                                "status",
                                "succeeded",
                                "started_at",
                                at(D3, 1, 0),
                                "duration_ms",
                                50_000L),
                        m(
                                "run_id",
                                "r2",
                                "job",
                                "ingest",
                                "run_date",
                                D3,
                                "status",
                                "succeeded",
                                "started_at",
                                at(D3, 3, 0),
                                "duration_ms",
                                60_000L,
                                "rows_in",
                                150L,
                                "rows_out",
                                140L,
                                "rows_quarantined",
                                6L),
                        m(
                                "run_id",
                                "r3",
                                "job",
                                "identity",
                                "run_date",
                                D3,
                                "status",
                                "succeeded",
                                "started_at",
                                at(D3, 3, 1),
                                "duration_ms",
                                120_000L),
                        m(
                                "run_id",
                                "r4",
                                "job",
                                "segments",
                                "run_date",
                                D3,
                                "status",
                                "failed",
                                "started_at",
                                at(D3, 3, 3),
                                "duration_ms",
                                5_000L,
                                "error",
                                "boom <script>alert(1)</script>")));
        lake.append(
                QualityResults.SPEC,
                SpecRows.of(
                        QualityResults.SPEC,
                        m(
                                "run_id",
                                "r4",
                                "job",
                                "segments",
                                "run_date",
                                D3,
                                "table_name",
                                "segment_membership",
                                "check_name",
                                "unique(segment_id, person_id, dt)",
                                "kind",
                                "unique",
                                "blocking",
                                true,
                                "passed",
                                true,
                                "observed",
                                "0 duplicates",
                                "checked_at",
                                at(D3, 3, 4)),
                        m(
                                "run_id",
                                "r4",
                                "job",
                                "segments",
                                "run_date",
                                D3,
                                "table_name",
                                "segment_membership",
                                "check_name",
                                "row_count in [-inf, 5]",
                                "kind",
                                "row_count",
                                "blocking",
                                true,
                                "passed",
                                false,
                                "observed",
                                "150 rows: above max 5",
                                "checked_at",
                                at(D3, 3, 4)),
                        m(
                                "run_id",
                                "r2",
                                "job",
                                "ingest",
                                "run_date",
                                D3,
                                "table_name",
                                "raw_events",
                                "check_name",
                                "not_null(event_id)",
                                "kind",
                                "not_null",
                                "blocking",
                                false,
                                "passed",
                                false,
                                "observed",
                                "2 nulls",
                                "checked_at",
                                at(D3, 3, 2))));
    }

    private static Element chart(Document page, String id) {
        Element chart = page.getElementById(id);
        assertTrue(chart != null && chart.hasClass("chart"), "no chart " + id);
        return chart;
    }

    private static List<String> marks(Document page, String id) {
        return chart(page, id).select(".mark").stream()
                .map(e -> e.attr("data-series") + "|" + e.attr("data-x") + "|" + e.attr("data-value"))
                .toList();
    }

    private static List<String> row(Document page, String table, String first) {
        for (Element tr : page.select("#" + table + " tbody tr")) {
            if (tr.child(0).text().equals(first)) {
                return tr.children().stream().map(Element::text).toList();
            }
        }
        throw new AssertionError("no row " + first + " in " + table + ": "
                + page.select("#" + table).text());
    }

    @Test
    void theReportShowsTheTablesNumbersAndLoadsInTheBrowserWithEveryChartDrawn() throws IOException {
        Path conf = TestConfigs.local(dir);
        LakeCheck.inSession(conf, TableFormat.DELTA, ReportJobTest::write);
        CliRun run = CliRun.of("report", "-c", conf.toString(), "-d", D3, "--days", "3");
        assertEquals(0, run.exitCode(), run.err());
        Path file = dir.resolve("data/reports/dt=" + D3 + "/report.html");
        assertTrue(run.out().contains("run report written to file:" + file), run.out());
        Document page = Jsoup.parse(file.toFile());

        assertEquals("audiencelake run report " + D3, page.title());
        assertTrue(
                page.select("p.status.bad")
                        .text()
                        .startsWith("1 of 3 jobs for " + D3 + " failed; 1 blocking " + "quality check stopped a write"),
                page.select("p.status").text());
        assertEquals(
                List.of("crm", "2", "0", "150", "140", "4", "6", "4.0%", "read = kept + duplicates + quarantined"),
                row(page, "feeds-on-date", "crm"));
        assertEquals("1", row(page, "feeds-on-date", "clickstream").get(2), "failed files");
        assertEquals(
                Set.of("crm|" + D3 + "|150", "clickstream|" + D2 + "|1,000", "clickstream|" + D3 + "|0"),
                Set.copyOf(marks(page, "feed-rows")));
        assertEquals(
                List.of("rows|crm · invalid_email:email|4", "rows|crm · malformed|2"),
                marks(page, "quarantine-reasons"));
        assertEquals(
                Set.of("clickstream|" + D2 + "|1", "crm|" + D3 + "|4", "clickstream|" + D3 + "|0"),
                Set.copyOf(marks(page, "quarantine-rate")),
                "quarantine rates in %");

        assertEquals(
                List.of(
                        "persons|1|300",
                        "persons|2|200",
                        "persons|3-5|250",
                        "persons|6-10|60",
                        "persons|11-20|10",
                        "persons|21-50|0",
                        "persons|51-100|0",
                        "persons|over 100|0"),
                marks(page, "person-sizes"));
        assertEquals(
                List.of("precision|" + D3 + "|0.910", "recall|" + D3 + "|0.850", "F1|" + D3 + "|0.879"),
                marks(page, "match-quality"));

        assertEquals(
                List.of("buyers|" + D1 + "|100", "buyers|" + D2 + "|120", "buyers|" + D3 + "|150"),
                marks(page, "segment-sizes").stream()
                        .filter(s -> s.startsWith("buyers|"))
                        .toList());
        assertEquals(
                List.of("buyers", "Buyers", "rule", "150", "+30 (+25.0%)", "40", "10", "135", "15"),
                row(page, "segments-on-date", "buyers"),
                "15 of 150 members held out as the control group");
        assertEquals(SHOE_NAME, row(page, "segments-on-date", "shoe_fans").get(1), "the name is shown as typed");
        assertTrue(
                page.select("td b").isEmpty() && page.select("script").isEmpty(),
                "markup from the data was not escaped");
        assertEquals(
                List.of("buyers|buyers|1", "buyers|shoe_fans|0.200", "shoe_fans|buyers|0.375", "shoe_fans|shoe_fans|1"),
                marks(page, "segment-overlaps"));

        List<String> lift = marks(page, "lift-curves");
        assertEquals(LookalikeEvaluation.CURVE_DEPTHS.length, lift.size(), "the latest version's whole curve: " + lift);
        assertTrue(lift.contains("like_buyers v2|1.0%|5.950"), lift.toString());
        assertEquals(
                List.of("AUC|like_buyers v2|0.900", "recall at reach|like_buyers v2|0.500"), marks(page, "model-auc"));
        List<Element> versions = page.select("#model-versions tbody tr");
        assertEquals(2, versions.size());
        assertEquals(
                List.of(
                        "like_buyers",
                        "1",
                        D1,
                        "logistic_regression",
                        "buyers",
                        "100",
                        "0.810",
                        "5%",
                        "0.400",
                        "5.00",
                        "2.00",
                        "–",
                        ""),
                versions.get(1).children().stream().map(Element::text).toList(),
                "a version from before lift_curve falls back to model_runs' lift columns");
        assertEquals(
                "carts_30d 0.70, page_views_30d 0.30", versions.get(0).child(12).text());
        assertFalse(page.text().contains("like_later"), "a model trained after the date is not in its report");

        assertEquals(List.of("ads|" + D3 + "|150"), marks(page, "export-rows"));
        assertEquals(3, marks(page, "job-durations").size());
        List<String> segmentsRun = row(page, "job-runs-on-date", "segments");
        assertEquals("failed", segmentsRun.get(1));
        assertEquals("boom <script>alert(1)</script>", segmentsRun.get(7));
        assertEquals(
                List.of(
                        "segment_membership",
                        "row_count in [-inf, 5]",
                        "segments",
                        "failed: write stopped",
                        "150 rows: above max 5"),
                page.select("#quality-on-date tr.failed").first().children().stream()
                        .map(Element::text)
                        .toList());
        assertEquals(
                "warning", page.select("#quality-on-date tr.warning td").get(3).text());

        assertTrue(page.select("meta[http-equiv=Content-Security-Policy]")
                .attr("content")
                .startsWith("default-src 'none'"));
        page.select("[src], [href]").forEach(e -> assertTrue(e.attr("href").startsWith("#"), "a link out: " + e));

        ReportBrowser.Seen seen = ReportBrowser.check(file, Path.of("target/report-screenshots/report-job.png"));
        assertEquals("audiencelake run report " + D3, seen.title());
        assertEquals(
                List.of(
                        "feed-rows",
                        "quarantine-rate",
                        "quarantine-reasons",
                        "person-sizes",
                        "identity-growth",
                        "match-quality",
                        "segment-sizes",
                        "segment-changes",
                        "segment-overlaps",
                        "lift-curves",
                        "model-auc",
                        "export-rows",
                        "job-durations",
                        "job-time",
                        "quality-checks"),
                List.copyOf(seen.drawnMarks().keySet()));
    }

    @Test
    void anEmptyLakeGivesAPageThatSaysWhatIsMissing() throws IOException {
        Path conf = TestConfigs.local(dir);
        Path file = dir.resolve("elsewhere/report.html");
        CliRun run = CliRun.of("report", "-c", conf.toString(), "-d", D3, "--output", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        Document page = Jsoup.parse(file.toFile());
        assertTrue(page.select("figure.chart").isEmpty(), "a chart without data");
        String text = page.text();
        for (String missing : List.of(
                "No landing files were ingested in this window",
                "No identity run in this window",
                "No segments were evaluated in this window",
                "No lookalike model was trained",
                "Nothing was exported",
                "No job ran for a date of this window",
                "No quality check ran for " + D3)) {
            assertTrue(text.contains(missing), missing + " not in: " + text);
        }
        assertTrue(text.contains("trends over 14 days (2025-06-20 to " + D3 + ")"), text);
        LakeCheck.inSession(
                conf,
                TableFormat.DELTA,
                lake -> assertEquals(
                        List.of("report:succeeded"),
                        lake.read(JobRuns.SPEC).collectAsList().stream()
                                .map(r -> r.getAs("job") + ":" + r.getAs("status"))
                                .toList()));
    }
}
