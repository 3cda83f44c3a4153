package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class FeedOutputsTest {
    private static final LocalDate DAY = LocalDate.of(2025, 1, 2);
    private static final FeedContract CRM = FeedTestData.contract("crm", FeedTestData.CRM);
    private static final FeedContract WEB = FeedTestData.contract("web", FeedTestData.EVENTS);
    private static final List<String> HEADER = List.of(
            "customer_id", "email", "phone", "first_name", "country", "birth_date", "visits", "updated_at", "tier");

    private static Dataset<Row> crm() {
        var lines = FeedTestData.lines(
                "f",
                String.join(",", HEADER),
                "C1,ann@x.com,07911 123456,Ann,GB,1980-05-01,3,2025-01-01T10:00:00Z,gold",
                "C1,ann@x.com,07911 123456,Ann,GB,1980-05-01,3,2025-01-01T10:00:00Z,gold",
                "C2,bob@x.com,,Bob,GB,,,2025-01-01T10:00:00Z,",
                "C3,carl@x,07911 654321,Carl,GB,1980-05-01,3,2025-01-01T10:00:00Z,silver");
        return FeedOutputs.classify(
                CRM, FeedCleaner.clean(CRM, FeedParser.parse(CRM, lines, Map.of("f", HEADER)), DAY));
    }

    @Test
    void ofRecordsWithOneKeyTheLatestIsKeptAndBadRowsQuarantined() {
        List<String> status = crm().orderBy(FeedLines.LINE).collectAsList().stream()
                .map(r -> r.<String>getAs(FeedOutputs.STATUS))
                .toList();
        assertEquals(
                List.of("duplicate", "kept", "kept", "quarantined"),
                status,
                "records keep the latest; at equal times the later line");
        var lines = FeedTestData.lines(
                "f",
                String.join(",", HEADER),
                "C1,new@x.com,,Ann,GB,,,2025-01-02T10:00:00Z,",
                "C1,old@x.com,,Ann,GB,,,2025-01-01T10:00:00Z,");
        List<Row> rows = FeedOutputs.classify(
                        CRM, FeedCleaner.clean(CRM, FeedParser.parse(CRM, lines, Map.of("f", HEADER)), DAY))
                .orderBy(FeedLines.LINE)
                .collectAsList();
        assertEquals(
                List.of("kept", "duplicate"),
                rows.stream().map(r -> r.<String>getAs(FeedOutputs.STATUS)).toList(),
                "the later update wins though it comes first");
    }

    @Test
    void identifiersOfEachKeptRowOneRowEach() {
        List<Row> ids = FeedOutputs.identifiers(CRM, crm(), DAY)
                .orderBy(RawTables.LINE_NUMBER, RawIdentifiers.ID_TYPE)
                .collectAsList();
        assertEquals(
                List.of("3:customer_id:false", "3:email:true", "3:phone:true", "4:customer_id:false", "4:email:true"),
                ids.stream()
                        .map(r -> r.getAs(RawTables.LINE_NUMBER) + ":" + r.getAs(RawIdentifiers.ID_TYPE) + ":"
                                + r.getAs(RawIdentifiers.HASHED))
                        .toList());
        assertEquals(
                ids.get(0).<String>getAs(RawTables.RECORD_ID),
                ids.get(2).getAs(RawTables.RECORD_ID),
                "identifiers seen together share their record id");
        assertEquals(
                List.of(RawIdentifiers.SPEC.schema().fieldNames()),
                List.of(FeedOutputs.identifiers(CRM, crm(), DAY).columns()));
    }

    @Test
    void attributesOfTheSubjectWithPersonalDataHashed() {
        Dataset<Row> attrs = FeedOutputs.attributes(CRM, crm(), DAY, "test-key");
        assertEquals(List.of(RawAttributes.SPEC.schema().fieldNames()), List.of(attrs.columns()));
        List<Row> c1 =
                attrs.where("subject_id = 'C1'").orderBy(RawAttributes.NAME).collectAsList();
        assertEquals(
                List.of("birth_date=1980-05-01", "country=GB", "tier=gold", "visits=3"),
                c1.stream()
                        .filter(r -> !r.<String>getAs(RawAttributes.NAME).equals("first_name"))
                        .map(r -> r.getAs(RawAttributes.NAME) + "=" + r.getAs(RawAttributes.VALUE))
                        .toList());
        String name = c1.stream()
                .filter(r -> r.getAs(RawAttributes.NAME).equals("first_name"))
                .findFirst()
                .orElseThrow()
                .getAs(RawAttributes.VALUE);
        assertEquals(64, name.length(), "a personal-data attribute is stored as its SHA-256");
        assertEquals(2, attrs.where("subject_id = 'C2'").count(), "absent values are not attributes");
        // "tier" is not in the contract: schema drift is kept as an attribute, not lost.
    }

    @Test
    void preparedAttributesOfPersonalDataAreKeyedCodesOfEachWordNeverTheWords() {
        FeedContract people = FeedTestData.contract(
                "crm",
                FeedTestData.CRM
                        .replace(
                                "  - {name: first_name, type: string, pii: true}",
                                "  - {name: first_name, type: string, pii: true, prepared: {words: [lower, fold_accents,"
                                        + " strip_punctuation, tokens], sound: [phonetic], initials: [lower, initials]}}")
                        .replace(
                                "  - {name: country, type: string}",
                                "  - {name: country, type: string, prepared: {words: [lower, tokens]}}"));
        var lines = FeedTestData.lines(
                "f",
                String.join(",", HEADER),
                "C1,ann@x.com,,Zoë-Anne Smith,GB,,,2025-01-01T10:00:00Z,",
                "C2,bob@x.com,,SMITH zoeanne,GB https://shop.example/?email=zoe@x.com,,,2025-01-01T10:00:00Z,");
        Dataset<Row> classified = FeedOutputs.classify(
                people, FeedCleaner.clean(people, FeedParser.parse(people, lines, Map.of("f", HEADER)), DAY));
        Map<String, String> c1 = new TreeMap<>();
        Map<String, String> c2 = new TreeMap<>();
        for (Row r : FeedOutputs.attributes(people, classified, DAY, "test-key").collectAsList()) {
            (r.getAs(RawAttributes.SUBJECT_ID).equals("C1") ? c1 : c2)
                    .put(r.getAs(RawAttributes.NAME), r.getAs(RawAttributes.VALUE));
        }
        assertEquals(
                c1.get("first_name.words"),
                c2.get("first_name.words"),
                "the same words in another case, order and spelling of the hyphen and accent");
        assertEquals(2, c1.get("first_name.words").split(" ").length, "one keyed code per word");
        assertTrue(List.of(c1.get("first_name.words").split(" ")).contains(KeyedTokens.encode("smith", "test-key")));
        assertTrue(c1.get("first_name.initials").matches("[0-9a-f]{16}"), c1.toString());
        assertFalse(c1.get("first_name.initials").equals(c2.get("first_name.initials")), "zs and sz differ");
        String words = c2.get("country.words");
        assertTrue(words.startsWith("gb "), "clear text is prepared in clear: " + words);
        assertFalse(
                words.contains("zoe@x.com"), "but from what the lake keeps of it (the URL's email stripped): " + words);
        for (String v : c1.values()) {
            assertFalse(v.toLowerCase(Locale.ROOT).contains("smith") || v.contains("zo"), v);
        }
    }

    @Test
    void eventsCarryTheirDeviceParsedAgentAndOtherColumnsIncludingUnknownOnes() {
        var lines = FeedTestData.lines(
                "w",
                "{\"id\":\"1\",\"ts\":\"2025-01-01T10:00:00Z\",\"type\":\"purchase\",\"cookie\":\"ck\",\"revenue\":9.5,"
                        + "\"page\":\"/shoes\",\"email\":\"A@B.com\",\"ua\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                        + "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\",\"ip\":\"1.2.3.4\",\"experiment\":\"b\"}");
        Dataset<Row> classified =
                FeedOutputs.classify(WEB, FeedCleaner.clean(WEB, FeedParser.parse(WEB, lines, Map.of()), DAY));
        Dataset<Row> uas = UserAgentParser.parse(classified.select("ua"));
        Row e = FeedOutputs.events(WEB, classified, uas, DAY).first();
        assertEquals(
                List.of(RawEvents.SPEC.schema().fieldNames()),
                List.of(e.schema().fieldNames()));
        assertEquals("cookie", e.getAs(RawEvents.DEVICE_ID_TYPE));
        assertEquals("ck", e.getAs(RawEvents.DEVICE_ID));
        assertEquals("desktop", e.getAs(RawEvents.DEVICE_TYPE));
        assertEquals("1.2.3.0/24", e.getAs(RawEvents.IP_PREFIX));
        assertEquals(9.5, e.<Double>getAs(RawEvents.REVENUE));
        Map<String, String> attributes =
                CollectionConverters.asJava(e.<scala.collection.Map<String, String>>getAs(RawEvents.ATTRIBUTES));
        assertEquals(
                Map.of("id", "1", "page", "/shoes", "experiment", "b"),
                attributes,
                "other columns and unknown ones; never the email, the UA or the IP");
    }

    @Test
    void aLineThatDidNotParseHasEmailsAndPhonesMaskedByPattern() {
        var lines = FeedTestData.lines(
                "w",
                "{\"id\":\"9\",\"ts\":\"2025-01-01T10:00:00Z\",\"email\":\"Eve.X@Mail.com\",\"note\":\"call 0044 7911 222333\"");
        Dataset<Row> classified =
                FeedOutputs.classify(WEB, FeedCleaner.clean(WEB, FeedParser.parse(WEB, lines, Map.of()), DAY));
        Row q = FeedOutputs.quarantine(WEB, classified, DAY).first();
        assertEquals("malformed", q.getAs(Quarantine.REASON));
        String raw = q.getAs(Quarantine.RAW);
        assertEquals(
                "{\"id\":\"9\",\"ts\":\"2025-01-01T10:00:00Z\",\"email\":\"[email]\",\"note\":\"call [phone]\"", raw);
    }

    @Test
    void quarantineKeepsTheLineWithPersonalDataMasked() {
        Row q = FeedOutputs.quarantine(CRM, crm(), DAY).first();
        assertEquals("invalid_email:email", q.getAs(Quarantine.REASON));
        String raw = q.getAs(Quarantine.RAW);
        assertFalse(raw.contains("carl@x"), raw);
        assertFalse(raw.contains("07911 654321"), raw);
        assertFalse(raw.contains("Carl"), raw);
        assertTrue(raw.startsWith("C3,"), raw);
        assertTrue(raw.endsWith(",silver"), raw);
    }
}
