package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.ExportTombstones;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.segments.SegmentTables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export job over hand-made identity, consent and membership: the drop's layout and manifest,
 * incremental adds/removes across dates (a segment leaver, an opt-out on another identifier, a late
 * grant), consent and label enforcement, and an idempotent rerun.
 */
class ExportJobTest {
    private static final String D1 = "2025-06-01";
    private static final String D2 = "2025-06-02";
    private static final String D3 = "2025-06-03";
    private static final String SEGMENTS = """
      consent:
        purposes: {ad_targeting: consent_ad_targeting}
      segments:
        - {id: buyers, name: Buyers, owner: crm, rule: "purchases_30d >= 1"}
        - {id: tp_fans, name: Travel fans, owner: ads, rule: "tp_travel_affinity > 0.5"}
      """;
    private static final String DESTINATIONS = """
      destinations:
        - {id: ads, owner: perf, format: csv, compression: gzip, identifier: maid, segments: [buyers],
           mode: incremental, consent: ad_targeting, allowed_labels: [first_party, behavioural]}
        - {id: mail, owner: crm, format: jsonl, compression: none, identifier: email, segments: [buyers],
           mode: full, consent: ad_targeting, allowed_labels: [first_party, behavioural]}
      """;

    @TempDir
    Path dir;

    private String config(String destinations) throws IOException {
        return TestConfigs.local(
                        dir,
                        "segments: " + Files.writeString(dir.resolve("segments.yaml"), SEGMENTS),
                        "lookalike: " + Files.writeString(dir.resolve("lookalike.yaml"), "models: []\n"),
                        "destinations: " + Files.writeString(dir.resolve("destinations.yaml"), destinations))
                .toString();
    }

    private static Map<String, Object> id(String person, String type, String value, String day) {
        return Map.of(IdGraph.PERSON_ID, person, IdGraph.ID_TYPE, type, IdGraph.ID_VALUE, value, IdGraph.DT, day);
    }

    private static Map<String, Object> consent(String type, String value, String status, String at) {
        return Map.of(
                RawAttributes.SUBJECT_TYPE,
                type,
                RawAttributes.SUBJECT_ID,
                value,
                RawAttributes.NAME,
                "consent.ad_targeting",
                RawAttributes.VALUE,
                status,
                RawAttributes.OBSERVED_AT,
                Timestamp.valueOf(at),
                "dt",
                Date.valueOf(at.substring(0, 10)),
                "feed",
                "consent");
    }

    private static Map<String, Object> member(String person, String day) {
        return Map.of(
                SegmentTables.SEGMENT_ID,
                "buyers",
                SegmentTables.PERSON_ID,
                person,
                SegmentTables.SOURCE,
                "rule",
                SegmentTables.DT,
                day);
    }

