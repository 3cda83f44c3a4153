package io.audiencelake.common.lookalike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.lookalike.LookalikeModel.Feature;
import io.audiencelake.common.lookalike.LookalikeModel.FeatureKind;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.segments.SegmentDefinitions;
import io.audiencelake.common.segments.SegmentDefinitionsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LookalikeModelsLoaderTest {
    static final Path CONF = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
    static final Collection<FeedContract> CONTRACTS =
            FeedContracts.load(CONF.resolve("feeds")).values();
    static final ProfileRules TRAITS = ProfileRulesLoader.load(CONF.resolve("traits.yaml"), CONTRACTS);
    static final SegmentDefinitions SEGMENTS =
            SegmentDefinitionsLoader.load(CONF.resolve("segments.yaml"), TRAITS, CONTRACTS);

    @TempDir
    Path dir;

    private LookalikeModels load(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("lookalike.yaml"), yaml);
        return LookalikeModelsLoader.load(file, TRAITS, SEGMENTS, CONTRACTS);
    }

    private String refused(String model) {
        String yaml = "models:\n  - {id: m, owner: o, seed: shoe_lovers, " + model + "}\n";
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    @Test
    void shippedModelsLoadWithTypedFeaturesAndInheritedLabels() {
        LookalikeModels models =
                LookalikeModelsLoader.load(CONF.resolve("lookalike.yaml"), TRAITS, SEGMENTS, CONTRACTS);
        assertEquals(
                List.of("buyers_lookalike", "shoe_lovers_lookalike"),
                models.models().stream().map(LookalikeModel::id).toList());
        LookalikeModel hv = models.byId("buyers_lookalike").orElseThrow();
        assertEquals(0.05, hv.reachShare());
        assertEquals("consent_ad_targeting", hv.consentColumn());
        assertEquals(Algorithm.LOGISTIC_REGRESSION, hv.algorithm());
        assertEquals(Map.of("reg_param", List.of(0.001, 0.05)), hv.tuning().grid());
        assertTrue(hv.features().contains(new Feature("last_device_type", FeatureKind.CATEGORICAL)));
        assertTrue(hv.features().contains(new Feature("first_seen", FeatureKind.DAYS_BEFORE)));
        assertTrue(hv.features().contains(new Feature("page_views_30d", FeatureKind.NUMERIC)));
        assertTrue(hv.labels().containsAll(SEGMENTS.byId().get("buyers_90d").labels()));
        // features: auto never adds a label the seed (and consent) lack: the lookalike may go wherever the seed may.
        Set<String> seedAndConsent =
                new HashSet<>(SEGMENTS.byId().get("buyers_90d").labels());
        seedAndConsent.addAll(
                SegmentDefinitionsLoader.columnLabels(TRAITS, CONTRACTS).get("consent_ad_targeting"));
        assertEquals(seedAndConsent, hv.labels());
        assertTrue(
                hv.excludedFeatures().get("partner_spend_12m").startsWith("carries data-usage labels ["),
                hv.excludedFeatures().toString());
        assertEquals("buyers_lookalike", hv.segmentId());
        assertEquals(new LookalikeModel.Monitoring(2.0, null), hv.monitoring(), "no retraining unless asked");
        assertEquals(0.0, hv.controlShare(), "no control group unless asked");
        assertEquals(50, models.minSeed());
    }

    @Test
    void everyMistakeIsNamedWithItsField() {
        assertTrue(refused("features: [page_views_30d, nope], reach: 5%")
                .contains("models[0].features[1]: unknown profiles column 'nope'"));
        assertTrue(refused("features: [page_views_30d, shoe_views_30d], reach: 5%")
                .contains("models[0].features[1]: 'shoe_views_30d' is read by the rule of seed segment 'shoe_lovers'"));
        assertTrue(refused("features: [page_views_30d], reach: 30%")
                .contains("models[0].reach: expected a share from 1% to 20%, e.g. 5%, got '30%'"));
        assertTrue(
                refused("features: [page_views_30d]")
                        .contains(
                                "models[0].reach: set either reach (a share of the eligible population, e.g. 5%) or min_score"));
        assertTrue(
                refused("features: [page_views_30d], reach: 5%, min_score: 0.5").contains("set either reach"));
        assertTrue(refused("features: [page_views_30d], reach: 5%, algorithm: random_forest, params: {reg_param: 1}")
                .contains("models[0].params.reg_param: not a parameter of random_forest; expected one of [num_trees, "
                        + "max_depth, subsampling_rate]"));
        String monitoring = refused("features: [page_views_30d], reach: 5%, min_lift: 0.5, retrain_when_psi_above: 0");
        assertTrue(monitoring.contains("models[0].min_lift"), monitoring);
        assertTrue(monitoring.contains("models[0].retrain_when_psi_above"), monitoring);
        assertTrue(refused("features: [page_views_30d], reach: 5%, control_group: 80%")
                .contains("models[0].control_group: expected a share of people in (0%, 50%], e.g. 10%, got '80%'"));
        assertTrue(refused("features: [page_views_30d], reach: 5%, consent: telepathy")
                .contains("models[0].consent: unknown purpose 'telepathy'"));
        assertTrue(refused("features: [page_views_30d], reach: 5%, exclude: [nobody]")
                .contains("models[0].exclude[0]: unknown segment 'nobody'"));
        assertTrue(refused("features: [page_views_30d], reach: 5%, segment: buyers_90d")
                .contains("models[0].segment: 'buyers_90d' is a rule segment of segments.yaml"));
        assertTrue(
                refused("features: [page_views_30d], reach: 5%, algorithm: deep_magic")
                        .contains(
                                "models[0].algorithm: expected one of logistic_regression, gradient_boosted_trees, random_forest"));
        assertTrue(refused("features: [page_views_30d], reach: 5%, tuning: {folds: 3}")
                .contains("models[0].tuning.grid: expected at least one parameter"));
        String unknownSeed = assertThrows(
                        ConfigException.class,
                        () -> load(
                                "models:\n  - {id: m, owner: o, seed: ghosts, features: [page_views_30d], reach: 5%}\n"))
                .getMessage();
        assertTrue(unknownSeed.contains("lookalike.yaml: models[0].seed: unknown segment 'ghosts'"), unknownSeed);
    }

    @Test
    void autoFeaturesLeaveOutTheRuleItsRowsAndTheConsentAndSayWhy() throws IOException {
        LookalikeModel m =
                load("models:\n  - {id: m, owner: o, seed: shoe_lovers, features: auto, reach: 5%, consent: ad_targeting}\n")
                        .models()
                        .get(0);
        assertTrue(m.autoFeatures());
        Map<String, String> out = m.excludedFeatures();
        assertEquals("read by the rule of seed segment shoe_lovers", out.get("shoe_views_30d"));
        assertEquals("read by the rule of seed segment shoe_lovers", out.get("shoe_purchases_30d"));
        // Another measure of the rule's rows (shoe pages): it would relearn the rule.
        assertEquals(
                "counts the same rows as rule column shoe_views_30d (events where {page_category=[shoes]})",
                out.get("days_since_shoe_view"));
        assertTrue(out.get("consent_ad_targeting").startsWith("the model's consent column"), out.toString());
        List<String> used = m.features().stream().map(Feature::column).toList();
        // Taste relative to a person's own activity stays, as do unrelated counts and declared attributes.
        assertTrue(
                used.containsAll(
                        List.of("shoes_view_share_30d", "page_views_30d", "electronics_views_30d", "last_campaign")),
                used.toString());
        assertTrue(used.stream().noneMatch(out::containsKey), used.toString());
        assertEquals(LookalikeModelsLoader.DEFAULT_MAX_CORRELATION, m.maxFeatureCorrelation());
        // RFM scores are cut from purchases_90d (frequency), revenue_90d and the last purchase: for a buyers seed
        // they are the rule again; for shoe lovers they are not.
        Map<String, String> buyers =
                load("models:\n  - {id: b, owner: o, seed: buyers_90d, features: auto, reach: 5%}\n")
                        .models()
                        .get(0)
                        .excludedFeatures();
        assertEquals(
                "derived from purchases_90d, which is read by the rule of seed segment buyers_90d",
                buyers.get("rfm_frequency"));
        assertTrue(buyers.get("rfm_score").startsWith("derived from "), buyers.toString());
        assertTrue(used.contains("rfm_score"), used.toString());

        assertTrue(refused("features: everything, reach: 5%")
                .contains("models[0].features: expected a list of profiles columns (traits) or auto"));
        assertTrue(refused("features: [page_views_30d], reach: 5%, max_feature_correlation: 0.8")
                .contains("models[0].max_feature_correlation: applies to features: auto only"));
        assertTrue(refused("features: auto, reach: 5%, max_feature_correlation: 0.2")
                .contains("models[0].max_feature_correlation"));
    }

    @Test
    void featureLabelsLetAutoFeaturesTakeThirdPartyAffinitiesAndTheLookalikeCarriesTheirLabels() throws IOException {
        String model = "{id: m, owner: o, seed: shoe_lovers, features: auto, reach: 5%, consent: ad_targeting";
        LookalikeModel plain = load("models:\n  - " + model + "}\n").models().get(0);
        assertTrue(
                plain.excludedFeatures()
                        .get("tp_shoes_affinity")
                        .startsWith("carries data-usage labels [inferred, " + "third_party] the seed does not"),
                plain.excludedFeatures().toString());
        assertTrue(!plain.labels().contains("third_party"), plain.labels().toString());

        LookalikeModel widened = load("models:\n  - " + model + ", feature_labels: [third_party, inferred]}\n")
                .models()
                .get(0);
        List<String> used = widened.features().stream().map(Feature::column).toList();
        assertTrue(used.containsAll(List.of("tp_shoes_affinity", "tp_travel_affinity")), used.toString());
        assertTrue(!widened.excludedFeatures().containsKey("tp_shoes_affinity"));
        // The lookalike now carries the labels, so an export refuses it where third-party data may not go.
        assertTrue(
                widened.labels().containsAll(Set.of("third_party", "inferred")),
                widened.labels().toString());
        // The partner's data is second-party: still out, since only third-party labels were accepted.
        assertTrue(widened.excludedFeatures().containsKey("partner_spend_12m"));

        assertTrue(refused("features: auto, reach: 5%, feature_labels: [third_party, gossip]")
                .contains("models[0].feature_labels[1]: unknown data-usage label 'gossip'; expected one of ["));
        assertTrue(refused("features: [page_views_30d], reach: 5%, feature_labels: [third_party]")
                .contains("models[0].feature_labels: applies to features: auto only"));
    }

    @Test
    void transitiveRuleColumnsAreRefusedToo() {
        // churn_risk reads days_since_last_visit itself, and loyalty_since through segment('loyal_members').
        String message = assertThrows(
                        ConfigException.class,
                        () -> load(
                                "models:\n  - {id: m, owner: o, seed: churn_risk, features: [page_views_30d, loyalty_since], reach: 5%}\n"))
                .getMessage();
        assertTrue(message.contains("'loyalty_since' is read by the rule of seed segment 'churn_risk'"), message);
    }
}
