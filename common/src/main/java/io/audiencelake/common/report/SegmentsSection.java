package io.audiencelake.common.report;

import io.audiencelake.common.report.RunReport.SegmentDay;
import io.audiencelake.common.report.RunReport.SegmentOverlap;
import io.audiencelake.common.segments.SegmentTables;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Segment sizes over the window, the run date's adds and removes, and the overlap heat map. */
final class SegmentsSection {
    /** Lines in the size chart: more are unreadable; the table lists every segment. */
    static final int SIZE_LINES = 8;

    static final int CHANGE_ROWS = 20;

    private SegmentsSection() {}

    /** A segment on the chart and in tables: its id, and the source when it is a lookalike segment. */
    static String label(SegmentDay d) {
        return d.source().equals(SegmentTables.RULE_SOURCE) ? d.segmentId() : d.segmentId() + " (" + d.source() + ")";
    }

    static String html(RunReport report) {
        List<SegmentDay> days = report.segmentDays();
        LocalDate date = report.window().date();
        List<SegmentDay> today = days.stream()
                .filter(d -> d.dt().equals(date))
                .sorted(Comparator.comparingLong(SegmentDay::size).reversed().thenComparing(SegmentsSection::label))
                .toList();
        if (days.isEmpty()) {
            return RunReportPage.section(
                    "segments",
                    "Segments",
                    RunReportPage.empty(
                            "No segments were evaluated in this window (segment_stats has no rows for these dates)."));
        }
        StringBuilder body = new StringBuilder("<div class=\"tiles\">\n")
                .append(RunReportPage.tile(Svg.count(today.size()), "segments on " + date))
                .append(RunReportPage.tile(
                        Svg.count(today.stream().mapToLong(SegmentDay::size).sum()), "memberships"))
                .append(RunReportPage.tile(
                        Svg.count(today.stream().mapToLong(SegmentDay::adds).sum()), "adds"))
                .append(RunReportPage.tile(
                        Svg.count(today.stream().mapToLong(SegmentDay::removes).sum()), "removes"))
                .append("</div>\n<div class=\"grid\">\n");

        body.append(sizes(days, today, RunReportPage.dates(report.window()), date))
                .append(changes(today, date))
                .append("</div>\n")
                .append(overlaps(report, date))
                .append("<h3>Segments on ")
                .append(date)
                .append("</h3>\n")
                .append(table(days, today, date));
        return RunReportPage.section("segments", "Segments", body.toString());
    }

    /** Members per run date of the date's largest segments (or each one's latest run if none ran that day). */
    private static String sizes(List<SegmentDay> days, List<SegmentDay> today, List<String> dates, LocalDate date) {
        List<SegmentDay> charted = today.isEmpty() ? latestOfEach(days) : today;
        List<Series> sizes = new ArrayList<>();
        for (SegmentDay s : charted.subList(0, Math.min(SIZE_LINES, charted.size()))) {
            Map<String, Double> byDate = new HashMap<>();
            days.stream()
                    .filter(d ->
                            d.segmentId().equals(s.segmentId()) && d.source().equals(s.source()))
                    .forEach(d -> byDate.put(d.dt().toString(), (double) d.size()));
            sizes.add(new Series(label(s), dates.stream().map(byDate::get).toList()));
        }
        return LineChart.render(
                        "segment-sizes",
                        "Segment sizes",
                        "Members per run date of the " + sizes.size() + " largest segments on " + date
                                + " (segment_stats.size); the table below lists every segment.",
                        LineChart.lines(sizes),
                        LineChart.categories(dates, RunReportPage::shortDate),
                        null,
                        null,
                        "members",
                        Svg::compact)
                .html();
    }

    /** The date's adds and removes of the segments that moved most. */
    private static String changes(List<SegmentDay> today, LocalDate date) {
        List<SegmentDay> moved = today.stream()
                .filter(d -> d.adds() + d.removes() > 0)
                .sorted(Comparator.comparingLong((SegmentDay d) -> d.adds() + d.removes())
                        .reversed()
                        .thenComparing(SegmentsSection::label))
                .limit(CHANGE_ROWS)
                .toList();
        if (moved.isEmpty()) {
            return RunReportPage.empty("No segment gained or lost members on " + date + ".");
        }
        List<BarList.Bar> bars = new ArrayList<>();
        for (SegmentDay d : moved) {
            bars.add(new BarList.Bar(label(d), d.adds(), (double) d.removes(), Svg.GOOD, null));
        }
        return BarList.render(
                        "segment-changes",
                        "Adds and removes on " + date,
                        "Members who joined (right) and "
                                + "left (left) each segment since its previous run (segment_stats.adds, removes); the people are in "
                                + "segment_changes.",
                        bars,
                        "adds",
                        "removes",
                        List.of(new Figure.LegendEntry(Svg.GOOD, "adds"), new Figure.LegendEntry(Svg.BAD, "removes")))
                .html();
    }

