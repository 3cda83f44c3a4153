package io.audiencelake.common.identity;

import io.audiencelake.common.feeds.FieldPreparation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The identity job's rules ({@code conf/identity.yaml}), validated by {@link IdentityRulesLoader}.
 *
 * @param strongTypes id types that link every other identifier of the record they appear in
 * @param maxDegree per id type, how many distinct identifiers one value may be seen with before it is
 *     treated as noise (a shared office login, {@code test@test.com}) and cut; key {@code default}
 *     covers the other types
 * @param maxCoOwners a strong identifier whose devices also carry more than this many other values
 *     of its type is noise
 * @param threshold match probability from which a scored pair becomes an edge
 * @param conflictType id type of which two different values mean two different persons (email)
 * @param maxConflictShare a model whose accepted pairs contradict the deterministic graph more often
 *     than this (of the pairs it can check) links nothing
 * @param emIterations most rounds of expectation-maximisation per model
 * @param emTolerance EM stops (converged) when no probability moves more than this in a round
 * @param randomPairs about how many random pairs estimate the u probabilities
 * @param maxClusterSize persons with more identifiers than this are flagged as oversized
 * @param maxIterations most rounds of connected components (large-star / small-star) before the job gives up
 * @param models the probabilistic matching models
 * @param expiry when identifiers leave the graph for inactivity and how long id_graph keeps ended versions
 */
