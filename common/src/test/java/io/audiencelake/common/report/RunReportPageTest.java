package io.audiencelake.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.activation.LiftStatistics.Estimate;
import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.report.RunReport.ExportDay;
import io.audiencelake.common.report.RunReport.FeedDay;
import io.audiencelake.common.report.RunReport.IdentityMetric;
import io.audiencelake.common.report.RunReport.JobRunEntry;
import io.audiencelake.common.report.RunReport.LiftPoint;
import io.audiencelake.common.report.RunReport.LiftReading;
import io.audiencelake.common.report.RunReport.ModelDrift;
import io.audiencelake.common.report.RunReport.ModelVersion;
import io.audiencelake.common.report.RunReport.QualityEntry;
import io.audiencelake.common.report.RunReport.ResponseCount;
import io.audiencelake.common.report.RunReport.SegmentDay;
import io.audiencelake.common.report.RunReport.SegmentOverlap;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** The page rendered from hand-made report data, without Spark: what each chart draws and says. */
class RunReportPageTest {
    private static final LocalDate D1 = LocalDate.of(2025, 8, 1);
    private static final LocalDate D2 = LocalDate.of(2025, 8, 2);
    private static final LocalDate D3 = LocalDate.of(2025, 8, 3);
    private static final Instant AT = Instant.parse("2025-08-04T03:00:00Z");
    private static final Pattern NUMBER_ATTRIBUTE =
            Pattern.compile(" (?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)=\"([^\"]*)\"");

    private static RunReport report(
            List<SegmentDay> segments,
            List<SegmentOverlap> overlaps,
            List<IdentityMetric> identity,
            List<ModelVersion> models,
            List<JobRunEntry> runs,
            List<QualityEntry> quality,
            List<String> limits) {
        return report(segments, overlaps, identity, models, List.of(), runs, quality, limits);
    }

    private static RunReport report(
            List<SegmentDay> segments,
            List<SegmentOverlap> overlaps,
            List<IdentityMetric> identity,
            List<ModelVersion> models,
            List<ModelDrift> drift,
            List<JobRunEntry> runs,
            List<QualityEntry> quality,
            List<String> limits) {
        return new RunReport(
                new ReportWindow(D3, 3),
                "test",
                "delta",
                AT,
                List.of(new FeedDay(D3, "crm", 1, 0, 0, 0, 0, 0)),
                List.of(),
                identity,
                segments,
                overlaps,
                models,
                drift,
                List.of(new ExportDay(D3, "ads", "full", 0, 0, 0, 1)),
                List.of(
                        new LiftReading(
                                "buyers -> ads",
                                "visit",
                                900,
                                100,
                                new Estimate(0.183, 0.106, 0.077, 0.05, 0.104, 0.001, 0.04)),
                        new LiftReading(
                                "buyers -> ads",
                                "revenue",
                                900,
                                100,
                                new Estimate(1.42, 0.65, 0.77, -0.1, 1.64, 0.08, 1.1))),
                List.of(
                        new ResponseCount("email_tool", "june_sale", "unsubscribed", 3),
                        new ResponseCount("email_tool", "june_sale", "opened", 40),
                        new ResponseCount("email_tool", "june_sale", "bounced", 2),
                        new ResponseCount("email_tool", "<script>x</script>", "delivered", 7),
                        new ResponseCount("email_tool", "june_sale", "delivered", 100)),
                runs,
                quality,
                limits);
    }

    private static SegmentDay segment(LocalDate dt, String id, long size) {
        return new SegmentDay(dt, id, id, "rule", size, 0, 0, null);
    }

    private static Document page(RunReport report) {
        return Jsoup.parse(RunReportPage.html(report));
    }

    @Test
    void everyChartDeclaresTheMarksItDrawsAndNoCoordinateIsNotANumber() {
        ModelVersion noAuc = new ModelVersion(
                "m",
                1,
                D1,
                "logistic_regression",
                "buyers",
                10,
                null,
                "5%",
                null,
                null,
                List.of(new LiftPoint(0.01, Double.NaN), new LiftPoint(0.05, 2.0)),
                Map.of());
        String html = RunReportPage.html(report(
                List.of(segment(D3, "a", 0), segment(D3, "b", 0)),
                List.of(),
                List.of(new IdentityMetric(D3, "persons", "", 0)),
                List.of(noAuc),
                List.of(new JobRunEntry(D3, "ingest", "succeeded", AT, 0, 0, 0, 0, null)),
                List.of(),
                List.of()));
        Document page = Jsoup.parse(html);
        for (Element chart : page.select("figure.chart")) {
            assertEquals(chart.select(".mark").size(), Integer.parseInt(chart.attr("data-points")), chart.id());
        }
        Matcher m = NUMBER_ATTRIBUTE.matcher(html);
        int coordinates = 0;
        while (m.find()) {
            Double.parseDouble(m.group(1));
            coordinates++;
        }
        assertTrue(coordinates > 50, "coordinates checked: " + coordinates);
        assertFalse(html.contains("NaN") || html.contains("Infinity"), "a coordinate that is not a number");
        // All zeros still give an axis with a top above zero, and the NaN lift point is left out, not drawn at 0.
        assertEquals(
                List.of("0", "0"),
                page.select("#feed-rows .mark, #export-rows .mark").eachAttr("data-value"));
        assertEquals(List.of("2"), page.select("#lift-curves .mark").eachAttr("data-value"));
        assertEquals(
                List.of("–"), page.select("#model-versions tbody tr td:eq(6)").eachText(), "no AUC shown as a dash");
    }

