package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.audiencelake.common.feeds.QGramEncoding;
import io.audiencelake.common.identity.IdentityRules.Comparison;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRules.Source;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class PairComparisonsTest {
    private static final String PAIRS = "l_node bigint, r_node bigint, l_name string, r_name string, l_dob string, "
            + "r_dob string, l_ips array<string>, r_ips array<string>, l_hours array<double>, r_hours array<double>";

    private static List<Integer> levels(Comparison c, Object[]... rows) {
        MatchModel model =
                new MatchModel("m", Source.RECORDS, List.of("a"), false, 1, 0, Map.of(), List.of(), List.of(c));
        Dataset<Row> pairs = Frames.of(PAIRS, rows);
        if (c.kind() == ComparisonKind.QGRAMS) {
            pairs = pairs.withColumn("l_name", QGramEncoding.encode(functions.col("l_name"), "k"))
                    .withColumn("r_name", QGramEncoding.encode(functions.col("r_name"), "k"));
        }
        return PairComparisons.levels(pairs, model).orderBy("l_node").collectAsList().stream()
                .map(r -> r.<Integer>getAs(PairComparisons.level(c)))
                .toList();
    }

    private static Object[] pair(
            long id,
            String ln,
            String rn,
            String ld,
            String rd,
            List<String> li,
            List<String> ri,
            List<Double> lh,
            List<Double> rh) {
        return row(id, id + 100, ln, rn, ld, rd, li, ri, lh, rh);
    }

    private static Object[] names(long id, String l, String r) {
        return pair(id, l, r, null, null, null, null, null, null);
    }

    @Test
    void exactComparesEquality() {
        assertEquals(
                List.of(2, 0, -1),
                levels(
                        new Comparison("n", "name", ComparisonKind.EXACT, 0.75, 0.9, false),
                        names(1, "ann", "ann"),
                        names(2, "ann", "anne"),
                        names(3, "ann", null)));
    }

    @Test
    void textIsCloseWithinTheEditSimilarity() {
        Comparison c = new Comparison("d", "dob", ComparisonKind.TEXT, 0.75, 0.9, false);
        assertEquals(
                List.of(2, 1, 0),
                levels(
                        c,
                        pair(1, null, null, "19800501", "19800501", null, null, null, null),
                        pair(2, null, null, "19800501", "19800511", null, null, null, null),
                        pair(3, null, null, "19800501", "19751230", null, null, null, null)));
    }

    @Test
    void jaroWinklerForgivesTranspositionsAndSharedBeginningsMoreThanEditSimilarity() {
        // MARTHA / MARHTA: Jaro-Winkler 0.961, edit similarity 0.67; DIXON / DICKSONX: 0.813 and 0.50.
        Comparison jw = new Comparison("n", "name", ComparisonKind.JARO_WINKLER, 0.9, 0.9, false);
        Object[][] pairs = {
            names(1, "martha", "martha"),
            names(2, "martha", "marhta"),
            names(3, "dixon", "dicksonx"),
            names(4, null, "x")
        };
        assertEquals(List.of(2, 1, 0, -1), levels(jw, pairs));
        assertEquals(
                List.of(2, 0, 0, -1),
                levels(new Comparison("n", "name", ComparisonKind.TEXT, 0.9, 0.9, false), pairs),
                "edit similarity calls the transposition far at the same threshold");
        assertEquals(0.9, ComparisonKind.JARO_WINKLER.defaultClose());
        assertEquals(
                "exact, text, jaro_winkler, qgrams or numeric", ComparisonKind.namesOf(ComparisonKind.Shape.VALUE));
    }

    @Test
    void qgramEncodingsAreCloseForTyposAndFarForOtherNames() {
        assertEquals(
                List.of(2, 1, 0),
                levels(
                        new Comparison("n", "name", ComparisonKind.QGRAMS, 0.6, 0.9, false),
                        names(1, "Michaela", "michaela"),
                        names(2, "michaela", "michafla"),
                        names(3, "michaela", "courtney")));
    }

    @Test
    void overlapCountsSharedValues() {
        Comparison c = new Comparison("ip", "ips", ComparisonKind.OVERLAP, 0.75, 0.9, false);
        assertEquals(
                List.of(2, 1, 0, -1),
                levels(
                        c,
                        pair(1, null, null, null, null, List.of("a", "b", "c"), List.of("b", "c"), null, null),
                        pair(2, null, null, null, null, List.of("a", "b"), List.of("b"), null, null),
                        pair(3, null, null, null, null, List.of("a"), List.of("z"), null, null),
                        pair(4, null, null, null, null, List.of(), List.of("z"), null, null)));
    }

    private static Row session(long start, long end) {
        return RowFactory.create(start, end);
    }

    @Test
    void handoffsCountSessionsThatStartWithinMinutesOfTheOthersEndEitherWay() {
        Comparison c = new Comparison("handoffs", "sessions", ComparisonKind.HANDOFF, 0.75, 0.9, false);
        MatchModel model = new MatchModel("m", Source.DEVICES, List.of(), false, 1, 0, Map.of(), List.of(), List.of(c));
        Dataset<Row> pairs = Frames.of(
                "l_node bigint, r_node bigint, l_sessions array<struct<start:bigint,end:bigint>>, "
                        + "r_sessions array<struct<start:bigint,end:bigint>>",
                // the phone's session ends at 100, the laptop's starts at 104; later the laptop hands back
                row(
                        1L,
                        11L,
                        List.of(session(80, 100), session(300, 320)),
                        List.of(session(104, 150), session(295, 298))),
                // one hand-off, at the limit of ten minutes
                row(2L, 12L, List.of(session(80, 100)), List.of(session(110, 150))),
                // eleven minutes later, and an overlap (used at once): no hand-off
                row(3L, 13L, List.of(session(80, 100)), List.of(session(111, 150), session(90, 95))),
                // a device with no sessions in the window says nothing
                row(4L, 14L, List.of(session(80, 100)), List.of()));
        assertEquals(
                List.of(2, 1, 0, -1),
                PairComparisons.levels(pairs, model).orderBy("l_node").collectAsList().stream()
                        .map(r -> r.<Integer>getAs(PairComparisons.level(c)))
                        .toList());
    }

    @Test
    void histogramsCompareByCosine() {
        Comparison c = new Comparison("h", "hours", ComparisonKind.HISTOGRAM, 0.5, 0.9, false);
        assertEquals(
                List.of(2, 1, 0),
                levels(
                        c,
                        pair(1, null, null, null, null, null, null, List.of(1.0, 2.0, 0.0), List.of(2.0, 4.0, 0.0)),
                        pair(2, null, null, null, null, null, null, List.of(1.0, 1.0, 0.0), List.of(1.0, 0.0, 0.0)),
                        pair(3, null, null, null, null, null, null, List.of(1.0, 0.0, 0.0), List.of(0.0, 0.0, 1.0))));
    }

    @Test
    void numbersAreCloseWithinTheRelativeToleranceAndTextIsNoNumber() {
        Comparison c = new Comparison("price", "name", ComparisonKind.NUMERIC, 0.1, 0.9, false);
        assertEquals(
                List.of(2, 1, 0, -1, 2),
                levels(
                        c,
                        names(1, "399", "399.00"),
                        names(2, "$1,000", "950"),
                        names(3, "100", "80"),
                        names(4, "call us", "80"),
                        names(5, "1999", "1999")),
                "5 % apart is close at 10 %, 20 % apart far; text that is no number is missing, never an error");
    }

    private static Object[] words(long id, List<String> l, List<String> r) {
        return pair(id, null, null, null, null, l, r, null, null);
    }

    @Test
    void tokenSetComparesTheSharedWordsOverAllWordsInAnyOrder() {
        Comparison c = new Comparison("w", "ips", ComparisonKind.TOKEN_SET, 0.5, 0.9, false);
        assertEquals(
                List.of(2, 1, 0, -1),
                levels(
                        c,
                        words(1, List.of("john", "smith"), List.of("smith", "john")),
                        words(2, List.of("john", "r", "smith"), List.of("john", "smith", "jr")),
                        words(3, List.of("john", "smith"), List.of("jane", "smith", "doe")),
                        words(4, List.of(), List.of("smith"))));
    }

    @Test
    void tfIdfWeighsRareSharedWordsAboveCommonOnes() {
        // Seven products; "black" and "tv" are common, the model numbers rare.
        Dataset<Row> profiles = Frames.of(
                "node bigint, words array<string>",
                row(1L, List.of("sony", "tv", "black", "kdl40")),
                row(2L, List.of("sony", "kdl40", "bravia")),
                row(3L, List.of("lg", "tv", "black", "42lg60")),
                row(4L, List.of("samsung", "tv", "black", "ln46")),
                row(5L, List.of("toshiba", "tv", "black")),
                row(6L, List.of("sharp", "tv", "black")),
                row(7L, List.of()));
        Comparison tfIdf = new Comparison("w", "words", ComparisonKind.TF_IDF, 0.3, 0.9, false);
        Comparison jaccard = new Comparison("w", "words", ComparisonKind.TOKEN_SET, 0.3, 0.9, false);
        // cosine 0.65 (brand and model number) and 0.03 (only "tv" and "black")
        assertEquals(List.of(1, 0, -1), levelsOver(profiles, tfIdf), "the model number makes 1-2 close; 3-4 far");
        assertEquals(
                List.of(1, 1, -1),
                levelsOver(profiles, jaccard),
                "plain Jaccard calls two different TVs close too (2 of 6 words shared)");
    }

    /** Levels of the pairs 1-2, 3-4 and 5-7 of profiles with a {@code words} list, shares counted over all. */
    private static List<Integer> levelsOver(Dataset<Row> profiles, Comparison c) {
        MatchModel model =
                new MatchModel("m", Source.RECORDS, List.of("a"), false, 1, 0, Map.of(), List.of(), List.of(c));
        Dataset<Row> withShares = PairComparisons.withTermFrequencies(profiles, model);
        Dataset<Row> pairs = CandidatePairs.withProfiles(
                Frames.of("l_node bigint, r_node bigint", row(1L, 2L), row(3L, 4L), row(5L, 7L)), withShares);
        return PairComparisons.levels(pairs, model).orderBy("l_node").collectAsList().stream()
                .map(r -> r.<Integer>getAs(PairComparisons.level(c)))
                .toList();
    }
}
