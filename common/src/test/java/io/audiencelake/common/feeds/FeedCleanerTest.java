package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Every cleaning rule and every quarantine reason, on hand-made lines with known answers. */
class FeedCleanerTest {
    private static final LocalDate DAY = LocalDate.of(2025, 1, 2);
    private static final FeedContract CRM = FeedTestData.contract("crm", FeedTestData.CRM);
    private static final FeedContract WEB = FeedTestData.contract("web", FeedTestData.EVENTS);
    private static final List<String> CRM_HEADER =
            List.of("customer_id", "email", "phone", "first_name", "country", "birth_date", "visits", "updated_at");

    private static Map<Long, Row> crm(String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = String.join(",", CRM_HEADER);
        System.arraycopy(lines, 0, all, 1, lines.length);
        Dataset<Row> parsed = FeedParser.parse(CRM, FeedTestData.lines("f", all), Map.of("f", CRM_HEADER));
        return byLine(FeedCleaner.clean(CRM, parsed, DAY));
    }

    private static Map<Long, Row> web(String... lines) {
        return byLine(FeedCleaner.clean(WEB, FeedParser.parse(WEB, FeedTestData.lines("w", lines), Map.of()), DAY));
    }

    private static Map<Long, Row> byLine(Dataset<Row> cleaned) {
        return cleaned.collectAsList().stream().collect(Collectors.toMap(r -> r.<Long>getAs(FeedLines.LINE), r -> r));
    }

    private static List<String> problems(Row r) {
        return r.getList(r.fieldIndex(FeedCleaner.PROBLEMS));
    }

