package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.spark.TestLake;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Personal data in text of unknown shape, and the hostile values that used to overflow the regex stack. */
class PiiTextTest {
    private static List<Row> apply(Function<Column, Column> f, String... values) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(RowFactory.create(i, values[i]));
        }
        StructType schema = new StructType().add("i", DataTypes.IntegerType).add("v", DataTypes.StringType);
        return TestLake.spark()
                .createDataFrame(rows, schema)
                .select(f.apply(col("v")).as("out"))
                .collectAsList();
    }

    private static String one(Function<Column, Column> f, String value) {
        return apply(f, value).get(0).getString(0);
    }

    @Test
    void valuesThatLookLikeEmailsOrPhonesAreTold() {
        List<Row> r = apply(
                PiiText::looksLikePii,
                "ann@example.com",
                " Ann.Lee@Example.co.uk ",
                "07911 123456",
                "+44 (0)7911-123456",
                "gold",
                "12",
                "2025-05-02",
                "a@b",
                "https://x.example/?q=1",
                "415-200-1234",
                "20250502",
                "12.05.2024");
        assertEquals(
                List.of(true, true, true, true, false, false, false, false, false, true, false, false),
                r.stream().map(x -> x.getBoolean(0)).toList());
    }

    @Test
    void personalQueryParametersAreStrippedFromUrls() {
        assertEquals(
                "https://shop.example/signup?email=[pii]&step=2",
                one(PiiText::stripUrl, "https://shop.example/signup?email=ann%40example.com&step=2"));
        assertEquals(
                "https://shop.example/p?ref=[pii]#top",
                one(PiiText::stripUrl, "https://shop.example/p?ref=ann@example.com#top"));
        assertEquals(
                "https://shop.example/p?Phone=[pii]&tel=[pii]",
                one(PiiText::stripUrl, "https://shop.example/p?Phone=07911123456&tel=%2B447911123456"));
        assertEquals(
                "https://shop.example/p?c=shoes&page=2",
                one(PiiText::stripUrl, "https://shop.example/p?c=shoes&page=2"),
                "ordinary parameters stay");
        assertEquals("/shoes/trainers", one(PiiText::stripUrl, "/shoes/trainers"));
    }

    @Test
    void quarantinedTextHasEmailsPhonesAndAddressesMaskedInAnyScript() {
        String masked = one(
                v -> PiiText.mask(v, "GB"),
                "jösé@exämple.de,07911 123456,+33 6 12 34 56 78,203.0.113.7,2001:db8::77,2025-05-02T10:00:00Z,gold");
        assertEquals("[email],[phone],[phone],[ip],[ip],2025-05-02T10:00:00Z,gold", masked);
    }

    @Test
    void hostileValuesFinishWithoutOverflowingTheStack() {
        String labels = "x@" + "a.".repeat(20_000) + "com";
        assertNull(one(Normalise::email, labels), "an address longer than RFC 5321 allows is invalid");
        assertEquals("ann@example.com", one(Normalise::email, " Ann@Example.com "));
        assertNull(one(Normalise::email, "ann@example"), "a top-level domain is required");
        String quoted = "a,\"" + "x".repeat(50_000) + "\"\"y\",b";
        assertFalse(
                apply(v -> FeedParser.wrongShape(v, ',', 3), quoted).get(0).getBoolean(0),
                "a long quoted field parses");
        String masked = one(v -> PiiText.mask(v, "GB"), "q".repeat(200_000) + " z@example.com");
        assertTrue(masked.endsWith(" [email]"), "masking long text is linear and finds the email");
    }

    @Test
    void eachUnknownColumnPolicyDoesWhatItSays() {
        Map<String, Map<String, String>> got = new TreeMap<>();
        for (UnknownColumns policy : UnknownColumns.values()) {
            Row r = apply(
                            v -> PiiText.unknownColumns(
                                    policy,
                                    org.apache.spark.sql.functions.map(
                                            org.apache.spark.sql.functions.lit("Login_Email"),
                                            v,
                                            org.apache.spark.sql.functions.lit("plan"),
                                            org.apache.spark.sql.functions.lit("gold"))),
                            "ann@example.com")
                    .get(0);
            got.put(policy.name(), new TreeMap<>(r.getJavaMap(0)));
        }
        String email = one(PiiText::hashed, "ann@example.com");
        String gold = one(PiiText::hashed, "gold");
        assertTrue(email.matches("[0-9a-f]{64}") && gold.matches("[0-9a-f]{64}"), email + " " + gold);
        assertEquals(Map.of("Login_Email", "ann@example.com", "plan", "gold"), got.get("KEEP"));
        assertEquals(
                Map.of("Login_Email", email, "plan", "gold"),
                got.get("HASH_PII"),
                "only the value that looks like personal data is hashed");
        assertEquals(Map.of("Login_Email", email, "plan", gold), got.get("HASH"));
        assertEquals(Map.of(), got.get("DROP"));
    }
}