    private static void evaluated(LakeTables lake, String day, List<String> labels, String... persons) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String p : persons) {
            rows.add(member(p, day));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object>[] array = rows.toArray(Map[]::new);
        lake.overwritePartition(
                SegmentTables.MEMBERSHIP,
                SpecRows.of(SegmentTables.MEMBERSHIP, array),
                Map.of("dt", Date.valueOf(day), "source", "rule"));
        lake.overwritePartition(
                SegmentTables.STATS,
                SpecRows.of(
                        SegmentTables.STATS,
                        Map.of(
                                SegmentTables.SEGMENT_ID,
                                "buyers",
                                SegmentTables.LABELS,
                                labels,
                                SegmentTables.SOURCE,
                                "rule",
                                SegmentTables.DT,
                                day)),
                Map.of("dt", Date.valueOf(day), "source", "rule"));
    }

    private static void graph(LakeTables lake, String day) {
        GraphDays.write(
                lake,
                SpecRows.of(
                        IdGraph.SPEC,
                        id("p1", "maid", "m1", day),
                        id("p1", "email", "e1", day),
                        id("p2", "maid", "m2", day),
                        id("p2", "email", "e2", day),
                        id("p3", "maid", "m3", day),
                        id("p4", "maid", "m4a", day),
                        id("p4", "maid", "m4b", day),
                        id("p4", "email", "e4", day),
                        id("p5", "maid", "m5", day)),
                day);
    }

    private void lake() throws IOException {
        String conf = config(DESTINATIONS);
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            for (String day : List.of(D1, D2, D3)) {
                graph(lake, day);
            }
            lake.append(
                    RawAttributes.SPEC,
                    SpecRows.of(
                            RawAttributes.SPEC,
                            consent("email", "e1", "granted", "2025-06-01 08:00:00"),
                            consent("maid", "m2", "granted", "2025-06-01 08:00:00"),
                            consent("email", "e4", "granted", "2025-05-01 08:00:00"),
                            consent("maid", "m5", "granted", "2025-06-02 10:00:00"),
                            consent("maid", "m1", "denied", "2025-06-02 09:00:00")));
            evaluated(lake, D1, List.of("first_party", "behavioural"), "p1", "p2", "p3", "p4");
            evaluated(lake, D2, List.of("first_party", "behavioural"), "p1", "p3", "p4", "p5");
            evaluated(lake, D3, List.of("first_party", "behavioural", "third_party"), "p4");
        });
    }

    /** Data lines of every part file of a drop (CSV header left out). */
    private static Set<String> lines(Path drop) throws IOException {
        Set<String> out = new HashSet<>();
        try (Stream<Path> files = Files.list(drop)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .toList()) {
                List<String> text = read(f).lines().toList();
                boolean csv = f.toString().contains(".csv");
                out.addAll(csv ? text.subList(1, text.size()) : text);
            }
        }
        return out;
    }

    private static String read(Path f) throws IOException {
        try (InputStream in =
                f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void dropsWithManifestIncrementalChangesConsentAndLabels() throws Exception {
        lake();
        String conf = config(DESTINATIONS);
        CliRun first = CliRun.of("export", "-c", conf, "-d", D1);
        assertEquals(0, first.exitCode(), first.err());
        Path ads1 = dir.resolve("data/exports/ads/dt=" + D1);
        // p3 never consented; p4 has two ad ids.
        assertEquals(
                Set.of("buyers,maid,m1,add", "buyers,maid,m2,add", "buyers,maid,m4a,add", "buyers,maid,m4b,add"),
                lines(ads1));
        assertTrue(Files.exists(ads1.resolve("_SUCCESS")));
        JsonNode manifest =
                new ObjectMapper().readTree(ads1.resolve("manifest.json").toFile());
        assertEquals("ads", manifest.get("destination").asText());
        assertEquals(4, manifest.get("rows").asLong());
        assertEquals(
                "segment_id,id_type,id_value,action",
                String.join(",", manifest.get("schema").findValuesAsText("name")));
        long rows = 0;
        for (JsonNode f : manifest.get("files")) {
            Path file = ads1.resolve(f.get("name").asText());
            assertTrue(f.get("name").asText().matches("part-\\d{5}\\.csv\\.gz"), f.toString());
            assertEquals(
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                    f.get("sha256").asText());
            assertEquals(Files.size(file), f.get("bytes").asLong());
            rows += f.get("rows").asLong();
        }
        assertEquals(4, rows);
        assertEquals(
                Set.of(
                        "{\"segment_id\":\"buyers\",\"id_type\":\"email\",\"id_value\":\"e1\"}",
                        "{\"segment_id\":\"buyers\",\"id_type\":\"email\",\"id_value\":\"e2\"}",
                        "{\"segment_id\":\"buyers\",\"id_type\":\"email\",\"id_value\":\"e4\"}"),
                lines(dir.resolve("data/exports/mail/dt=" + D1)),
                "full JSON lines, uncompressed");

        // Day 2: p2 left the segment, p1 opted out on their ad id (later than their email grant), p5 granted; and a
        // person sent on day 1 was erased since (erase left a tombstone): the ad platform is told to remove them.
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            lake.create(ExportTombstones.SPEC);
            lake.append(
                    ExportTombstones.SPEC,
                    SpecRows.of(
                            ExportTombstones.SPEC,
                            Map.of(
                                    "destination_id",
                                    "ads",
                                    "segment_id",
                                    "buyers",
                                    "id_type",
                                    "maid",
                                    "id_value",
                                    "m-erased",
                                    "erased_at",
                                    Timestamp.valueOf("2025-06-01 12:00:00"))));
        });
        for (int run = 0; run < 2; run++) {
            CliRun second = CliRun.of("export", "-c", conf, "-d", D2, "--destination", "ads");
            assertEquals(0, second.exitCode(), second.err());
            assertEquals(
                    Set.of(
                            "buyers,maid,m1,remove",
                            "buyers,maid,m2,remove",
                            "buyers,maid,m5,add",
                            "buyers,maid,m-erased,remove"),
                    lines(dir.resolve("data/exports/ads/dt=" + D2)),
                    "run " + run);
        }
        List<String> names = list(dir.resolve("data/exports/ads/dt=" + D2));
        assertEquals(List.of("_SUCCESS", "manifest.json", "part-00000.csv.gz"), names.subList(0, 3));
        assertTrue(
                names.stream()
                        .allMatch(n -> n.equals("_SUCCESS")
                                || n.equals("manifest.json")
                                || n.matches("part-\\d{5}\\.csv\\.gz")),
                "only the drop's own files: " + names);
        assertEquals(
                List.of(),
                list(dir.resolve("data/exports/ads")).stream()
                        .filter(n -> n.startsWith("_"))
                        .toList(),
                "no staging folder left behind");
        LakeCheck.inSession(Path.of(conf), TableFormat.DELTA, lake -> {
            assertEquals(
                    List.of("ads:2025-06-01:4:4:0", "ads:2025-06-02:4:1:3", "mail:2025-06-01:3:3:0"),
                    lake.read(ExportTables.LOG).orderBy("destination_id", "dt").collectAsList().stream()
                            .map(r -> r.getString(0) + ":" + r.getDate(1) + ":" + r.getLong(r.fieldIndex("rows")) + ":"
                                    + r.getLong(r.fieldIndex("adds")) + ":" + r.getLong(r.fieldIndex("removes")))
                            .toList());
            assertEquals(
                    3,
                    lake.read(ExportTables.AUDIENCE)
                            .where("dt = '2025-06-02' and destination_id = 'ads'")
                            .count(),
                    "the ad platform now holds m4a, m4b and m5");
            assertEquals(
                    List.of(Date.valueOf(D2)),
                    lake.read(ExportTombstones.SPEC).collectAsList().stream()
                            .map(r -> r.getDate(r.fieldIndex("delivered_dt")))
                            .toList(),
                    "the tombstone is stamped delivered");
        });

        // Labels: a segment that now carries third-party data is not sent; nothing is written for the date.
        CliRun refused = CliRun.of("export", "-c", conf, "-d", D3);
        assertEquals(1, refused.exitCode());
        assertTrue(
                refused.err()
                        .contains("destination ads: segment buyers carried data-usage labels [third_party] on "
                                + "2025-06-03, which the destination may not receive"),
                refused.err());
        assertFalse(Files.exists(dir.resolve("data/exports/ads/dt=" + D3)));

        // The privacy audit reads every table and drop: nothing in clear, until a clear email is planted.
        CliRun clean = CliRun.of("pii-scan", "-c", conf, "-d", D2);
        assertEquals(0, clean.exitCode(), clean.out() + clean.err());
        assertTrue(clean.out().contains("no personal data in clear"), clean.out());
        assertTrue(
                clean.out()
                        .matches("(?s).*searched \\d+ rows and lines of \\d+ tables, export drops and reports \\(.*"
                                + "export_audience.*exports.*"),
                clean.out());
        Files.writeString(
                dir.resolve("data/exports/mail/dt=" + D1 + "/part-00009.jsonl"),
                "{\"id_value\":\"ann@example.com\"}\n");
        Files.createDirectories(dir.resolve("data/reports/dt=" + D1));
        Files.writeString(
                dir.resolve("data/reports/dt=" + D1 + "/report.html"), "<td>failed for bob@example.org</td>\n");
        CliRun leak = CliRun.of("pii-scan", "-c", conf, "-d", D2);
        assertEquals(1, leak.exitCode());
        assertTrue(
                leak.out()
                        .matches(
                                "(?s).*1 clear email value\\(s\\) in file:.*/exports/mail/dt=2025-06-01/part-00009.jsonl.*"),
                leak.out());
        assertTrue(
                leak.out().matches("(?s).*1 clear email value\\(s\\) in file:.*/reports/dt=2025-06-01/report.html.*"),
                leak.out());
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSegmentWithLabelsTheDestinationMayNotReceiveIsRefusedAtValidation() throws IOException {
        String conf = config(DESTINATIONS.replace(
                "identifier: maid, segments: [buyers]", "identifier: maid, segments: [buyers, tp_fans]"));
        CliRun run = CliRun.of("export", "-c", conf, "-d", D1, "--validate");
        assertEquals(2, run.exitCode());
        assertTrue(
                run.err()
                        .contains(
                                "destinations[0].segments[1]: segment 'tp_fans' carries data-usage labels "
                                        + "[inferred, third_party] that this destination may not receive (allowed_labels: [behavioural, first_party])"),
                run.err());
    }
}
