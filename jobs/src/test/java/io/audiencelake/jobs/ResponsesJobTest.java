package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.lake.LakeTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A destination's response file back into the lake, on each table format, through the shipped
 * destination_responses contract: responses become events with their campaign, the hashed emails we sent are
 * taken as they are (a clear address or a broken hash is quarantined, never stored), and an unsubscribe is a
 * consent record that takes the person out of the next export of the email list.
 */
class ResponsesJobTest {
    private static final String D1 = "2025-06-01";
    private static final String D2 = "2025-06-02";
    private static final int PEOPLE = 10;
    private static final String SEGMENTS = """
      consent:
        purposes: {email_marketing: consent_email_marketing}
      segments:
        - {id: newsletter, name: Newsletter, owner: crm, rule: "purchases_30d >= 1"}
      """;
    private static final String DESTINATIONS = """
      destinations:
        - {id: email_tool, owner: crm, format: csv, compression: none, identifier: email, segments: [newsletter],
           mode: full, consent: email_marketing, allowed_labels: [first_party, behavioural, declared, consent]}
      """;

    @TempDir
    Path dir;

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String email(int i) {
        return "person" + i + "@example.com";
    }

    /** Everyone is on the list with an email and granted email marketing on 1 May. */
    private static void lake(LakeTables lake) {
        for (String day : List.of(D1, D2)) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < PEOPLE; i++) {
                lines.add("{\"person_id\": \"p" + i + "\", \"purchases_30d\": 1, \"consent_email_marketing\": "
                        + "\"granted\", \"identifiers\": 1, \"devices\": 0, \"dt\": \"" + day + "\"}");
            }
            ProfileRows.write(lake, day, lines);
        }
        AudienceRows.graph(lake, "email", i -> sha256(email(i)), PEOPLE, D1, D2);
        AudienceRows.granted(lake, "email_marketing", "email", i -> sha256(email(i)), PEOPLE);
    }

    private Set<String> exported(String day) throws IOException {
        return AudienceRows.dropped(dir.resolve("data/exports/email_tool/dt=" + day));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void responsesBecomeEventsAndAnUnsubscribeLeavesTheNextExport(TableFormat format) throws IOException {
        String conf = TestConfigs.local(
                        dir,
                        "segments: " + Files.writeString(dir.resolve("segments.yaml"), SEGMENTS),
                        "lookalike: " + Files.writeString(dir.resolve("lookalike.yaml"), "models: []\n"),
                        "destinations: " + Files.writeString(dir.resolve("destinations.yaml"), DESTINATIONS))
                .toString();
        String tableFormat = "lake.table_format=" + format.name().toLowerCase(Locale.ROOT);
        LakeCheck.inSession(Path.of(conf), format, this::lakeOf);
        for (String day : List.of(D1, D2)) {
            assertEquals(
                    0,
                    CliRun.of("segments", "-c", conf, "-d", day, "--set", tableFormat)
                            .exitCode());
        }
        assertEquals(
                0,
                CliRun.of("export", "-c", conf, "-d", D1, "--set", tableFormat).exitCode());
        assertEquals(PEOPLE, exported(D1).size());

        // The email tool's report of 1 June, landed on 2 June: hashes as we sent them (one in upper case).
        Path landing = dir.resolve("data/landing/destination_responses/dt=" + D2 + "/email_tool.csv");
        Files.createDirectories(landing.getParent());
        Files.writeString(
                landing,
                String.join(
                        "\n",
                        "destination_id,campaign,id_type,id_value,event,event_time,revenue,currency",
                        "email_tool,june_sale,email," + sha256(email(1)) + ",delivered,2025-06-01T09:00:00Z,,",
                        "email_tool,june_sale,email," + sha256(email(1)).toUpperCase(Locale.ROOT)
                                + ",opened,2025-06-01T09:30:00Z,,",
                        "email_tool,june_sale,email," + sha256(email(2)) + ",clicked,2025-06-01T10:00:00Z,,",
                        "email_tool,june_sale,email," + sha256(email(2)) + ",converted,2025-06-01T11:00:00Z,42.5,EUR",
                        "email_tool,june_sale,email," + sha256(email(3)) + ",unsubscribed,2025-06-01T12:00:00Z,,",
                        // A tool that sends the clear address back, and a truncated hash: quarantined.
                        "email_tool,june_sale,email," + email(4) + ",opened,2025-06-01T12:30:00Z,,",
                        "email_tool,june_sale,email,abc123,opened,2025-06-01T12:40:00Z,,",
                        ""));
        CliRun ingest = CliRun.of("ingest", "-c", conf, "-d", D2, "--set", tableFormat);
        assertEquals(0, ingest.exitCode(), ingest.err());
        assertFalse((ingest.out() + ingest.err()).contains(email(4)), "the clear address is in no output");

        LakeCheck.inSession(Path.of(conf), format, lake -> {
            List<Row> events = lake.read(RawEvents.SPEC)
                    .where(col(RawTables.FEED).equalTo("destination_responses"))
                    .orderBy(RawEvents.EVENT_TIME)
                    .collectAsList();
            assertEquals(
                    List.of("delivered", "opened", "clicked", "converted", "unsubscribed"),
                    events.stream()
                            .map(r -> r.<String>getAs(RawEvents.EVENT_TYPE))
                            .toList());
            Row converted = events.get(3);
            assertEquals(42.5, converted.<Double>getAs(RawEvents.REVENUE));
            assertEquals(
                    "june_sale",
                    converted
                            .getJavaMap(converted.fieldIndex(RawEvents.ATTRIBUTES))
                            .get("campaign"));
            assertTrue(
                    converted.isNullAt(converted.fieldIndex(RawEvents.DEVICE_ID)), "a response is no device's visit");
            Set<String> ids = lake
                    .read(RawIdentifiers.SPEC)
                    .where(col(RawTables.FEED).equalTo("destination_responses"))
                    .select(RawIdentifiers.ID_VALUE)
                    .collectAsList()
                    .stream()
                    .map(r -> r.getString(0))
                    .collect(Collectors.toSet());
            assertEquals(
                    Set.of(sha256(email(1)), sha256(email(2)), sha256(email(3))), ids, "stored as sent, lower-cased");
            List<Row> quarantined = lake.read(Quarantine.SPEC)
                    .where(col(RawTables.FEED).equalTo("destination_responses"))
                    .collectAsList();
            assertEquals(2, quarantined.size());
            assertTrue(
                    quarantined.stream().allMatch(r -> r.toString().contains("invalid_email:id_value")),
                    quarantined.toString());
            assertFalse(quarantined.toString().contains(email(4)), "the clear address is not kept in quarantine");
            Row optOut = lake.read(RawAttributes.SPEC)
                    .where(col(RawTables.FEED).equalTo("destination_responses"))
                    .first();
            assertEquals(sha256(email(3)), optOut.getAs(RawAttributes.SUBJECT_ID));
            assertEquals("consent.email_marketing", optOut.getAs(RawAttributes.NAME));
            assertEquals("denied", optOut.getAs(RawAttributes.VALUE));
            assertEquals(Timestamp.valueOf("2025-06-01 12:00:00"), optOut.getAs(RawAttributes.OBSERVED_AT));
            assertEquals(
                    1,
                    lake.read(RawAttributes.SPEC)
                            .where(col(RawTables.FEED).equalTo("destination_responses"))
                            .count());
        });

        assertEquals(
                0,
                CliRun.of("export", "-c", conf, "-d", D2, "--set", tableFormat).exitCode());
        Set<String> expected = new TreeSet<>(exported(D1));
        expected.remove(sha256(email(3)));
        assertEquals(expected, exported(D2), "the unsubscribed person is no longer sent");
    }

    private void lakeOf(LakeTables lake) {
        lake(lake);
    }
}
