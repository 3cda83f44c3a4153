package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.sample.SampleFeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedContractsTest {
    @TempDir
    Path dir;

    @Test
    void shippedContractsCoverEveryGeneratedFeed() {
        Map<String, FeedContract> contracts = FeedContracts.load(
                Path.of(System.getProperty("user.dir")).getParent().resolve("conf/feeds"));
        assertEquals(
                List.of("clickstream", "consent", "crm", "destination_responses", "partner", "thirdparty"),
                List.copyOf(contracts.keySet()));
        for (SampleFeed feed : SampleFeed.values()) {
            assertTrue(contracts.containsKey(feed.folder()), feed.folder());
        }
        assertEquals('|', contracts.get("thirdparty").delimiter());
        assertEquals(FeedKind.EVENTS, contracts.get("clickstream").kind());
        assertEquals(Party.SECOND, contracts.get("partner").party());
        FeedContract responses = contracts.get("destination_responses");
        assertTrue(responses.identifiers().get(0).hashed(), "responses send back the hashes we sent");
        assertEquals(
                new EventFields.ConsentChange("email_marketing", "denied"),
                responses.event().consent().get("unsubscribed"));
    }

    @Test
    void hashedIdentifiersAndConsentEventsAreChecked() throws IOException {
        Path file = Files.writeString(
                dir.resolve("responses.yaml"),
                String.join(
                        "\n",
                        "feed: responses",
                        "party: first",
                        "format: csv",
                        "kind: events",
                        "labels: [first_party]",
                        "timestamp: t",
                        "columns:",
                        "  - {name: t, type: timestamp, required: true}",
                        "  - {name: maid, type: string}",
                        "  - {name: event, type: string, required: true}",
                        "identifiers:",
                        "  - {column: maid, type: maid, hashed: true}",
                        "event:",
                        "  type: event",
                        "  consent:",
                        "    unsubscribed: {purpose: Email Marketing, status: denied, why: x}",
                        "    opted_out: {status: denied}",
                        ""));
        String message = assertThrows(ConfigException.class, () -> FeedContracts.load(dir))
                .getMessage();
        assertTrue(message.contains("identifiers[0].hashed: only email and phone are stored hashed"), message);
        assertTrue(
                message.contains(
                        "event.consent.unsubscribed.purpose: expected lower_snake_case, got 'Email Marketing'"),
                message);
        assertTrue(message.contains("event.consent.unsubscribed.why: unknown field"), message);
        assertTrue(message.contains("event.consent.opted_out.purpose: is required"), message);
        assertTrue(message.contains(file.getFileName().toString()), message);
    }

    @Test
    void everyMistakeIsNamedWithFileFieldAndExpectation() throws IOException {
        Path file = Files.writeString(
                dir.resolve("crm.yaml"),
                String.join(
                        "\n",
                        "feed: crm",
                        "party: fourth",
                        "format: csv",
                        "kind: records",
                        "timestamp: updated",
                        "dedupe_key: [email]",
                        "columns:",
                        "  - {name: customer_id, type: string, required: true}",
                        "  - {name: email, type: text}",
                        "  - {name: Email, type: string}",
                        "  - {name: email, type: string}",
                        "  - {name: born, type: date, format: 'yyyy-MM-dd-QQQQQQ-ppp'}",
                        "  - {name: visits, type: int, pii: true}",
                        "  - {name: full_name, type: string, pii: true, prepared: {qgrams: [lower], words: [tokens,"
                                + " initials], sound: []}}",
                        "  - {name: age, type: int, prepared: {tens: [prefix(1)]}}",
                        "identifiers:",
                        "  - {column: customer_id, type: crm_id}",
                        "  - {column: phone, type: phone}",
                        "attributes: {subject: email}",
                        "colums: []",
                        ""));
        ConfigException e = assertThrows(ConfigException.class, () -> FeedContracts.loadFile(file));
        String f = file.toString();
        List<String> p = e.problems();
        List<String> expected = List.of(
                f + ": party: expected one of first, second, third, got 'fourth'",
                f
                        + ": columns[1].type: expected one of string, int, long, double, boolean, date, timestamp, got 'text'",
                f + ": columns[2].name: expected a lower_snake_case column name, got 'Email'",
                f + ": columns[3].name: duplicate column 'email'",
                f
                        + ": columns[4].format: expected iso8601 or a date-time pattern such as yyyy-MM-dd HH:mm:ss, got 'yyyy-MM-dd-QQQQQQ-ppp'",
                f + ": columns[5].pii: only string columns can be personal data here, 'visits' is int",
                f
                        + ": columns[6].prepared.qgrams: expected a suffix of lower-case letters, digits and _ other than qgrams",
                f
                        + ": columns[6].prepared.words: 'initials' cannot follow tokens or codes: the value is already a list",
                f + ": columns[6].prepared.sound: expected the preparation steps, e.g. [lower, fold_accents, tokens]",
                f + ": columns[7].prepared: only string columns are prepared, 'age' is int",
                f
                        + ": identifiers[0].type: expected one of email, phone, maid, cookie, customer_id, partner_id, got 'crm_id'",
                f
                        + ": identifiers[1].column: unknown column 'phone'; expected one of [customer_id, email, born, visits, full_name, age]",
                f
                        + ": timestamp: unknown column 'updated'; expected one of [customer_id, email, born, visits, full_name, age]",
                f + ": dedupe_key: column 'email' must be required: a key with missing parts is no key",
                f + ": default_country: is required when a phone column is an identifier");
        for (String x : expected) {
            assertTrue(p.contains(x), "missing: " + x + "\nin: " + String.join("\n", p));
        }
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + ": attributes: expected either columns")), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith(f + ": colums: unknown field")), p::toString);
    }

    @Test
    void feedIdMustMatchTheFileAndTheFolderMustHoldContracts() throws IOException {
        Path file = Files.writeString(dir.resolve("crm.yaml"), "feed: partner\n");
        ConfigException e = assertThrows(ConfigException.class, () -> FeedContracts.load(dir));
        assertTrue(
                e.problems()
                        .contains(file
                                + ": feed: must be the file's name 'crm' (the landing folder it reads), got 'partner'"),
                e.problems()::toString);
        assertEquals(
                dir.resolve("none") + ": feed contract folder not found",
                assertThrows(ConfigException.class, () -> FeedContracts.load(dir.resolve("none")))
                        .getMessage());
    }
}
