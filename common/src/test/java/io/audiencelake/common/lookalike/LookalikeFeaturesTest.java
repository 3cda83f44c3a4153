package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The leak check of features: auto sees a give-away in a number, in its being missing and in a text value. */
class LookalikeFeaturesTest {
    private static final Feature VIEWS = new Feature("page_views_30d", FeatureKind.NUMERIC);
    private static final Feature TIER = new Feature("tier", FeatureKind.CATEGORICAL);
    private static final Feature DEVICE = new Feature("last_device_type", FeatureKind.CATEGORICAL);
    private static final Feature SHARE = new Feature("fashion_purchase_share_90d", FeatureKind.NUMERIC);

    /** 1,000 rows, every fifth a seed member: only they have tier "gold" and a purchase share. */
    private static Dataset<Row> rows() {
        Column id = col("id");
        Column seed = id.mod(5).equalTo(0);
        Dataset<Row> profiles = TestLake.spark()
                .range(0, 1000)
                .select(
                        id.mod(9).as("page_views_30d"),
                        when(seed, lit("gold"))
                                .otherwise(when(id.mod(2).equalTo(0), lit("silver")))
                                .as("tier"),
                        when(id.mod(2).equalTo(0), lit("mobile"))
                                .otherwise(lit("desktop"))
                                .as("last_device_type"),
                        when(seed, id.mod(3).divide(3.0)).as("fashion_purchase_share_90d"),
                        when(seed, 1.0).otherwise(0.0).as(LookalikeTraining.LABEL));
        return LookalikeFeatures.prepare(
                profiles, List.of(VIEWS, TIER, DEVICE, SHARE), LocalDate.of(2025, 6, 1), LookalikeTraining.LABEL);
    }

    @Test
    void aTextValueOnlySeedMembersCarryIsSeenAsALeakLikeAShareOnlyTheyHave() {
        Map<String, Double> r = LookalikeFeatures.labelCorrelations(rows(), List.of(VIEWS, TIER, DEVICE, SHARE));
        assertEquals(1.0, r.get("tier"), 1e-9, "tier gold is the seed: " + r);
        assertEquals(-1.0, r.get("fashion_purchase_share_90d"), 1e-9, "missing exactly outside the seed: " + r);
        assertTrue(Math.abs(r.get("last_device_type")) < 0.1, r.toString());
        assertTrue(Math.abs(r.get("page_views_30d")) < 0.3, r.toString());
    }
}
