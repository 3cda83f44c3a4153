package io.audiencelake.common.export;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.feeds.IdType;
import io.audiencelake.common.feeds.Normalise;
import io.audiencelake.common.spark.TestLake;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Each platform format's request body against a golden file (test resources export/golden/), from identifiers as
 * the lake stores them; and those stored values are what the platforms' documented normalisation makes of raw
 * input (SHA-256 of the trimmed lower-case email, of E.164 with '+'; Meta's ad ids in lower case).
 */
class PlatformFormatTest {
    static final String JANE = "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d";
    static final String JOHN = "b5fb79bc07fa24049f99f456f8f530af1cb9a13db14c4b02c83be7c1f0ceb968";
    static final String PHONE = "cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928";
    static final String MAID = "6D92078A-8246-4BA4-AE5B-76104861E7DC";

    private static String golden(String name) throws IOException {
        try (InputStream in = PlatformFormatTest.class.getResourceAsStream("/export/golden/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private static void assertBody(PlatformFormat f, String action, IdType type, List<String> ids) throws IOException {
        String name = f.name().toLowerCase(Locale.ROOT) + "-" + action + "-" + type.key();
        assertEquals(
                golden(name),
                new String(f.bodyBytes("cart_abandoners", action, type, ids), StandardCharsets.UTF_8),
                name);
    }

    @Test
    void bodiesMatchTheGoldenFiles() throws IOException {
        assertBody(PlatformFormat.GENERIC, "add", IdType.EMAIL, List.of(JANE, JOHN));
        assertBody(PlatformFormat.META_CUSTOM_AUDIENCES, "add", IdType.EMAIL, List.of(JANE, JOHN));
        assertBody(PlatformFormat.META_CUSTOM_AUDIENCES, "remove", IdType.MAID, List.of(MAID));
        assertBody(PlatformFormat.GOOGLE_CUSTOMER_MATCH, "add", IdType.PHONE, List.of(PHONE));
        assertBody(PlatformFormat.GOOGLE_CUSTOMER_MATCH, "remove", IdType.EMAIL, List.of(JANE, JOHN));
        assertBody(PlatformFormat.GOOGLE_CUSTOMER_MATCH, "add", IdType.MAID, List.of(MAID));
    }

    @Test
    void methodsAndRefusedIdentifiers() {
        assertEquals("DELETE", PlatformFormat.META_CUSTOM_AUDIENCES.method("remove"));
        assertEquals("POST", PlatformFormat.META_CUSTOM_AUDIENCES.method("add"));
        assertEquals("POST", PlatformFormat.GOOGLE_CUSTOMER_MATCH.method("remove"), "a remove operation in the body");
        assertTrue(PlatformFormat.META_CUSTOM_AUDIENCES
                .unsupported(IdType.PHONE)
                .orElseThrow()
                .contains("digits"));
        assertTrue(
                PlatformFormat.GOOGLE_CUSTOMER_MATCH.unsupported(IdType.PHONE).isEmpty());
        assertTrue(
                PlatformFormat.GOOGLE_CUSTOMER_MATCH.unsupported(IdType.COOKIE).isPresent());
        assertTrue(PlatformFormat.GENERIC.unsupported(IdType.PARTNER_ID).isEmpty());
    }

    /** The golden files' identifiers are what ingest stores for raw values as people type them. */
    @Test
    void theLakesNormalisationIsThePlatformsRule() {
        Row r = TestLake.spark()
                .sql("SELECT 1")
                .select(
                        Normalise.stored(IdType.EMAIL, Normalise.email(lit("  Jane.Doe@Example.COM "))),
                        Normalise.stored(IdType.EMAIL, Normalise.email(lit("john@EXAMPLE.org"))),
                        Normalise.stored(IdType.PHONE, Normalise.phone(lit("(415) 555-2671"), lit("US"))),
                        Normalise.stored(IdType.MAID, Normalise.maid(lit(" 6d92078a-8246-4ba4-ae5b-76104861e7dc"))))
                .first();
        assertEquals(
                List.of(JANE, JOHN, PHONE, MAID),
                List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
    }
}
