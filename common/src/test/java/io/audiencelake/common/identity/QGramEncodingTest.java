package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.feeds.QGramEncoding;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class QGramEncodingTest {
    private static Row encoded(String key, String a, String b) {
        return Frames.of("a string, b string", row(a, b))
                .select(
                        QGramEncoding.encode(col("a"), key).as("ea"),
                        QGramEncoding.encode(col("b"), key).as("eb"))
                .select(
                        col("ea"),
                        col("eb"),
                        QGramEncoding.dice(col("ea"), col("eb")).as("dice"))
                .first();
    }

    @Test
    void spellingsStayCloseWithoutTheClearText() {
        Row typo = encoded("k1", "Michaela", "michafla");
        Row other = encoded("k1", "michaela", "courtney");
        assertTrue(typo.getDouble(2) >= 0.6, "typo dice " + typo.getDouble(2));
        assertTrue(other.getDouble(2) < 0.2, "other dice " + other.getDouble(2));
        assertFalse(typo.getString(0).toLowerCase(Locale.ROOT).contains("mi"), typo.getString(0));
        assertTrue(typo.getString(0).matches("[0-9a-f]{4}( [0-9a-f]{4})*"), typo.getString(0));
    }

    @Test
    void theKeyChangesEveryCodeAndBlankHasNone() {
        assertNotEquals(
                encoded("k1", "ann", "x").getString(0),
                encoded("k2", "ann", "x").getString(0));
        assertNull(encoded("k1", " - ", "x").get(0));
    }

    @Test
    void theKeyIsInNoPlanAndEncodingsMatchThoseOfEarlierVersions() {
        var frame = Frames.of("a string", row("Jöse-Marie O'Neil 2"));
        var encoded = frame.select(
                QGramEncoding.encode(col("a"), "secret-linkage-key").as("e"));
        String plan = encoded.queryExecution().toString();
        assertFalse(plan.contains("secret-linkage-key"), plan);
        // The Spark-expression form of earlier versions: lakes written by them must stay comparable.
        Column letters = org.apache.spark.sql.functions.regexp_replace(
                org.apache.spark.sql.functions.lower(col("a")), "[^\\p{L}\\p{N}]", "");
        Column padded = org.apache.spark.sql.functions.concat(
                org.apache.spark.sql.functions.lit("_"), letters, org.apache.spark.sql.functions.lit("_"));
        Column grams = org.apache.spark.sql.functions.transform(
                org.apache.spark.sql.functions.sequence(
                        org.apache.spark.sql.functions.lit(1),
                        org.apache.spark.sql.functions.length(padded).minus(1)),
                i -> padded.substr(i, org.apache.spark.sql.functions.lit(2)));
        Column codes = org.apache.spark.sql.functions.transform(
                grams,
                g -> org.apache
                        .spark
                        .sql
                        .functions
                        .sha2(
                                org.apache.spark.sql.functions.concat(
                                        org.apache.spark.sql.functions.lit("secret-linkage-key|"), g),
                                256)
                        .substr(1, 4));
        String earlier = frame.select(org.apache.spark.sql.functions.concat_ws(
                        " ",
                        org.apache.spark.sql.functions.array_sort(
                                org.apache.spark.sql.functions.array_distinct(codes))))
                .first()
                .getString(0);
        Assertions.assertEquals(earlier, encoded.first().getString(0));
    }
}
