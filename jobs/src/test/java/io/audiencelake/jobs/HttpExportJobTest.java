package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.export.FakeAdPlatform;
import io.audiencelake.common.lake.LakeTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The http_batch destination end to end, on each table format, against a local server playing Meta's custom
 * audience API: batches with idempotency keys and the token from the environment, a throttle and a 5xx retried, a
 * platform failing mid-way that fails the export, the rerun that resumes without sending any batch twice, removes
 * sent as DELETE the next day, and each batch's result in export_log.
 */
class HttpExportJobTest {
    private static final String D1 = "2025-06-01";
    private static final String D2 = "2025-06-02";
    private static final int PEOPLE = 100;
    private static final String TOKEN = "test-platform-token-7f3a"; // jobs/pom.xml gives the test JVM this variable
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEGMENTS = """
      consent:
        purposes: {ad_targeting: consent_ad_targeting}
      segments:
        - {id: buyers, name: Buyers, owner: crm, rule: "purchases_30d >= 1"}
      """;

    @TempDir
    Path dir;

    private static String destinations(String url) {
        return """
          destinations:
            - id: meta_ads
              owner: perf
              kind: http_batch
              endpoint: '%s/v21.0/{audience}/users'
              payload: meta_custom_audiences
              audiences: {buyers: '6001'}
              batch_size: 15
              requests_per_second: 1000
              max_attempts: 3
              backoff_ms: 1
              max_backoff_ms: 5
              token_env: AUDIENCELAKE_TEST_PLATFORM_TOKEN
              identifier: maid
              segments: [buyers]
              mode: incremental
              consent: ad_targeting
              allowed_labels: [first_party, behavioural, declared, consent]
          """.formatted(url);
    }

