package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.feeds.FieldPreparation.Step;
import io.audiencelake.common.spark.TestLake;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.collection.Seq;

class FieldPreparationTest {
    private static Step step(FieldPreparation kind) {
        return new Step(kind, 0);
    }

    /** The values after the steps, in input order (lists as Java lists, missing as null). */
    private static List<Object> prepared(List<Step> steps, String... values) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(RowFactory.create((long) i, values[i]));
        }
        List<Object> out = new ArrayList<>();
        for (Row r : TestLake.spark()
                .createDataFrame(rows, StructType.fromDDL("i bigint, v string"))
                .select(functions.col("i"), FieldPreparation.prepare(functions.col("v"), steps))
                .orderBy("i")
                .collectAsList()) {
            out.add(r.isNullAt(1) ? null : r.get(1) instanceof Seq<?> ? r.getList(1) : r.get(1));
        }
        return out;
    }

    @Test
    void valueStepsFoldCaseAccentsAndPunctuationTheWayNamesAndModelNumbersDiffer() {
        List<Step> clean = List.of(
                step(FieldPreparation.LOWER),
                step(FieldPreparation.FOLD_ACCENTS),
                step(FieldPreparation.STRIP_PUNCTUATION));
        assertEquals(
                Arrays.asList("jose muller", "obrien smith j", "sony davhdx576wf", "mb769ga", null, null),
                prepared(clean, "José MÜLLER", "O'Brien, Smith  J.", "Sony - DAV-HDX576WF", "MB769G/A", "--", null),
                "punctuation inside a word joins it, elsewhere it is a space; nothing left is missing");
    }

    @Test
    void digitsPrefixAndYearKeepThePartThatIdentifies() {
        assertEquals(
                Arrays.asList("442079460018", null),
                prepared(List.of(step(FieldPreparation.DIGITS)), "+44 (20) 7946-0018", "n/a"));
        assertEquals(
                Arrays.asList("smi", "al"), prepared(List.of(new Step(FieldPreparation.PREFIX, 3)), "smithson", "al"));
        assertEquals(
                Arrays.asList("1999", "2003", null, null),
                prepared(List.of(step(FieldPreparation.YEAR)), "12/03/1999", "VLDB 2003, Berlin", "12345", "n.d."),
                "a five-digit number holds no year");
    }

    @Test
    void phoneticCodesSpellingsThatSoundAlike() {
        List<Object> codes = prepared(
                List.of(step(FieldPreparation.PHONETIC)), "Smith", "Smyth", "Schmidt", "Jones", "Catherine", "Kathryn");
        assertEquals(codes.get(0), codes.get(1));
        assertEquals(codes.get(4), codes.get(5));
        assertFalse(codes.get(0).equals(codes.get(3)), "Smith and Jones differ");
    }

    @Test
    void tokensMakeAListAndLaterValueStepsApplyToEachWord() {
        List<Step> words = List.of(
                step(FieldPreparation.LOWER), step(FieldPreparation.STRIP_PUNCTUATION), step(FieldPreparation.TOKENS));
        assertEquals(
                Arrays.asList(List.of("the", "wasa2", "system"), null),
                prepared(words, "The WASA2 system, the system", " - "),
                "distinct words; no word is missing");
        List<Step> sounds = List.of(step(FieldPreparation.TOKENS), step(FieldPreparation.PHONETIC));
        assertEquals(prepared(sounds, "Smyth John"), prepared(sounds, "Smith Jon"));
        assertTrue(FieldPreparation.makesList(words));
        assertFalse(FieldPreparation.makesList(List.of(step(FieldPreparation.SORTED_TOKENS))));
    }

    @Test
    void codesKeepTheWordsWithADigitThatIdentifyAProduct() {
        List<Step> codes = List.of(
                step(FieldPreparation.LOWER), step(FieldPreparation.STRIP_PUNCTUATION), step(FieldPreparation.CODES));
        assertEquals(
                Arrays.asList(List.of("kdl40v4100"), List.of("davhdx576wf", "1080p"), null),
                prepared(codes, "Sony Bravia KDL-40V4100 40' LCD", "DAV-HDX576WF 5.1 1080p", "Black Flat Panel HDTV"),
                "short numbers (40, 51) are sizes, not codes; no code is missing");
        assertTrue(FieldPreparation.makesList(codes));
    }

    @Test
    void sortedTokensAndInitialsMakeOneValueOfTheWords() {
        List<Step> sorted = List.of(step(FieldPreparation.LOWER), step(FieldPreparation.SORTED_TOKENS));
        assertEquals(prepared(sorted, "Smith John"), prepared(sorted, "john  SMITH"));
        assertEquals(
                List.of("jrrt"),
                prepared(
                        List.of(step(FieldPreparation.LOWER), step(FieldPreparation.INITIALS)),
                        "John Ronald Reuel Tolkien"));
    }

    @Test
    void aListStepCannotFollowAList() {
        assertFalse(FieldPreparation.fitsAfter(FieldPreparation.TOKENS, true));
        assertFalse(FieldPreparation.fitsAfter(FieldPreparation.INITIALS, true));
        assertTrue(FieldPreparation.fitsAfter(FieldPreparation.PHONETIC, true));
        assertEquals("prefix(3)", new Step(FieldPreparation.PREFIX, 3).toString());
    }
}