    private static String sha256(String s) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d);
    }

    @Test
    void identifiersAreNormalisedThenPersonalOnesHashed() throws Exception {
        Map<Long, Row> r = crm(
                " C1 ,  John.Smith@Example.COM ,07911 123456,John,GB,1980-05-01,3,2025-01-01T10:00:00+01:00",
                "C2,a@b.de,0151 12345678,Jörg,DE,,,2025-01-01T10:00:00Z",
                "C3,a@b.fr,+33 6 12 34 56 78,Léa,,,,2025-01-01T10:00:00Z");
        Row one = r.get(2L);
        assertEquals(List.of(), problems(one));
        assertEquals("C1", one.getAs(FeedCleaner.ID_PREFIX + "customer_id"), "opaque ids are trimmed, not hashed");
        assertEquals(sha256("john.smith@example.com"), one.getAs(FeedCleaner.ID_PREFIX + "email"));
        assertEquals(sha256("+447911123456"), one.getAs(FeedCleaner.ID_PREFIX + "phone"));
        assertEquals("email", one.getAs(FeedCleaner.ID_TYPE_PREFIX + "email"));
        assertEquals(
                Timestamp.from(Instant.parse("2025-01-01T09:00:00Z")),
                one.getAs(FeedCleaner.OBSERVED_AT),
                "an offset timestamp lands at its UTC instant");
        assertEquals(Date.valueOf("1980-05-01"), one.getAs("birth_date"));
        assertEquals(3, (int) one.getAs("visits"));
        assertEquals(
                sha256("+4915112345678"),
                r.get(3L).getAs(FeedCleaner.ID_PREFIX + "phone"),
                "the row's country column decides how a national number reads");
        assertEquals(
                sha256("+33612345678"),
                r.get(4L).getAs(FeedCleaner.ID_PREFIX + "phone"),
                "an international number reads the same whatever the row's country");
    }

    @Test
    void eachProblemHasItsOwnReason() {
        Map<Long, Row> r = crm(
                "C1,not-an-email,07911 123456,A,GB,1980-05-01,3,2025-01-01T10:00:00Z",
                "C2,a@b.com,12,A,GB,1980-05-01,3,2025-01-01T10:00:00Z",
                "C3,a@b.com,07911 123456,A,GB,31/02/1980,3,2025-01-01T10:00:00Z",
                "C4,a@b.com,07911 123456,A,GB,1980-05-01,three,2025-01-01T10:00:00Z",
                "C5,a@b.com,07911 123456,A,GB,1980-05-01,3,yesterday",
                ",a@b.com,07911 123456,A,GB,1980-05-01,3,2025-01-01T10:00:00Z",
                "C7,a@b.com,07911 123456,A,GB",
                "C8,bad,12,A,GB,1980-05-01,3,");
        assertEquals(List.of("invalid_email:email"), problems(r.get(2L)));
        assertEquals(List.of("invalid_phone:phone"), problems(r.get(3L)));
        assertEquals(List.of("bad_date:birth_date"), problems(r.get(4L)));
        assertEquals(List.of("bad_type:visits"), problems(r.get(5L)));
        assertEquals(List.of("bad_timestamp:updated_at"), problems(r.get(6L)));
        assertEquals(List.of("missing_required:customer_id"), problems(r.get(7L)));
        assertEquals("malformed", problems(r.get(8L)).get(0));
        assertEquals(
                List.of("missing_required:updated_at", "invalid_email:email", "invalid_phone:phone"),
                problems(r.get(9L)),
                "every problem of a row is named");
    }

    @Test
    void eventsGetMaidsUpperCasedZeroMaidsRefusedIpsPrefixedAndHashed() throws Exception {
        Map<Long, Row> r = web(
                "{\"id\":\"1\",\"ts\":\"2025-01-01T10:00:00.000+02:00\",\"type\":\"view\",\"maid\":\"6d92078a-8246-4ba4-ae5b-76104861e7dc\",\"ip\":\"81.2.69.160\"}",
                "{\"id\":\"2\",\"ts\":\"2025-01-01T10:00:00Z\",\"type\":\"view\",\"maid\":\"00000000-0000-0000-0000-000000000000\"}",
                "{\"id\":\"3\",\"ts\":\"2025-01-01T10:00:00Z\",\"type\":\"view\",\"cookie\":\" abc \",\"ip\":\"999.1.1.1\"}",
                "{\"id\":\"4\",\"ts\":\"2025-01-01T10:00:00Z\",\"type\":\"view\",\"maid\":\"not-a-uuid\",\"revenue\":\"ten\"}");
        Row one = r.get(1L);
        assertEquals(List.of(), problems(one));
        assertEquals("6D92078A-8246-4BA4-AE5B-76104861E7DC", one.getAs(FeedCleaner.ID_PREFIX + "maid"));
        assertEquals("81.2.69.0/24", one.getAs(FeedCleaner.IP_PREFIX));
        assertEquals(sha256("81.2.69.160"), one.getAs(FeedCleaner.IP_HASH));
        assertEquals(Timestamp.from(Instant.parse("2025-01-01T08:00:00Z")), one.getAs(FeedCleaner.OBSERVED_AT));
        assertEquals(List.of("invalid_maid:maid"), problems(r.get(2L)));
        assertEquals(List.of("invalid_ip:ip"), problems(r.get(3L)));
        assertEquals("abc", r.get(3L).getAs(FeedCleaner.ID_PREFIX + "cookie"), "cookies are kept as given, trimmed");
        assertEquals(List.of("bad_type:revenue", "invalid_maid:maid"), problems(r.get(4L)));
    }

    @Test
    void identifierTypeFromAnotherColumnAndUnknownTypes() {
        FeedContract consent = FeedTestData.contract(
                "consent",
                String.join(
                        "\n",
                        "feed: consent",
                        "party: first",
                        "format: csv",
                        "kind: records",
                        "default_country: GB",
                        "columns:",
                        "  - {name: subject_type, type: string, required: true}",
                        "  - {name: subject_value, type: string, required: true, pii: true}",
                        "  - {name: purpose, type: string, required: true}",
                        "  - {name: status, type: string, required: true}",
                        "identifiers: [{column: subject_value, type_column: subject_type}]",
                        "attributes: {subject: subject_value, name_column: purpose, name_prefix: 'consent.', value_column: status}",
                        ""));
        List<String> header = List.of("subject_type", "subject_value", "purpose", "status");
        Dataset<Row> parsed = FeedParser.parse(
                consent,
                FeedTestData.lines(
                        "c",
                        String.join(",", header),
                        "email, A@B.com ,ads,granted",
                        "cookie,ck1,ads,denied",
                        "fax,123,ads,granted",
                        "email,nope,ads,granted"),
                Map.of("c", header));
        Map<Long, Row> r = byLine(FeedCleaner.clean(consent, parsed, DAY));
        assertEquals("email", r.get(2L).getAs(FeedCleaner.ID_TYPE_PREFIX + "subject_value"));
        assertEquals(
                64,
                r.get(2L).<String>getAs(FeedCleaner.ID_PREFIX + "subject_value").length());
        assertEquals("ck1", r.get(3L).getAs(FeedCleaner.ID_PREFIX + "subject_value"));
        assertEquals(List.of("unknown_id_type:subject_type"), problems(r.get(4L)));
        assertEquals(List.of("invalid_email:subject_value"), problems(r.get(5L)));
        assertNull(r.get(4L).getAs(FeedCleaner.ID_PREFIX + "subject_value"));
    }
}