    @Test
    void eachVersionShowsItsRecommendedReachAndTheRunDatesDriftIsReadAsSiddiqiDoes() {
        ModelVersion version = new ModelVersion(
                "m", 1, D1, "logistic_regression", "buyers", 10, 0.8, "5%", 0.4, 0.075, List.of(), Map.of());
        List<ModelDrift> drift = List.of(
                new ModelDrift("m", 1, D1, "page_views_30d", 0.41, true),
                new ModelDrift("m", 1, D1, "carts_30d", 0.12, true),
                new ModelDrift("m", 1, D1, "shoes_view_share_30d", 0.01, true));
        Document page =
                page(report(List.of(), List.of(), List.of(), List.of(version), drift, List.of(), List.of(), List.of()));
        assertEquals(
                List.of("7.5%"),
                page.select("#model-versions tbody tr td:eq(11)").eachText());
        assertEquals(
                List.of("shifted", "some shift", "stable"),
                page.select("#model-drift tbody tr td:eq(5)").eachText());

        Document none = page(
                report(List.of(), List.of(), List.of(), List.of(version), List.of(), List.of(), List.of(), List.of()));
        assertTrue(none.select("#lookalike").text().contains("No scoring run measured drift on " + D3), none.text());
    }

    @Test
    void aSegmentMissingADayBreaksItsLineAndTheHeatMapShowsEveryPairOfTheOverlapList() {
        List<SegmentDay> days = List.of(
                segment(D1, "a", 10),
                new SegmentDay(D3, "a", "a", "rule", 30, 0, 0, 3L),
                segment(D1, "b", 5),
                segment(D2, "b", 6),
                segment(D3, "b", 8),
                segment(D3, "c", 4),
                segment(D3, "d", 50));
        List<SegmentOverlap> overlaps = List.of(
                new SegmentOverlap("a", "a", 30),
                new SegmentOverlap("a", "b", 2),
                new SegmentOverlap("b", "b", 8),
                new SegmentOverlap("c", "c", 4));
        Document page = page(report(days, overlaps, List.of(), List.of(), List.of(), List.of(), List.of()));
        List<String> lines = page.select("#segment-sizes path.line").eachAttr("d");
        assertEquals(1, lines.get(0).chars().filter(c -> c == 'M').count(), "d, largest, one point: " + lines.get(0));
        assertEquals(
                2,
                lines.get(1).chars().filter(c -> c == 'M').count(),
                "a's line has a gap on " + D2 + ": " + lines.get(1));
        assertEquals(1, lines.get(2).chars().filter(c -> c == 'M').count(), "b's line is whole: " + lines.get(2));
        // The listed segments (a row of their own size each), largest first; d is not listed, c overlaps nobody.
        assertEquals(
                List.of("a|a|1", "a|b|0.067", "a|c|0", "b|a|0.250", "b|b|1", "b|c|0", "c|a|0", "c|b|0", "c|c|1"),
                page.select("#segment-overlaps .mark").stream()
                        .map(e -> e.attr("data-series") + "|" + e.attr("data-x") + "|" + e.attr("data-value"))
                        .toList());
        assertEquals(
                "a ∩ b: 2 persons, 6.7% of a's 30 members",
                page.select("#segment-overlaps .mark[data-series=a][data-x=b] title")
                        .text());
        assertEquals(
                List.of("a", "a", "rule", "30", "+20 (+200.0%)", "0", "0", "27", "3"),
                page.select("#segments-on-date tbody tr").get(1).children().eachText(),
                "a's change is against its latest earlier day, " + D1 + "; 3 of its 30 members held out");
        assertEquals(
                List.of("50", "–"),
                page.select("#segments-on-date tbody tr")
                        .get(0)
                        .children()
                        .eachText()
                        .subList(7, 9),
                "a segment from before control groups: every member was treated");
        assertEquals(
                "new", page.select("#segments-on-date tbody tr").get(0).child(4).text());
    }