public record IdentityRules(
        Set<String> strongTypes,
        Map<String, Integer> maxDegree,
        int maxCoOwners,
        double threshold,
        String conflictType,
        double maxConflictShare,
        int emIterations,
        double emTolerance,
        long randomPairs,
        int maxClusterSize,
        int maxIterations,
        List<MatchModel> models,
        Expiry expiry) {

    public static final String DEFAULT = "default";

    public IdentityRules {
        strongTypes = Set.copyOf(strongTypes);
        maxDegree = Map.copyOf(maxDegree);
        models = List.copyOf(models);
    }

    /**
     * Identifiers not seen for {@code inactiveDays} of their type (key {@code default} for the others) leave
     * the graph, recorded as expired (Adobe Audience Manager's default for inactive ids is 120 days); id_graph
     * versions that ended more than {@code historyDays} before a run are dropped by it.
     */
    public record Expiry(Map<String, Integer> inactiveDays, int historyDays) {
        public static final Expiry DEFAULTS = new Expiry(Map.of(DEFAULT, 120), 400);

        public Expiry {
            inactiveDays = Map.copyOf(inactiveDays);
        }

        public int inactiveDaysOf(String idType) {
            return inactiveDays.getOrDefault(idType, inactiveDays.get(DEFAULT));
        }
    }

    /** The degree cap of an id type. */
    public int maxDegreeOf(String idType) {
        return maxDegree.getOrDefault(idType, maxDegree.get(DEFAULT));
    }

    /**
     * Where a model's u probabilities (how often non-matches agree) are measured. Random pairs are Splink's way and
     * need no labels. Among candidates that share an address, though, the non-matches are mostly a household's
     * other members, who agree on the address, the evening hours and some topics far more often than random
     * people do: u from random pairs calls them matches. Candidate pairs the deterministic graph keeps apart (two
     * persons with different values of {@code conflict_type}, e.g. two emails) are such non-matches, labelled.
     */
    public enum UFrom {
        /** u among random pairs of profiles; the prior over all possible pairs */
        RANDOM_PAIRS,
        /**
         * u among candidate pairs known apart, and the prior the share of matches among the candidates (EM, with m
         * and u fixed); random pairs when fewer than 20 candidate pairs are known apart
         */
        KNOWN_APART
    }

    /** What a model compares: devices (from events) or records (from record feeds' attributes). */
    public enum Source {
        DEVICES,
        RECORDS
    }

    /**
     * One probabilistic model: its profiles, blocking rules and comparisons.
     *
     * @param feeds for records: the feeds whose subjects are compared
     * @param acrossFeedsOnly pair only subjects of different feeds (linkage rather than deduplication)
     * @param lookbackDays for devices: days of events that make a device's profile
     * @param fields for records: profile fields from attributes
     * @param uFrom where the u probabilities come from
     * @param oneToOne each subject has at most one match in the other feed (two deduplicated sources, e.g. two
     *     catalogues): of the accepted pairs only those that are the best pair of both their ends are kept
     */
    public record MatchModel(
            String id,
            Source source,
            List<String> feeds,
            boolean acrossFeedsOnly,
            int lookbackDays,
            int continuityDays,
            Map<String, ProfileField> fields,
            List<BlockingRule> blocking,
            List<Comparison> comparisons,
            UFrom uFrom,
            boolean oneToOne) {
        public MatchModel {
            feeds = List.copyOf(feeds);
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            blocking = List.copyOf(blocking);
            comparisons = List.copyOf(comparisons);
        }

        /** A model that may link a subject to several of the other feed. */
        public MatchModel(
                String id,
                Source source,
                List<String> feeds,
                boolean acrossFeedsOnly,
                int lookbackDays,
                int continuityDays,
                Map<String, ProfileField> fields,
                List<BlockingRule> blocking,
                List<Comparison> comparisons,
                UFrom uFrom) {
            this(
                    id,
                    source,
                    feeds,
                    acrossFeedsOnly,
                    lookbackDays,
                    continuityDays,
                    fields,
                    blocking,
                    comparisons,
                    uFrom,
                    false);
        }

        /** A model whose u comes from random pairs. */
        public MatchModel(
                String id,
                Source source,
                List<String> feeds,
                boolean acrossFeedsOnly,
                int lookbackDays,
                int continuityDays,
                Map<String, ProfileField> fields,
                List<BlockingRule> blocking,
                List<Comparison> comparisons) {
            this(
                    id,
                    source,
                    feeds,
                    acrossFeedsOnly,
                    lookbackDays,
                    continuityDays,
                    fields,
                    blocking,
                    comparisons,
                    UFrom.RANDOM_PAIRS);
        }
    }

    /**
     * A profile field of a record: the first of these attributes present, cut to a prefix if set, then prepared.
     *
     * @param prefix keep this many leading characters (e.g. 4 for a year from a date); 0 keeps all
     * @param prepare the preparation steps, in order (lower case, tokens, ...); a field with {@code tokens} is
     *     a list
     */
    public record ProfileField(List<String> attributes, int prefix, List<FieldPreparation.Step> prepare) {
        public ProfileField {
            attributes = List.copyOf(attributes);
            prepare = List.copyOf(prepare);
        }

        public ProfileField(List<String> attributes, int prefix) {
            this(attributes, prefix, List.of());
        }

        /** Whether the field holds a list (of tokens) rather than one value. */
        public boolean isList() {
            return FieldPreparation.makesList(prepare);
        }
    }

    /**
     * Candidate pairs are profiles equal on all {@code on} fields (a list field matches on any element).
     *
     * @param maxBlockSize blocks with more profiles than this are skipped as too common to tell anyone
     *     apart (a carrier's NAT address); their count is reported (block purging)
     * @param minShared a pair must share at least this many of the rule's blocks (meta-blocking for list fields:
     *     two titles sharing one word are no candidate, sharing three are); 1 keeps every pair
     * @param window sorted neighbourhood when above 0: profiles sorted by the rule's fields (joined), each paired
     *     with the next {@code window - 1}, so keys that differ in their ends ("smith" and "smithe") still meet;
     *     {@code maxBlockSize} and {@code minShared} do not apply
     * @param metaBlocking weigh the rule's pairs by the blocks they share and prune the light ones (null: keep all)
     */
    public record BlockingRule(
            String name,
            List<String> on,
            int maxBlockSize,
            int minShared,
            int window,
            MetaBlocking.Settings metaBlocking) {
        public BlockingRule {
            on = List.copyOf(on);
        }

        public BlockingRule(String name, List<String> on, int maxBlockSize, int minShared, int window) {
            this(name, on, maxBlockSize, minShared, window, null);
        }

        public BlockingRule(String name, List<String> on, int maxBlockSize) {
            this(name, on, maxBlockSize, 1, 0, null);
        }

        public boolean sortedNeighbourhood() {
            return window > 0;
        }
    }

    /**
     * One comparison of a model.
     *
     * @param close the similarity from which values are close
     * @param exact for histograms, the cosine from which they count as exact
     * @param termFrequency adjust the weight of an agreement by how common the agreed value is
     */
    public record Comparison(
            String name, String field, ComparisonKind kind, double close, double exact, boolean termFrequency) {}
}
