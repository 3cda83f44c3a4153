package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.lookalike.FeatureDrift.Bin;
import io.audiencelake.common.lookalike.LookalikeModel.Feature;
import io.audiencelake.common.lookalike.LookalikeModel.FeatureKind;
import io.audiencelake.common.spark.TestLake;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Population stability index of model features between a training date and a scoring date. */
class FeatureDriftTest {
    private static final LocalDate DATE = LocalDate.of(2025, 6, 1);
    private static final Feature VIEWS = new Feature("page_views_30d", FeatureKind.NUMERIC);
    private static final Feature SHARE = new Feature("shoes_view_share_30d", FeatureKind.NUMERIC);
    private static final Feature DEVICE = new Feature("last_device_type", FeatureKind.CATEGORICAL);
    private static final List<Feature> FEATURES = List.of(VIEWS, SHARE, DEVICE);

    /**
     * 2,000 people: page views 0..99 times {@code viewsFactor}; the shoe share missing for every {@code missingEvery}th
     * person; the device mobile or desktop, or tablet for every {@code tabletEvery}th.
     */
    private static Dataset<Row> prepared(double viewsFactor, int missingEvery, int tabletEvery) {
        Column id = col("id");
        Dataset<Row> profiles = TestLake.spark()
                .range(0, 2000)
                .select(
                        id.mod(100).multiply(viewsFactor).as("page_views_30d"),
                        when(id.mod(missingEvery).equalTo(0), lit(null))
                                .otherwise(id.mod(10).divide(10.0))
                                .as("shoes_view_share_30d"),
                        when(id.mod(tabletEvery).equalTo(tabletEvery - 1), lit("tablet"))
                                .when(id.mod(2).equalTo(0), lit("mobile"))
                                .otherwise(lit("desktop"))
                                .as("last_device_type"));
        return LookalikeFeatures.prepare(profiles, FEATURES, DATE);
    }

    @Test
    void theTrainingDistributionIsKeptAsDecilesAMissingBinAndTheFrequentTexts() {
        Map<String, List<Bin>> bins = FeatureDrift.baseline(prepared(1, 4, 1_000_000), FEATURES);

        List<Bin> views = bins.get("page_views_30d");
        // nine decile bounds, the open top bin, missing
        assertEquals(11, views.size(), views.toString());
        assertEquals(FeatureDrift.MISSING, views.get(10).label());
        assertEquals(0.0, views.get(10).share(), 1e-9);
        views.subList(0, 10).forEach(b -> assertEquals(0.1, b.share(), 0.011, views.toString()));
        assertEquals(
                0.25,
                bins.get("shoes_view_share_30d")
                        .get(bins.get("shoes_view_share_30d").size() - 1)
                        .share(),
                1e-9,
                "every fourth share missing");
        assertEquals(
                List.of("desktop", "mobile", FeatureDrift.OTHER),
                bins.get("last_device_type").stream().map(Bin::label).toList());
        for (List<Bin> feature : bins.values()) {
            assertEquals(1.0, feature.stream().mapToDouble(Bin::share).sum(), 1e-9, "every row in one bin");
        }
    }

    @Test
    void anUnchangedPopulationIsStableAndAShiftedOneIsFlagged() {
        Map<String, List<Bin>> bins = FeatureDrift.baseline(prepared(1, 4, 1_000_000), FEATURES);

        Map<String, Double> same = FeatureDrift.psi(prepared(1, 4, 1_000_000), FEATURES, bins);
        same.forEach((f, psi) -> assertEquals(0.0, psi, 1e-9, f));

        // Twice the page views, half the shares missing, a device never seen in training for a third of people.
        Map<String, Double> shifted = FeatureDrift.psi(prepared(2, 2, 3), FEATURES, bins);
        assertTrue(shifted.get("page_views_30d") > FeatureDrift.WARNING, shifted.toString());
        assertTrue(shifted.get("shoes_view_share_30d") > FeatureDrift.WARNING, shifted.toString());
        assertTrue(shifted.get("last_device_type") > FeatureDrift.WARNING, "new values land in (other): " + shifted);

        // A small change stays under the warning: 10% more page views.
        double slight =
                FeatureDrift.psi(prepared(1.1, 4, 1_000_000), FEATURES, bins).get("page_views_30d");
        assertTrue(slight > 0 && slight < 0.1, "slight shift " + slight);
    }

    @Test
    void aFeatureWithoutKeptBinsIsNotMeasured() {
        Map<String, List<Bin>> bins = FeatureDrift.baseline(prepared(1, 4, 1_000_000), List.of(VIEWS));
        assertEquals(
                List.of("page_views_30d"),
                List.copyOf(FeatureDrift.psi(prepared(2, 4, 1_000_000), FEATURES, bins)
                        .keySet()));
    }
}
