package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.audiencelake.common.identity.IdentityRules.BlockingRule;
import io.audiencelake.common.identity.IdentityRules.Comparison;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRules.Source;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CandidatePairsTest {
    private static final String PROFILES = "node bigint, id_type string, id_value string, source string, "
            + "postcode string, surname string, ips array<string>";

    private static MatchModel model(boolean acrossFeeds, BlockingRule... rules) {
        return new MatchModel(
                "m",
                Source.RECORDS,
                List.of("crm", "partner"),
                acrossFeeds,
                30,
                0,
                Map.of(),
                List.of(rules),
                List.of(new Comparison("postcode", "postcode", ComparisonKind.EXACT, 0.75, 0.9, false)));
    }

    private static Dataset<Row> profiles() {
        return Frames.of(
                PROFILES,
                row(1L, "customer_id", "C1", "crm", "A1", "smith", List.of("ip1", "ip2")),
                row(2L, "partner_id", "P2", "partner", "A1", "smith", List.of("ip2")),
                row(3L, "customer_id", "C3", "crm", "A1", "jones", List.of()),
                row(4L, "partner_id", "P4", "partner", "B2", "jones", List.of("ip9")),
                row(5L, "partner_id", "P5", "partner", null, "brown", List.of("ip1")),
                // A hot postcode: six profiles, over the cap of 5.
                row(10L, "customer_id", "C10", "crm", "HOT", "a", null),
                row(11L, "customer_id", "C11", "crm", "HOT", "b", null),
                row(12L, "customer_id", "C12", "crm", "HOT", "c", null),
                row(13L, "partner_id", "P13", "partner", "HOT", "d", null),
                row(14L, "partner_id", "P14", "partner", "HOT", "e", null),
                row(15L, "partner_id", "P15", "partner", "HOT", "f", null));
    }

    private static Set<String> pairs(Dataset<Row> pairs) {
        Set<String> out = new TreeSet<>();
        pairs.collectAsList().forEach(r -> out.add(r.getLong(0) + "-" + r.getLong(1)));
        return out;
    }

    @Test
    void pairsComeOnlyFromBlocksWithinTheCapNeverAllAgainstAll() {
        BlockingRule postcode = new BlockingRule("postcode", List.of("postcode"), 5);
        Dataset<Row> pairs = CandidatePairs.ofRule(profiles(), model(false, postcode), postcode);
        assertEquals(
                Set.of("1-2", "1-3", "2-3"), pairs(pairs), "the hot postcode is skipped, the null one never pairs");
        BlockingRule wide = new BlockingRule("postcode", List.of("postcode"), 6);
        assertEquals(
                3 + 15,
                CandidatePairs.ofRule(profiles(), model(false, wide), wide).count(),
                "6 choose 2 more");
    }

    @Test
    void linkageOnlyPairsProfilesOfDifferentFeeds() {
        BlockingRule postcode = new BlockingRule("postcode", List.of("postcode"), 5);
        assertEquals(Set.of("1-2", "2-3"), pairs(CandidatePairs.ofRule(profiles(), model(true, postcode), postcode)));
    }

    @Test
    void listFieldsBlockOnAnySharedValueAndRulesCombine() {
        BlockingRule ips = new BlockingRule("ip", List.of("ips"), 5);
        BlockingRule surname = new BlockingRule("surname", List.of("surname", "postcode"), 5);
        MatchModel m = model(false, ips, surname);
        Dataset<Row> union = CandidatePairs.union(
                List.of(CandidatePairs.ofRule(profiles(), m, ips), CandidatePairs.ofRule(profiles(), m, surname)));
        Map<String, List<String>> rules = new TreeMap<>();
        union.collectAsList().forEach(r -> rules.put(r.getLong(0) + "-" + r.getLong(1), r.getList(2)));
        assertEquals(Map.of("1-2", List.of("ip", "surname"), "1-5", List.of("ip")), rules);
    }

    /** One rare word shared by 1 and 2; one common word shared by 1, 3, 4 and 5 (all in one feed: all pairs). */
    private static Dataset<Row> rareAndCommon() {
        return Frames.of(
                "node bigint, id_type string, id_value string, source string, ips array<string>",
                row(1L, "customer_id", "C1", "crm", List.of("wasa2", "the")),
                row(2L, "partner_id", "P2", "partner", List.of("wasa2")),
                row(3L, "partner_id", "P3", "partner", List.of("the")),
                row(4L, "partner_id", "P4", "partner", List.of("the")),
                row(5L, "partner_id", "P5", "partner", List.of("the")));
    }

    private static Set<String> weighed(MetaBlocking.Weighting w, MetaBlocking.Pruning p, Dataset<Row> touched) {
        BlockingRule rule = new BlockingRule("words", List.of("ips"), 10, 1, 0, new MetaBlocking.Settings(w, p));
        MatchModel m = model(false, rule);
        Dataset<Row> keyed = CandidatePairs.keyed(rareAndCommon(), rule);
        return pairs(CandidatePairs.ofBlocks(keyed, CandidatePairs.blocks(keyed), m, rule, touched));
    }

    @Test
    void weightedMetaBlockingKeepsWhatSharedBlocksSayAndPrunesTheRest() {
        Set<String> all = Set.of("1-2", "1-3", "1-4", "1-5", "3-4", "3-5", "4-5");
        // Counting shared blocks, every pair shares one: the mean keeps them all.
        assertEquals(all, weighed(MetaBlocking.Weighting.CBS, MetaBlocking.Pruning.WEP, null));
        // ARCS: the rare word's block holds 1 comparison (weight 1), the common word's 6 (1/6 each); mean 2/7.
        assertEquals(Set.of("1-2"), weighed(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.WEP, null));
        // Each profile keeps its best edge (k = 6 memberships / 5 profiles - 1, at least 1); ties go to the lower
        // node. CNP keeps an edge either end keeps; reciprocal only one both ends keep.
        assertEquals(
                Set.of("1-2", "1-3", "1-4", "1-5"),
                weighed(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.CNP, null));
        assertEquals(Set.of("1-2"), weighed(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.RECIPROCAL_CNP, null));
        // Node 1's mean edge (3/8) is above 1-3, 1-4 and 1-5; the others' means are their common-word edges.
        assertEquals(all, weighed(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.WNP, null));
        assertEquals(
                Set.of("1-2", "3-4", "3-5", "4-5"),
                weighed(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.RECIPROCAL_WNP, null));
    }

    @Test
    void aDailyRunKeepsTheWeighedPairsARebuildWouldForItsTouchedProfiles() {
        Dataset<Row> two = Frames.of("node bigint", row(2L));
        Dataset<Row> three = Frames.of("node bigint", row(3L));
        assertEquals(Set.of("1-2"), weighed(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.WEP, two));
        // 3's pairs are pruned over the whole rule, not kept because 3's blocks alone look uniform.
        assertEquals(Set.of(), weighed(MetaBlocking.Weighting.ARCS, MetaBlocking.Pruning.WEP, three));
    }

    /** Weights of the rare-and-common pairs under a weighting (node pruning keeps every one of them here). */
    private static Map<String, Double> weights(MetaBlocking.Weighting weighting) {
        MetaBlocking.Settings settings = new MetaBlocking.Settings(weighting, MetaBlocking.Pruning.WNP);
        Dataset<Row> keyed =
                CandidatePairs.keyed(rareAndCommon(), new BlockingRule("words", List.of("ips"), 10, 1, 0, settings));
        Dataset<Row> pairs = keyed.select(col(CandidatePairs.KEY), col("node").as("l_node"))
                .join(keyed.select(col(CandidatePairs.KEY), col("node").as("r_node")), CandidatePairs.KEY)
                .where("l_node < r_node");
        Map<String, Double> weights = new TreeMap<>();
        MetaBlocking.prune(keyed, pairs, false, 1, settings)
                .collectAsList()
                .forEach(r -> weights.put(r.getLong(0) + "-" + r.getLong(1), r.getDouble(2)));
        return weights;
    }

    @Test
    void jaccardAndEnhancedWeightsFollowTheProfilesBlockCounts() {
        // 1 sits in both blocks, the others in one: 1-2 shares 1 of 2 blocks, 3-4 shares 1 of 1.
        Map<String, Double> js = weights(MetaBlocking.Weighting.JS);
        assertEquals(0.5, js.get("1-2"), 1e-9);
        assertEquals(1.0, js.get("3-4"), 1e-9);
        // ECBS discounts a profile in every block to nothing: log(2 blocks / 2) = 0; 3-4 weighs log(2)^2.
        Map<String, Double> ecbs = weights(MetaBlocking.Weighting.ECBS);
        assertEquals(0.0, ecbs.get("1-2"), 1e-9);
        assertEquals(Math.log(2) * Math.log(2), ecbs.get("3-4"), 1e-9);
    }

    @Test
    void metaBlockingKeepsOnlyPairsSharingEnoughBlocks() {
        BlockingRule once = new BlockingRule("ip", List.of("ips"), 5);
        BlockingRule twice = new BlockingRule("ip", List.of("ips"), 5, 2, 0);
        Dataset<Row> words = Frames.of(
                "node bigint, id_type string, id_value string, source string, ips array<string>",
                row(1L, "customer_id", "C1", "crm", List.of("wasa2", "workflow", "system")),
                row(2L, "partner_id", "P2", "partner", List.of("wasa2", "workflow", "management")),
                row(3L, "partner_id", "P3", "partner", List.of("workflow", "mining")));
        assertEquals(Set.of("1-2", "1-3", "2-3"), pairs(CandidatePairs.ofRule(words, model(false, once), once)));
        assertEquals(
                Set.of("1-2"),
                pairs(CandidatePairs.ofRule(words, model(false, twice), twice)),
                "1-3 and 2-3 share only 'workflow'");
    }

    @Test
    void sortedNeighbourhoodPairsKeysThatSortSideBySideWithinTheWindow() {
        BlockingRule neighbours = new BlockingRule("surname", List.of("surname"), 100, 1, 2);
        Dataset<Row> names = Frames.of(
                "node bigint, id_type string, id_value string, source string, surname string",
                row(1L, "customer_id", "C1", "crm", "smith"),
                row(2L, "partner_id", "P2", "partner", "smithe"),
                row(3L, "partner_id", "P3", "partner", "smyth"),
                row(4L, "customer_id", "C4", "crm", "jones"),
                row(5L, "partner_id", "P5", "partner", "jonas"),
                row(6L, "partner_id", "P6", "partner", null));
        // sorted: jonas 5, jones 4, smith 1, smithe 2, smyth 3; the missing surname takes no place
        assertEquals(
                Set.of("4-5", "1-4", "1-2", "2-3"),
                pairs(CandidatePairs.ofNeighbourhood(names, model(false, neighbours), neighbours, null)));
        assertEquals(
                Set.of("4-5", "1-2"),
                pairs(CandidatePairs.ofNeighbourhood(names, model(true, neighbours), neighbours, null)),
                "linkage: jones and smith are both CRM records, smithe and smyth both partner ones");
        BlockingRule wider = new BlockingRule("surname", List.of("surname"), 100, 1, 3);
        assertEquals(
                7,
                CandidatePairs.ofNeighbourhood(names, model(false, wider), wider, null)
                        .count(),
                "each with the next two: 4 + 3");
        assertEquals(
                Set.of("1-2", "2-3"),
                pairs(CandidatePairs.ofNeighbourhood(
                        names, model(false, neighbours), neighbours, Frames.of("node bigint", row(2L)))),
                "a daily run pairs only what touches a changed profile");
    }
}