    /** Everyone consents; on {@code day}, people below {@code buyers} bought. */
    private static void profiles(LakeTables lake, String day, int buyers) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            lines.add("{\"person_id\": \"p" + i + "\", \"purchases_30d\": " + (i < buyers ? 1 : 0)
                    + ", \"consent_ad_targeting\": \"granted\", \"identifiers\": 1, \"devices\": 1, \"dt\": \""
                    + day + "\"}");
        }
        ProfileRows.write(lake, day, lines);
    }

    private static String maid(int i) {
        return String.format("0000%04d-AAAA-4BBB-8CCC-DDDDEEEEFFFF", i);
    }

    /** Each person has one mobile ad id (stored upper-case, as ingest stores them), granted for ad targeting. */
    private static void identities(LakeTables lake) {
        AudienceRows.graph(lake, "maid", HttpExportJobTest::maid, PEOPLE, D1, D2);
        AudienceRows.granted(lake, "ad_targeting", "maid", HttpExportJobTest::maid, PEOPLE);
    }

    private static List<String> ids(FakeAdPlatform.Request r) {
        try {
            JsonNode payload = JSON.readTree(r.body()).path("payload");
            assertEquals("MOBILE_ADVERTISER_ID", payload.path("schema").asText());
            List<String> out = new ArrayList<>();
            payload.path("data").forEach(n -> out.add(n.asText()));
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> expectedIds(int from, int to) {
        Set<String> out = new TreeSet<>();
        for (int i = from; i < to; i++) {
            out.add(maid(i).toLowerCase(Locale.ROOT)); // Meta's rule for ad ids
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void batchesResumeWithoutRepeatsAfterAFailureAndEachBatchIsLogged(TableFormat format) throws IOException {
        try (FakeAdPlatform platform = new FakeAdPlatform()) {
            String conf = TestConfigs.local(
                            dir,
                            "segments: " + Files.writeString(dir.resolve("segments.yaml"), SEGMENTS),
                            "lookalike: " + Files.writeString(dir.resolve("lookalike.yaml"), "models: []\n"),
                            "destinations: "
                                    + Files.writeString(dir.resolve("destinations.yaml"), destinations(platform.url())))
                    .toString();
            String tableFormat = "lake.table_format=" + format.name().toLowerCase(Locale.ROOT);
            LakeCheck.inSession(Path.of(conf), format, lake -> {
                profiles(lake, D1, PEOPLE);
                profiles(lake, D2, 80);
                identities(lake);
            });
            for (String day : List.of(D1, D2)) {
                CliRun run = CliRun.of("segments", "-c", conf, "-d", day, "--set", tableFormat);
                assertEquals(0, run.exitCode(), run.err());
            }

            // Day 1: 100 adds in 7 batches of 15. A throttle and a 503 are retried; after four batches the platform
            // fails for good and the export stops with nothing recorded.
            platform.script((n, accepted) -> n == 2 ? 429 : n == 4 ? 503 : accepted >= 4 ? 500 : 200);
            CliRun failed = CliRun.of("export", "-c", conf, "-d", D1, "--set", tableFormat);
            assertNotEquals(0, failed.exitCode());
            assertTrue(
                    failed.err()
                            .contains(
                                    "meta_ads batch 5 (buyers, add, 15 ids) still failing after 3 attempts: HTTP 500"),
                    failed.err());
            assertEquals(4, platform.accepted().size());
            LakeCheck.inSession(
                    Path.of(conf),
                    format,
                    lake -> assertFalse(
                            lake.exists(ExportTables.LOG)
                                    && !lake.read(ExportTables.LOG).isEmpty(),
                            "a failed export logs nothing"));

            platform.script((n, accepted) -> 200);
            CliRun resumed = CliRun.of("export", "-c", conf, "-d", D1, "--set", tableFormat);
            assertEquals(0, resumed.exitCode(), resumed.err());
            List<FakeAdPlatform.Request> day1 = platform.accepted();
            assertEquals(7, day1.size(), "the rerun sent batches 5 to 7 only");
            Set<String> keys = new HashSet<>();
            List<String> sent = new ArrayList<>();
            for (FakeAdPlatform.Request r : day1) {
                assertTrue(keys.add(r.idempotencyKey()), "no batch is accepted twice");
                assertEquals("POST", r.method());
                assertEquals("/v21.0/6001/users", r.path(), "the segment's platform audience");
                assertEquals("Bearer " + TOKEN, r.authorization());
                sent.addAll(ids(r));
            }
            assertEquals(PEOPLE, sent.size());
            assertEquals(expectedIds(0, PEOPLE), new TreeSet<>(sent));

            // Day 2: the 20 who stopped buying are removed: DELETE, in batches of 15 and 5.
            CliRun day2 = CliRun.of("export", "-c", conf, "-d", D2, "--set", tableFormat);
            assertEquals(0, day2.exitCode(), day2.err());
            List<FakeAdPlatform.Request> removes =
                    platform.accepted().subList(7, platform.accepted().size());
            assertEquals(
                    List.of("DELETE", "DELETE"),
                    removes.stream().map(FakeAdPlatform.Request::method).toList());
            Set<String> removed = new TreeSet<>();
            removes.forEach(r -> removed.addAll(ids(r)));
            assertEquals(expectedIds(80, PEOPLE), removed);
            // A rerun of a delivered date sends nothing again.
            int before = platform.requests().size();
            CliRun again = CliRun.of("export", "-c", conf, "-d", D2, "--set", tableFormat);
            assertEquals(0, again.exitCode(), again.err());
            assertEquals(before, platform.requests().size(), "every batch of the date was acknowledged already");

            LakeCheck.inSession(Path.of(conf), format, lake -> {
                Row log =
                        lake.read(ExportTables.LOG).where(col("dt").equalTo(D1)).first();
                assertEquals(7, log.<Integer>getAs(ExportTables.FILES));
                assertEquals(100L, log.<Long>getAs(ExportTables.ROWS));
                assertEquals(platform.url() + "/v21.0/{audience}/users", log.<String>getAs(ExportTables.LOCATION));
                List<Row> batches = log.getList(log.fieldIndex(ExportTables.BATCHES));
                assertEquals(
                        List.of(1, 2, 3, 4, 5, 6, 7),
                        batches.stream().map(b -> b.<Integer>getAs("batch")).toList());
                assertEquals(
                        List.of(true, true, true, true, false, false, false),
                        batches.stream().map(b -> b.<Boolean>getAs("resumed")).toList(),
                        "batches 1-4 were acknowledged by the failed run");
                assertEquals(
                        List.of(1, 2, 2, 1, 1, 1, 1),
                        batches.stream().map(b -> b.<Integer>getAs("attempts")).toList(),
                        "the throttled and the failed request were retried once each");
                assertEquals(
                        new TreeSet<>(day1.stream()
                                .map(FakeAdPlatform.Request::idempotencyKey)
                                .toList()),
                        new TreeSet<>(batches.stream()
                                .map(b -> b.<String>getAs("idempotency_key"))
                                .toList()));
                Row log2 =
                        lake.read(ExportTables.LOG).where(col("dt").equalTo(D2)).first();
                assertEquals(20L, log2.<Long>getAs(ExportTables.REMOVES));
                assertEquals(
                        2, log2.getList(log2.fieldIndex(ExportTables.BATCHES)).size());
                String everything = lake.read(ExportTables.LOG).collectAsList().toString();
                assertFalse(everything.contains(TOKEN), "the token is not in export_log");
            });
            for (CliRun run : List.of(failed, resumed, day2, again)) {
                assertFalse((run.out() + run.err()).contains(TOKEN), "the token is in no output");
            }
            try (Stream<Path> files = Files.walk(dir.resolve("data/exports/meta_ads"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(f).contains(TOKEN), "the token is not in " + f);
                }
            }
        }
    }
}
