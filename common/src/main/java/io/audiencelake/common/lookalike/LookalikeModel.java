package io.audiencelake.common.lookalike;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One lookalike model of {@code conf/lookalike.yaml}, validated against the traits and segments.
 *
 * @param seed the segment whose members are the positives
 * @param segmentId the lookalike segment written to {@code segment_membership} (source lookalike)
 * @param reachShare the share of the eligible population the lookalike segment takes, or null
 * @param minScore the score a person needs to join the lookalike segment, or null (one of the two is set)
 * @param exclude segments whose members never join the lookalike segment (the seed is always excluded)
 * @param consentColumn the profiles column of {@code consentPurpose}'s latest status, or null
 * @param negativesRatio unlabelled people sampled as negatives per training positive
 * @param holdout share of seed members kept out of training to measure recall
 * @param labels data-usage labels of the seed segment and of the features' feeds
 * @param autoFeatures true for {@code features: auto}: the features are every usable profiles column but those in
 *     {@code excludedFeatures}, and training drops, with a reason, those that cannot help or give the seed away
 * @param excludedFeatures profiles columns {@code features: auto} left out and why, in column order (empty for a
 *     listed set)
 * @param maxFeatureCorrelation with auto features, a feature whose correlation with seed membership on the
 *     training set is at least this (in absolute value) is dropped as a leak
 * @param pu how the unlabelled people sampled as negatives are treated (positive-unlabelled learning)
 * @param monitoring the reach recommended from a version's curve and when scoring retrains on drift
 * @param controlShare share of the lookalike segment's members held out of exports as its control group, 0 for none
 *     (a name apart from {@code holdout}, which is the share kept out of training)
 */
public record LookalikeModel(
        String id,
        String name,
        String owner,
        String description,
        String seed,
        String segmentId,
        List<Feature> features,
        Double reachShare,
        Double minScore,
        List<String> exclude,
        String consentPurpose,
        String consentColumn,
        Algorithm algorithm,
        double negativesRatio,
        double holdout,
        Map<String, Double> params,
        Tuning tuning,
        Set<String> labels,
        boolean autoFeatures,
        Map<String, String> excludedFeatures,
        double maxFeatureCorrelation,
        PuMethod pu,
        Monitoring monitoring,
        double controlShare) {

    public LookalikeModel {
        features = List.copyOf(features);
        excludedFeatures = Collections.unmodifiableMap(new LinkedHashMap<>(excludedFeatures));
        exclude = List.copyOf(exclude);
        params = Map.copyOf(params);
        labels = Set.copyOf(labels);
    }

    /** How a profiles column enters the model. */
    public enum FeatureKind {
        /** A number; a missing value becomes 0 with a missing flag beside it. */
        NUMERIC,
        /** True/false as 1/0, with a missing flag. */
        BOOLEAN,
        /** A date or time, as days before the run date, with a missing flag. */
        DAYS_BEFORE,
        /** Text, one-hot encoded; a missing value and a value not seen in training are categories of their own. */
        CATEGORICAL
    }

    /** A feature: a profiles column and how it is encoded. */
    public record Feature(String column, FeatureKind kind) {}

    /**
     * Cross-validation of hyper-parameters: every combination of the grid is scored by AUC over
     * {@code folds} folds of the training set, and the best one is trained on all of it.
     */
    public record Tuning(int folds, Map<String, List<Double>> grid) {
        public Tuning {
            grid = Map.copyOf(grid);
        }
    }

    /**
     * What a version tells a marketer and the pipeline beyond its scores.
     *
     * @param minLift the recommended reach is the largest depth of the version's reach curve (1%-20%) whose held-out
     *     lift is at least this
     * @param retrainWhenPsiAbove a scoring run without {@code --train} trains a new version first when a feature's
     *     population stability index since the version's training date is above this; null: never
     */
    public record Monitoring(double minLift, Double retrainWhenPsiAbove) {}

    /** The model with only {@code kept} of its features (training's drops with auto features). */
    public LookalikeModel withFeatures(List<Feature> kept) {
        return new LookalikeModel(
                id,
                name,
                owner,
                description,
                seed,
                segmentId,
                kept,
                reachShare,
                minScore,
                exclude,
                consentPurpose,
                consentColumn,
                algorithm,
                negativesRatio,
                holdout,
                params,
                tuning,
                labels,
                autoFeatures,
                excludedFeatures,
                maxFeatureCorrelation,
                pu,
                monitoring,
                controlShare);
    }

    /** The reach as written, e.g. "5%" or "score >= 0.8". */
    public String reachText() {
        return reachShare != null ? trim(reachShare * 100) + "%" : "score >= " + minScore;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