    @Test
    void responsesAreCountedPerCampaignInFunnelOrderAndEscaped() {
        Document page = page(report(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of()));
        assertEquals(
                List.of("destination", "campaign", "delivered", "opened", "unsubscribed", "bounced"),
                page.select("#responses thead th").eachText(),
                "the funnel's kinds first, an unknown kind after");
        List<Element> rows = page.select("#responses tbody tr");
        assertEquals(
                List.of("email_tool", "<script>x</script>", "7", "0", "0", "0"),
                rows.get(0).children().eachText());
        assertEquals(
                List.of("email_tool", "june_sale", "100", "40", "3", "2"),
                rows.get(1).children().eachText());
        assertTrue(page.select("#responses script").isEmpty(), "a campaign name is text");
    }

    @Test
    void theDatesLiftIsListedWithItsIntervalAndDetectableEffect() {
        Document page = page(report(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of()));
        List<Element> rows = page.select("#lift-on-date tbody tr");
        assertEquals(
                List.of(
                        "buyers -> ads",
                        "visit",
                        "900",
                        "100",
                        "18.30%",
                        "10.60%",
                        "+7.70 pt",
                        "[+5.00 pt, +10.40 pt]",
                        "0.001",
                        "4.00%"),
                rows.get(0).children().eachText());
        assertEquals(
                List.of("1.42", "0.65", "+0.77", "[-0.10, +1.64]"),
                rows.get(1).children().eachText().subList(4, 8),
                "revenue is an amount per person");
    }

    @Test
    void theHeaderSaysWhatWentWrongAndTheLimitsAreListed() {
        Document failed = page(report(
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(
                        new JobRunEntry(D3, "ingest", "succeeded", AT, 1000, 0, 0, 0, null),
                        new JobRunEntry(D3, "identity", "failed", AT.plusSeconds(5), 1000, 0, 0, 0, "out of memory")),
                List.of(new QualityEntry(
                        D3, "ingest", "raw_events", "not_null(event_id)", false, false, "2 nulls", AT)),
                List.of("segments: the 200 largest of 250 are shown")));
        assertEquals(
                "1 of 2 jobs for " + D3 + " failed. See Operations.",
                failed.select("p.status.bad").text());
        assertEquals(
                List.of("segments: the 200 largest of 250 are shown"),
                failed.select("#limits li").eachText());
        assertEquals(
                "No identity run in this window (id_match_metrics has no rows for these dates).",
                failed.select("#identity p.empty").text());

        Document ok = page(report(
                List.of(),
                List.of(),
                List.of(new IdentityMetric(D2, "persons", "", 7)),
                List.of(),
                List.of(
                        new JobRunEntry(D3, "ingest", "failed", AT, 1000, 0, 0, 0, "disk full"),
                        new JobRunEntry(D3, "ingest", "succeeded", AT.plusSeconds(30), 1000, 0, 0, 0, null)),
                List.of(
                        new QualityEntry(D3, "ingest", "raw_events", "not_null(event_id)", false, false, "2 nulls", AT),
                        new QualityEntry(
                                D3,
                                "ingest",
                                "raw_events",
                                "not_null(event_id)",
                                false,
                                true,
                                "0 nulls",
                                AT.plusSeconds(60))),
                List.of()));
        assertEquals(
                "The job for " + D3 + " succeeded (1 failed run rerun).",
                ok.select("p.status.ok").text(),
                "a rerun mends a failed run, and its passing check replaces the earlier warning");
        assertTrue(ok.select("#identity p.note").text().contains("its latest run in the window, " + D2), ok.text());
        assertTrue(ok.select("#limits").isEmpty());
    }

    @Test
    void axisStepsAreRoundAndTheWindowIsBounded() {
        assertEquals(50, Svg.step(180, 4, true), 1e-9);
        assertEquals(200, Svg.axisTop(180, 50), 1e-9);
        assertEquals(0.25, Svg.step(0.93, 4, false), 1e-9);
        assertEquals(5, Svg.step(9, 4, true), 1e-9);
        assertEquals(25, Svg.step(90, 4, true), 1e-9);
        assertEquals(1, Svg.step(0, 4, true), 1e-9);
        assertEquals("1.2k", Svg.compact(1200));
        assertEquals("3M", Svg.compact(3_000_000));
        assertEquals("&lt;b a=&quot;1&quot;&gt;&amp;&#39;", Svg.esc("<b a=\"1\">&'"));
        assertEquals(List.of(LocalDate.of(2025, 7, 31), LocalDate.of(2025, 8, 1)), new ReportWindow(D1, 2).dates());
        assertEquals(
                "--days: must be from 1 to 92, cannot be: 93",
                assertThrows(ConfigException.class, () -> new ReportWindow(D1, 93))
                        .getMessage());
    }
}