    /** Every segment of the date with its size and its change since its previous run. */
    private static String table(List<SegmentDay> days, List<SegmentDay> today, LocalDate date) {
        HtmlTable table = new HtmlTable(
                "segments-on-date",
                "segment",
                "name",
                "source",
                "members#",
                "change#",
                "adds#",
                "removes#",
                "treated#",
                "control#");
        for (SegmentDay d : today) {
            Optional<SegmentDay> previous = days.stream()
                    .filter(p -> p.segmentId().equals(d.segmentId())
                            && p.source().equals(d.source())
                            && p.dt().isBefore(date))
                    .max(Comparator.comparing(SegmentDay::dt));
            String change = previous.map(p -> signed(d.size() - p.size())
                            + (p.size() == 0
                                    ? ""
                                    : " (" + signedPercent((double) (d.size() - p.size()) / p.size()) + ")"))
                    .orElse("new");
            table.row(
                    d.segmentId(),
                    d.name(),
                    d.source(),
                    Svg.count(d.size()),
                    change,
                    Svg.count(d.adds()),
                    Svg.count(d.removes()),
                    // Control members are held out of exports: treated ones are what exports can send.
                    d.control() == null ? Svg.count(d.size()) : Svg.count(d.size() - d.control()),
                    d.control() == null ? "–" : Svg.count(d.control()));
        }
        return table.isEmpty() ? RunReportPage.empty("No segment was evaluated on " + date + ".") : table.html();
    }

    private static List<SegmentDay> latestOfEach(List<SegmentDay> days) {
        Map<String, SegmentDay> latest = new HashMap<>();
        for (SegmentDay d : days) {
            latest.merge(label(d), d, (a, b) -> a.dt().isAfter(b.dt()) ? a : b);
        }
        return latest.values().stream()
                .sorted(Comparator.comparingLong(SegmentDay::size).reversed().thenComparing(SegmentsSection::label))
                .toList();
    }

    /**
     * The heat map of the overlap list's segments, largest first. The segments job writes a pair only when
     * it has members in common, so a pair of two listed segments without a row has none.
     */
    private static String overlaps(RunReport report, LocalDate date) {
        Map<String, Long> persons = new HashMap<>();
        Map<String, Long> size = new HashMap<>();
        for (SegmentOverlap o : report.overlaps()) {
            if (o.segmentA().equals(o.segmentB())) {
                size.put(o.segmentA(), o.persons());
            } else {
                persons.put(o.segmentA() + "\u0000" + o.segmentB(), o.persons());
                persons.put(o.segmentB() + "\u0000" + o.segmentA(), o.persons());
            }
        }
        List<String> shown = size.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .toList();
        if (shown.size() < 2) {
            return RunReportPage.empty("No segment overlaps were computed for " + date
                    + " (list the segments to compare " + "under overlap: in segments.yaml).");
        }
        int n = shown.size();
        double[][] share = new double[n][n];
        String[][] tooltip = new String[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                String a = shown.get(r);
                String b = shown.get(c);
                long rowSize = size.get(a);
                long both = a.equals(b) ? rowSize : persons.getOrDefault(a + "\u0000" + b, 0L);
                share[r][c] = rowSize == 0 ? 0 : (double) both / rowSize;
                tooltip[r][c] = a.equals(b)
                        ? a + ": " + Svg.count(rowSize) + " members"
                        : a + " ∩ " + b + ": " + Svg.count(both) + " persons, " + Svg.percent(share[r][c]) + " of " + a
                                + "'s " + Svg.count(rowSize) + " members";
            }
        }
        return HeatMap.render(
                        "segment-overlaps",
                        "Segment overlap on " + date,
                        "Share (%) of each row segment's members "
                                + "who are also in the column segment (segment_overlaps.persons / the row segment's size), for the "
                                + "segments of segments.yaml's overlap list, largest first.",
                        shown,
                        share,
                        tooltip)
                .html();
    }

    private static String signed(long v) {
        return (v > 0 ? "+" : "") + Svg.count(v);
    }

    private static String signedPercent(double share) {
        return (share > 0 ? "+" : "") + Svg.percent(share);
    }
}
