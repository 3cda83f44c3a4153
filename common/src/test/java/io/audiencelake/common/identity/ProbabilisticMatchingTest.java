package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.feeds.FieldPreparation;
import io.audiencelake.common.feeds.QGramEncoding;
import io.audiencelake.common.identity.IdentityRules.BlockingRule;
import io.audiencelake.common.identity.IdentityRules.Comparison;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRules.Source;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ProbabilisticMatchingTest {
    private static final String[] FIRST = {
        "michaela",
        "courtney",
        "charles",
        "olivia",
        "thomas",
        "amelia",
        "jack",
        "isla",
        "oscar",
        "grace",
        "harry",
        "emily",
        "george",
        "sophie",
        "noah",
        "ava"
    };
    private static final String[] LAST = {"neumann", "painter", "green", "white", "clarke", "hughes", "turner", "walsh"
    };

    private static IdentityRules rules(MatchModel model) {
        return new IdentityRules(
                Set.of("email"),
                Map.of("default", 50),
                2,
                0.95,
                "email",
                0.1,
                200,
                1e-7,
                2000,
                100,
                20,
                List.of(model),
                IdentityRules.Expiry.DEFAULTS);
    }

    private static MatchModel model() {
        return new MatchModel(
                "people",
                Source.RECORDS,
                List.of("a", "b"),
                true,
                30,
                0,
                Map.of(),
                List.of(
                        new BlockingRule("postcode", List.of("postcode"), 50),
                        new BlockingRule("year", List.of("year"), 50)),
                List.of(
                        new Comparison("first", "first", ComparisonKind.QGRAMS, 0.6, 0.9, false),
                        new Comparison("last", "last", ComparisonKind.QGRAMS, 0.6, 0.9, false),
                        new Comparison("postcode", "postcode", ComparisonKind.EXACT, 0.75, 0.9, true),
                        new Comparison("year", "year", ComparisonKind.EXACT, 0.75, 0.9, false)));
    }

    /** 48 people in source a; source b has each again, some with a typo or a moved postcode, plus households. */
    private static Dataset<Row> profiles() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            String first = FIRST[i % FIRST.length];
            String last = LAST[(i / 2) % LAST.length];
            String postcode = "PC" + (i / 2); // two people per household: same postcode, same surname
            String year = String.valueOf(1950 + (i * 7) % 45);
            rows.add(row((long) i, "customer_id", "A" + i, "a", first, last, postcode, year));
            String typo = i % 5 == 0 && first.length() > 4 ? first.substring(0, 3) + "x" + first.substring(4) : first;
            String moved = i % 7 == 0 ? "PC" + (100 + i) : postcode;
            rows.add(row((long) (1000 + i), "partner_id", "B" + i, "b", typo, last, moved, year));
        }
        return Frames.of(
                        "node bigint, id_type string, id_value string, source string, first string, last string, "
                                + "postcode string, year string",
                        rows.toArray(Object[][]::new))
                .withColumn("first", QGramEncoding.encode(col("first"), "k"))
                .withColumn("last", QGramEncoding.encode(col("last"), "k"));
    }

    @Test
    void withoutLabelsEmSeparatesPeopleFromTheirHouseholds() {
        ProbabilisticMatching.Result r = ProbabilisticMatching.run(profiles(), model(), rules(model()), null);
        Set<String> links = new TreeSet<>();
        r.edges().collectAsList().forEach(e -> links.add(e.getLong(0) + "-" + e.getLong(1)));
        long right = links.stream()
                .filter(l -> Long.parseLong(l.split("-")[1]) - Long.parseLong(l.split("-")[0]) == 1000)
                .count();
        assertTrue(right >= 45, right + " of 48 people linked: " + links);
        assertEquals(right, links.size(), "no household member linked to another: " + links);
        assertTrue(r.parameters().converged());
        // m started from one EM session per blocking rule (postcode, year), each without the comparison it fixes.
        assertTrue(r.metrics().stream()
                .anyMatch(m -> m.name() == IdMatchMetrics.MetricName.EM_START_SESSIONS && m.value() == 2));
        Row evidence = r.edges().first();
        assertEquals(4, evidence.getList(evidence.fieldIndex(IdEdges.EVIDENCE)).size());
    }

    @Test
    void feedsHoldAtMostTheSmallerFeedsMatchesPerTwoFeeds() {
        // Two lists of 5,000 and 6,000 share at most 5,000 subjects; three feeds of 1, 2, 3: 1 + 1 + 2 pairs.
        assertEquals(5_000, ProbabilisticMatching.matchesHeld(List.of(6_000L, 5_000L)));
        assertEquals(4, ProbabilisticMatching.matchesHeld(List.of(3L, 1L, 2L)));
        assertEquals(0, ProbabilisticMatching.matchesHeld(List.of(7L)), "one feed has no pairs across feeds");
    }

    @Test
    void aRuleFixesOnlyTheComparisonsOfFieldsItRequiresEqualWhole() {
        Map<String, IdentityRules.ProfileField> fields = Map.of(
                "name",
                new IdentityRules.ProfileField(List.of("name"), 0, List.of()),
                "words",
                new IdentityRules.ProfileField(
                        List.of("name"), 0, List.of(new FieldPreparation.Step(FieldPreparation.TOKENS, 0))));
        List<Comparison> comparisons = List.of(
                new Comparison("name", "name", ComparisonKind.JARO_WINKLER, 0.9, 0.9, false),
                new Comparison("words", "words", ComparisonKind.TOKEN_SET, 0.5, 0.9, false));
        BlockingRule equal = new BlockingRule("name", List.of("name"), 50);
        BlockingRule sharedWord = new BlockingRule("words", List.of("words"), 50);
        BlockingRule neighbours = new BlockingRule("near", List.of("name"), 0, 1, 5);
        MatchModel m = new MatchModel(
                "things",
                Source.RECORDS,
                List.of("a", "b"),
                true,
                30,
                0,
                fields,
                List.of(equal, sharedWord, neighbours),
                comparisons);
        assertTrue(Arrays.equals(new boolean[] {true, false}, ProbabilisticMatching.fixedBy(m, equal)));
        // Sharing a word, or sorting near each other, leaves the comparison's level open (Splink issue 2067).
        assertTrue(Arrays.equals(new boolean[] {false, false}, ProbabilisticMatching.fixedBy(m, sharedWord)));
        assertTrue(Arrays.equals(new boolean[] {false, false}, ProbabilisticMatching.fixedBy(m, neighbours)));
    }

    @Test
    void aModelContradictedByTheDeterministicGraphLinksNothing() {
        // Pairs 1-2 and 3-4 accepted; 1 and 2 are already known to have different emails (anchors 7 and 8).
        Dataset<Row> accepted = Frames.of("l_node bigint, r_node bigint", row(1L, 2L), row(3L, 4L));
        Dataset<Row> contradicting = Frames.of(
                "node bigint, component bigint, anchor bigint",
                row(1L, 1L, 7L),
                row(2L, 2L, 8L),
                row(3L, 3L, null),
                row(4L, 3L, null));
        List<IdMatchMetrics.Metric> metrics = new ArrayList<>();
        assertFalse(ProbabilisticMatching.guardPasses(accepted, contradicting, model(), rules(model()), metrics));
        Dataset<Row> agreeing = Frames.of(
                "node bigint, component bigint, anchor bigint",
                row(1L, 1L, 7L),
                row(2L, 2L, null),
                row(3L, 3L, null),
                row(4L, 3L, null));
        assertTrue(ProbabilisticMatching.guardPasses(accepted, agreeing, model(), rules(model()), metrics));
        assertTrue(
                metrics.contains(new IdMatchMetrics.Metric(IdMatchMetrics.MetricName.ACCEPTED_CONFIRMED, "people", 1)),
                metrics.toString());
    }

    private static MatchModel model(IdentityRules.UFrom uFrom) {
        MatchModel m = model();
        return new MatchModel(
                m.id(),
                m.source(),
                m.feeds(),
                m.acrossFeedsOnly(),
                m.lookbackDays(),
                m.continuityDays(),
                m.fields(),
                m.blocking(),
                m.comparisons(),
                uFrom);
    }

    /**
     * Everyone in source a has an email of their own; the first 32 are also joined to their source-b record by it
     * (labelled matches), so their households' b records are known to be someone else (known apart).
     */
    private static Dataset<Row> emails() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            rows.add(row((long) i, (long) i, 5000L + i));
            rows.add(i < 32 ? row(1000L + i, (long) i, 5000L + i) : row(1000L + i, 1000L + i, null));
        }
        return Frames.of("node bigint, component bigint, anchor bigint", rows.toArray(Object[][]::new));
    }

    @Test
    void uFromPairsKnownApartLearnsThatAHouseholdSharesItsPostcodeAndSurname() {
        MatchModel apart = model(IdentityRules.UFrom.KNOWN_APART);
        ProbabilisticMatching.Result r = ProbabilisticMatching.run(profiles(), apart, rules(apart), emails());
        ProbabilisticMatching.Result random = ProbabilisticMatching.run(profiles(), model(), rules(model()), emails());
        int postcode = 2;
        int last = 1;
        // Among random pairs almost nobody shares a postcode or a surname; among candidates known apart (a
        // household's other member) most do, so agreeing on them is weak evidence of one person.
        assertTrue(
                random.parameters().u()[postcode][PairComparisons.EXACT] < 0.1,
                Arrays.toString(random.parameters().u()[postcode]));
        assertTrue(
                r.parameters().u()[postcode][PairComparisons.EXACT] > 0.5,
                Arrays.toString(r.parameters().u()[postcode]));
        assertTrue(r.parameters().u()[last][PairComparisons.EXACT] > 0.5);
        assertTrue(r.parameters().weight(postcode, PairComparisons.EXACT)
                < random.parameters().weight(postcode, PairComparisons.EXACT) - 3);
        assertTrue(r.metrics().stream()
                .anyMatch(m -> m.name() == IdMatchMetrics.MetricName.LABELLED_APART_PAIRS && m.value() >= 20));
        // The people not yet joined are still found, and no household member is linked to another.
        Set<String> links = new TreeSet<>();
        r.edges().collectAsList().forEach(e -> links.add(e.getLong(0) + "-" + e.getLong(1)));
        long right = links.stream()
                .filter(l -> Long.parseLong(l.split("-")[1]) - Long.parseLong(l.split("-")[0]) == 1000)
                .count();
        assertEquals(right, links.size(), "no household member linked to another: " + links);
        long unjoined = links.stream()
                .filter(l -> Long.parseLong(l.split("-")[0]) >= 32)
                .count();
        assertTrue(unjoined >= 13, unjoined + " of the 16 people not joined by email linked: " + links);
    }

    @Test
    void randomPairsDoNotDependOnHowTheProfilesArePartitioned() {
        // The same profiles as one partition and spread over seven: the same u pairs, so the same parameters.
        Dataset<Row> profiles = profiles();
        long[] population = {96, 96 * 95 / 2};
        Set<String> one = pairs(ProbabilisticMatching.randomPairs(profiles.coalesce(1), model(), 400, population));
        Set<String> seven = pairs(ProbabilisticMatching.randomPairs(profiles.repartition(7), model(), 400, population));
        assertEquals(one, seven);
        assertTrue(one.size() > 100 && one.size() < 2000, one.size() + " pairs for a target of 400");
    }

    private static Set<String> pairs(Dataset<Row> pairs) {
        Set<String> out = new TreeSet<>();
        pairs.select("l_node", "r_node").collectAsList().forEach(r -> out.add(r.getLong(0) + "-" + r.getLong(1)));
        return out;
    }

    @Test
    void oneToOneKeepsEachRecordsBestPartnerGreedilyByEvidence() {
        // Left records 1, 2, 3; right 11, 12, 13. 1-11 is the best pair of both; 2 prefers 11 (taken), so its next
        // best, 12, settles in the second round; 3-12 loses to 2-12; 3-13 is left and kept. Ties go to the lower node.
        Dataset<Row> accepted = Frames.of(
                "l_node bigint, r_node bigint, log_odds double",
                row(1L, 11L, 20.0),
                row(2L, 11L, 15.0),
                row(2L, 12L, 10.0),
                row(3L, 12L, 8.0),
                row(3L, 13L, 5.0),
                row(4L, 14L, 7.0),
                row(5L, 14L, 7.0));
        assertEquals(Set.of("1-11", "2-12", "3-13", "4-14"), oneToOne(accepted));
    }

    /** Nodes below 10 are in feed a, below 20 in b, the rest in c. */
    private static Set<String> oneToOne(Dataset<Row> accepted) {
        List<Object[]> sources = new ArrayList<>();
        for (long n = 1; n < 30; n++) {
            sources.add(row(n, n < 10 ? "a" : n < 20 ? "b" : "c"));
        }
        Set<String> kept = new TreeSet<>();
        ProbabilisticMatching.oneToOne(
                        accepted, Frames.of("node bigint, source string", sources.toArray(Object[][]::new)))
                .collectAsList()
                .forEach(r -> kept.add(r.getLong(r.fieldIndex("l_node")) + "-" + r.getLong(r.fieldIndex("r_node"))));
        return kept;
    }

    @Test
    void withSeveralFeedsEachRecordKeepsOnePartnerPerFeed() {
        // One organisation in feeds a (1), b (11) and c (21): all three pairs stay, so its records join. Record 2
        // (feed a) wants 11 too, but 11 already has its partner in feed a.
        Dataset<Row> accepted = Frames.of(
                "l_node bigint, r_node bigint, log_odds double",
                row(1L, 11L, 20.0),
                row(1L, 21L, 15.0),
                row(11L, 21L, 10.0),
                row(2L, 11L, 5.0));
        assertEquals(Set.of("1-11", "1-21", "11-21"), oneToOne(accepted));
    }
}
