package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.audiencelake.common.identity.IdMatchMetrics.Metric;
import io.audiencelake.common.identity.IdMatchMetrics.MetricName;
import io.audiencelake.common.identity.IdentityRules.BlockingRule;
import io.audiencelake.common.identity.IdentityRules.Comparison;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One probabilistic model end to end: candidate pairs from its blocking rules, comparison levels,
 * u probabilities from random pairs, m and u refined by EM on the candidates, scores, and the pairs
 * at or above the threshold as edges with their evidence. Counts go to the metrics.
 */
public final class ProbabilisticMatching {
    private static final Logger LOG = LoggerFactory.getLogger(ProbabilisticMatching.class);
    private static final long SEED = 20_240_601L;
    private static final long MIN_LABELLED = 20;
    /** What the deterministic graph says of a candidate pair's ends: {@link #JOINED}, {@link #APART}, or neither. */
    private static final String PAIR_CLASS = "_pair_class";

    private static final String SESSION = "_session";

    private static final String JOINED = "joined";
    private static final String APART = "apart";
    private static final String UNKNOWN = "unknown";
    /** Column of the components dataset: the smallest node of the conflict type in the component, or null. */
    public static final String ANCHOR = "anchor";

    private ProbabilisticMatching() {}

    /**
     * The outcome of one model.
     *
     * @param edges (src, dst, rule, score, evidence) of accepted pairs, src &lt; dst
     * @param scored every candidate pair with its probability (for inspection and tests)
     * @param compared every candidate pair's levels ({@link ComparedPairs#narrow}), to keep for the next run
     */
    public record Result(
            Dataset<Row> edges,
            Dataset<Row> scored,
            Dataset<Row> compared,
            FellegiSunter.Parameters parameters,
            List<Metric> metrics) {}

    /**
     * Runs {@code model} over {@code profiles} (node, id_type, id_value, source, fields...).
     *
     * @param components (node, component, anchor) of the deterministic graph: pairs already in one
     *     component are labelled matches; pairs of components with different anchors are known non-matches
     *     (see {@link #guardPasses}); null for none
     */
    public static Result run(Dataset<Row> profiles, MatchModel model, IdentityRules rules, Dataset<Row> components) {
        return run(profiles, model, rules, components, null, null);
    }

    /**
     * As {@link #run(Dataset, MatchModel, IdentityRules, Dataset)}, comparing only candidate pairs with at least one
     * profile in {@code touched} (column node; null: all): a daily run compares what changed against everything,
     * and never two unchanged profiles again. The levels of the pairs it does not compare come from {@code
     * standing} ({@link ComparedPairs#leveled}: pairs between untouched profiles; null for none), and m, u, the
     * prior, the scores and the guard are over all pairs, new and standing, as in a rebuild. Block sizes, random
     * pairs and the prior count every profile.
     */
    public static Result run(
            Dataset<Row> profiles,
            MatchModel model,
            IdentityRules rules,
            Dataset<Row> components,
            Dataset<Row> touched,
            Dataset<Row> standing) {
        List<Metric> metrics = new ArrayList<>();
        // Checkpoints keep the plans of later steps short: each of these is read several times.
        Dataset<Row> withTf =
                PairComparisons.withTermFrequencies(profiles, model).localCheckpoint();
        long profileCount = withTf.count();
        metrics.add(new Metric(MetricName.PROFILES, model.id(), profileCount));
        Dataset<Row> compared = ComparedPairs.narrow(
                PairComparisons.levels(
                        CandidatePairs.withProfiles(candidates(withTf, model, touched, metrics), withTf), model),
                model);
        Dataset<Row> leveled = (standing == null ? compared : compared.unionByName(standing)).localCheckpoint();
        metrics.add(new Metric(MetricName.CANDIDATE_PAIRS, model.id(), leveled.count()));
        List<String> levelColumns =
                model.comparisons().stream().map(PairComparisons::level).toList();
        long[] population = populationPairs(withTf, model, profileCount);
        metrics.add(new Metric(MetricName.POSSIBLE_PAIRS, model.id(), population[0]));
        double[][] uRandom = FellegiSunter.levelShares(
                FellegiSunter.patterns(
                        PairComparisons.levels(randomPairs(withTf, model, rules.randomPairs(), population), model),
                        levelColumns),
                levelColumns.size());
        FellegiSunter.Parameters parameters = estimate(leveled, model, rules, components, uRandom, population, metrics);
        metrics.addAll(parameterMetrics(model, parameters));
        Dataset<Row> scored = FellegiSunter.score(leveled, model.comparisons(), parameters, uRandom);
        Dataset<Row> accepted = scored.where(col(FellegiSunter.PROBABILITY).geq(rules.threshold()));
        if (model.oneToOne()) {
            accepted = oneToOne(accepted, withTf.select(IdentifierNodes.NODE, IdentifierNodes.SOURCE));
            metrics.add(new Metric(MetricName.ONE_TO_ONE_PAIRS, model.id(), accepted.count()));
        }
        if (components != null && !guardPasses(accepted, components, model, rules, metrics)) {
            accepted = accepted.limit(0);
        }
        Dataset<Row> edges = accepted.select(
                col(CandidatePairs.LEFT + IdentifierNodes.NODE).as(DeterministicLinks.SRC),
                col(CandidatePairs.RIGHT + IdentifierNodes.NODE).as(DeterministicLinks.DST),
                concat(lit(model.id() + ":"), array_join(col(CandidatePairs.RULES), ","))
                        .as(IdEdges.RULE),
                col(FellegiSunter.PROBABILITY).as(IdEdges.SCORE),
                col(FellegiSunter.EVIDENCE).as(IdEdges.EVIDENCE));
        return new Result(edges, scored, leveled, parameters, metrics);
    }

    /** Most rounds of {@link #oneToOne}; each settles the mutual best pairs of what is left. */
    static final int ONE_TO_ONE_ROUNDS = 10;

    /**
     * The accepted pairs that make a one-to-one matching between each two feeds, greedily by evidence (JedAI's
     * unique mapping clustering for clean sources): each round keeps the pairs that are the best of both their ends
     * in the other's feed (highest log-odds; ties to the lower node), then drops every other pair of a matched end
     * into the feed it matched, until no pair is left or {@link #ONE_TO_ONE_ROUNDS}. With deduplicated sources a
     * subject has at most one record in each, and connected components would otherwise chain a record's second-best
     * partner (the same paper's journal version, a sibling product) into its entity. With two feeds that is one
     * partner per record; with nine (an organisation listed by nine sources) one per record and feed, so the
     * entity's nine records still join.
     *
     * @param sources (node, source) of every profile
     */
    static Dataset<Row> oneToOne(Dataset<Row> accepted, Dataset<Row> sources) {
        String l = CandidatePairs.LEFT + IdentifierNodes.NODE;
        String r = CandidatePairs.RIGHT + IdentifierNodes.NODE;
        String ls = CandidatePairs.LEFT + IdentifierNodes.SOURCE;
        String rs = CandidatePairs.RIGHT + IdentifierNodes.SOURCE;
        Dataset<Row> withSources = accepted.join(
                        sources.select(
                                col(IdentifierNodes.NODE).as(l),
                                col(IdentifierNodes.SOURCE).as(ls)),
                        l)
                .join(
                        sources.select(
                                col(IdentifierNodes.NODE).as(r),
                                col(IdentifierNodes.SOURCE).as(rs)),
                        r);
        Dataset<Row> kept = null;
        Dataset<Row> left = withSources.localCheckpoint();
        for (int round = 0; round < ONE_TO_ONE_ROUNDS && !left.isEmpty(); round++) {
            Dataset<Row> best = mutualBest(left).localCheckpoint();
            kept = kept == null ? best : kept.unionByName(best);
            // (node, feed it is now matched into): no other pair of that node into that feed remains.
            Dataset<Row> matched = best.select(col(l).as("_n"), col(rs).as("_f"))
                    .unionByName(best.select(col(r).as("_n"), col(ls).as("_f")));
            left = left.join(
                            matched,
                            col(l).equalTo(matched.col("_n")).and(col(rs).equalTo(matched.col("_f"))),
                            "left_anti")
                    .join(
                            matched,
                            col(r).equalTo(matched.col("_n")).and(col(ls).equalTo(matched.col("_f"))),
                            "left_anti")
                    .localCheckpoint();
        }
        return (kept == null ? withSources.limit(0) : kept).drop(ls, rs);
    }

    /** The pairs that are the best of both their ends among each end's pairs into the other's feed. */
    private static Dataset<Row> mutualBest(Dataset<Row> pairs) {
        String l = CandidatePairs.LEFT + IdentifierNodes.NODE;
        String r = CandidatePairs.RIGHT + IdentifierNodes.NODE;
        String ls = CandidatePairs.LEFT + IdentifierNodes.SOURCE;
        String rs = CandidatePairs.RIGHT + IdentifierNodes.SOURCE;
        Dataset<Row> ends = pairs.select(
                        col(l).as("_node"), col(r).as("_other"), col(rs).as("_feed"), col(FellegiSunter.LOG_ODDS))
                .unionByName(pairs.select(
                        col(r).as("_node"), col(l).as("_other"), col(ls).as("_feed"), col(FellegiSunter.LOG_ODDS)));
        Dataset<Row> best = ends.withColumn(
                        "_rank",
                        row_number()
                                .over(Window.partitionBy("_node", "_feed")
                                        .orderBy(col(FellegiSunter.LOG_ODDS).desc(), col("_other"))))
                .where(col("_rank").equalTo(1))
                .select("_node", "_other");
        return pairs.join(best, col(l).equalTo(best.col("_node")).and(col(r).equalTo(best.col("_other"))), "left_semi")
                .join(best, col(r).equalTo(best.col("_node")).and(col(l).equalTo(best.col("_other"))), "left_semi");
    }

    /**
     * The candidate pairs of every blocking rule, united (a pair found by several rules names them all); each
     * rule's pair count and the blocks it skipped as too large go to the metrics.
     */
    private static Dataset<Row> candidates(
            Dataset<Row> withTf, MatchModel model, Dataset<Row> touched, List<Metric> metrics) {
        List<Dataset<Row>> perRule = new ArrayList<>();
        for (BlockingRule rule : model.blocking()) {
            RulePairs found = rulePairs(withTf, model, rule, touched);
            long n = found.pairs().count();
            LOG.info("model {} blocking rule {}: {} candidate pairs; {}", model.id(), rule.name(), n, found.how());
            String dimension = model.id() + "/" + rule.name();
            metrics.add(new Metric(MetricName.CANDIDATE_PAIRS, dimension, n));
            if (!rule.sortedNeighbourhood()) {
                metrics.add(new Metric(MetricName.BLOCKS_SKIPPED, dimension, found.skippedBlocks()));
            }
            perRule.add(found.pairs());
        }
        return CandidatePairs.union(perRule);
    }

    /** One rule's pairs (checkpointed), how they were made (for the log) and the blocks it skipped as too large. */
    private record RulePairs(Dataset<Row> pairs, String how, long skippedBlocks) {}

    private static RulePairs rulePairs(Dataset<Row> withTf, MatchModel model, BlockingRule rule, Dataset<Row> touched) {
        if (rule.sortedNeighbourhood()) {
            return new RulePairs(
                    CandidatePairs.ofNeighbourhood(withTf, model, rule, touched).localCheckpoint(),
                    "sorted neighbourhood, window " + rule.window(),
                    0);
        }
        // Keys and block sizes once per rule: the skipped-block count and the pairs both read them.
        Dataset<Row> keyed = CandidatePairs.keyed(withTf, rule).localCheckpoint();
        Dataset<Row> blocks = CandidatePairs.blocks(keyed).localCheckpoint();
        Row skipped = blocks.where(col("size").gt(rule.maxBlockSize()))
                .agg(count(lit(1)), sum("size"))
                .first();
        String how = skipped.getLong(0) + " blocks over " + rule.maxBlockSize() + " skipped ("
                + (skipped.isNullAt(1) ? 0 : skipped.getLong(1)) + " memberships)"
                + (rule.metaBlocking() == null
                        ? ""
                        : "; meta-blocking "
                                + rule.metaBlocking().weighting().name().toLowerCase(Locale.ROOT) + "/"
                                + rule.metaBlocking().pruning().name().toLowerCase(Locale.ROOT));
        return new RulePairs(
                CandidatePairs.ofBlocks(keyed, blocks, model, rule, touched).localCheckpoint(),
                how,
                skipped.getLong(0));
    }

    /** The prior match share and every comparison level's m, u and weight, for id_match_metrics. */
    private static List<Metric> parameterMetrics(MatchModel model, FellegiSunter.Parameters parameters) {
        List<Metric> metrics = new ArrayList<>();
        metrics.add(new Metric(MetricName.PRIOR_MATCH_SHARE, model.id(), parameters.lambda()));
        for (int i = 0; i < model.comparisons().size(); i++) {
            Comparison c = model.comparisons().get(i);
            for (int l = PairComparisons.FAR; l <= PairComparisons.EXACT; l++) {
                String dim = model.id() + "/" + c.name() + "=" + PairComparisons.LEVEL_NAMES[l];
                metrics.add(new Metric(MetricName.M_PROBABILITY, dim, parameters.m()[i][l]));
                metrics.add(new Metric(MetricName.U_PROBABILITY, dim, parameters.u()[i][l]));
                metrics.add(new Metric(MetricName.WEIGHT, dim, parameters.weight(i, l)));
            }
        }
        return metrics;
    }

    /**
     * Checks a model's accepted pairs against what the deterministic graph already knows: a pair whose
     * two ends are already one person confirms it; a pair whose ends belong to persons with different
     * values of the conflict type (two different emails) contradicts it. When contradictions exceed
     * {@code max_conflict_share} of the pairs that can be checked, the model cannot tell persons apart
     * on this data and its links are dropped with a warning rather than merging households.
     */
    static boolean guardPasses(
            Dataset<Row> accepted,
            Dataset<Row> components,
            MatchModel model,
            IdentityRules rules,
            List<Metric> metrics) {
        Row counts = withComponents(
                        accepted.select(
                                CandidatePairs.LEFT + IdentifierNodes.NODE,
                                CandidatePairs.RIGHT + IdentifierNodes.NODE),
                        components)
                .agg(
                        count(lit(1)),
                        sum(when(col("_lc").equalTo(col("_rc")), 1).otherwise(0)),
                        sum(when(knownApart(), 1).otherwise(0)))
                .first();
        long total = counts.getLong(0);
        long confirmed = counts.isNullAt(1) ? 0 : counts.getLong(1);
        long contradicted = counts.isNullAt(2) ? 0 : counts.getLong(2);
        long checkable = confirmed + contradicted;
        double share = checkable == 0 ? 0 : (double) contradicted / checkable;
        metrics.add(new Metric(MetricName.ACCEPTED_PAIRS, model.id(), total));
        metrics.add(new Metric(MetricName.ACCEPTED_CONFIRMED, model.id(), confirmed));
        metrics.add(new Metric(MetricName.ACCEPTED_CONTRADICTED, model.id(), contradicted));
        boolean passes = share <= rules.maxConflictShare();
        metrics.add(new Metric(MetricName.GUARD_PASSED, model.id(), passes ? 1 : 0));
        logGuard(model, rules, passes, total, confirmed, contradicted);
        return passes;
    }

    private static void logGuard(
            MatchModel model, IdentityRules rules, boolean passes, long total, long confirmed, long contradicted) {
        if (passes) {
            LOG.info(
                    "model {}: {} pairs accepted; of those the deterministic graph can check, {} confirmed, {} contradicted",
                    model.id(),
                    total,
                    confirmed,
                    contradicted);
        } else {
            LOG.warn(
                    "model {}: {} of {} checkable accepted pairs join persons with different {} values (over {}): "
                            + "the model cannot tell persons apart on this data; its {} links are dropped",
                    model.id(),
                    contradicted,
                    confirmed + contradicted,
                    rules.conflictType(),
                    rules.maxConflictShare(),
                    total);
        }
    }

    /**
     * The pairs a model could form: all unordered pairs, or pairs across feeds; [0] for the prior, [1]
     * the same with one bucket for sizing random buckets (the pairs a single bucket would hold), [2] for a model
     * across feeds the matches its feeds can hold if each subject is at most once in each ({@link
     * #matchesHeld}; 0 otherwise).
     */
    static long[] populationPairs(Dataset<Row> profiles, MatchModel model, long count) {
        long all = count * (count - 1) / 2;
        if (!model.acrossFeedsOnly()) {
            return new long[] {all, all, 0};
        }
        long across = all;
        List<Long> sizes = new ArrayList<>();
        for (Row r : profiles.groupBy(IdentifierNodes.SOURCE).count().collectAsList()) {
            across -= r.getLong(1) * (r.getLong(1) - 1) / 2;
            sizes.add(r.getLong(1));
        }
        return new long[] {Math.max(1, across), all, matchesHeld(sizes)};
    }

    /**
     * The most matching pairs feeds of these sizes hold when no subject is twice in one feed: for each two feeds,
     * the smaller one's size (two lists of 5,000 and 6,000 people share at most 5,000).
     */
    static long matchesHeld(List<Long> feedSizes) {
        List<Long> sorted = feedSizes.stream().sorted().toList();
        long held = 0;
        for (int i = 0; i < sorted.size(); i++) {
            held += sorted.get(i) * (sorted.size() - i - 1);
        }
        return held;
    }

    /** Which of the model's comparisons compare a field some blocking rule blocks on. */
    static boolean[] blockedOn(MatchModel model) {
        Set<String> fields = new HashSet<>();
        model.blocking().forEach(b -> fields.addAll(b.on()));
        boolean[] out = new boolean[model.comparisons().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fields.contains(model.comparisons().get(i).field());
        }
        return out;
    }

    /**
     * m, u and the prior. Where the deterministic graph already joins enough candidate pairs, those are
     * labelled matches: m is measured on them, u on random pairs, and EM fits only the share of matches
     * among the candidates, which sets the prior over all possible pairs (Splink's model: agreeing on a
     * field every candidate agrees on, because a blocking rule demanded it, still counts as rare among
     * random pairs, and the prior pays for it). The share is fitted without the comparisons of blocked-on fields:
     * every candidate agrees on those by construction, and against random pairs' u they would call every candidate
     * a match (a household's devices share the home address as much as a person's do). Without labels (FEBRL: no shared identifiers) EM fits m,
     * u and the share on the candidates alone, from m leaning to exact and u of random pairs (Splink's start: what
     * non-matches look like before the candidates move it; on Abt-Buy it converges in 85 rounds, from the
     * candidates' level shares in 165, to the same fit).
     */
    static FellegiSunter.Parameters estimate(
            Dataset<Row> leveled,
            MatchModel model,
            IdentityRules rules,
            Dataset<Row> components,
            double[][] uRandom,
            long[] population,
            List<Metric> metrics) {
        List<String> levelColumns =
                model.comparisons().stream().map(PairComparisons::level).toList();
        int k = levelColumns.size();
        // One pass sorts the candidates into what the deterministic graph says of their ends.
        Map<String, List<FellegiSunter.Pattern>> byClass =
                FellegiSunter.patternsBy(classified(leveled, components), PAIR_CLASS, levelColumns);
        List<FellegiSunter.Pattern> patterns = new ArrayList<>();
        byClass.values().forEach(patterns::addAll);
        long total = patterns.stream().mapToLong(FellegiSunter.Pattern::count).sum();
        if (total == 0) {
            return new FellegiSunter.Parameters(1e-9, uRandom, uRandom, 0, true);
        }
        double[][] labelled = components == null
                ? null
                : labelledShares(byClass.getOrDefault(JOINED, List.of()), levelColumns, metrics, model);
        FellegiSunter.Parameters p;
        if (labelled != null) {
            double[][] m = Arrays.copyOfRange(labelled, 1, labelled.length);
            double[][] apart = model.uFrom() == IdentityRules.UFrom.KNOWN_APART
                    ? apartShares(byClass.getOrDefault(APART, List.of()), levelColumns, metrics, model)
                    : null;
            p = apart != null
                    ? fromKnownApart(patterns, k, m, apart, rules, model)
                    : fromRandomPairs(patterns, k, m, uRandom, rules, model, population[0]);
        } else {
            FellegiSunter.SessionStart start = ruleSessions(leveled, model, rules, uRandom);
            metrics.add(new Metric(MetricName.EM_START_SESSIONS, model.id(), start.sessions()));
            p = FellegiSunter.estimate(
                    patterns,
                    k,
                    FellegiSunter.EmStart.of(rules.emIterations())
                            .until(rules.emTolerance())
                            .withM(start.m(), false)
                            .withU(uRandom, false));
            LOG.info(
                    "model {}: no labels; EM fitted m and u on the candidates from m of {} blocking-rule sessions: {} "
                            + "after {} iterations, match share {}",
                    model.id(),
                    start.sessions(),
                    p.converged() ? "converged" : "stopped",
                    p.iterations(),
                    String.format("%.4f", p.lambda()));
            warnIfMoreMatchesThanHeld(model, Math.round(p.lambda() * total), population[2]);
        }
        metrics.add(new Metric(MetricName.M_FROM_DETERMINISTIC_LINKS, model.id(), labelled == null ? 0 : 1));
        metrics.add(new Metric(MetricName.EM_ITERATIONS, model.id(), p.iterations()));
        metrics.add(new Metric(MetricName.EM_CONVERGED, model.id(), p.converged() ? 1 : 0));
        metrics.add(new Metric(MetricName.EM_LAST_CHANGE, model.id(), p.lastChange()));
        return p;
    }

    /**
     * EM without labels finds the strongest two-class split of the candidates, which need not be "same subject":
     * two comparisons of one field (a street as q-grams and as words) can make it "same street". Its matches then
     * outnumber what the feeds can hold (on FEBRL 14,000 of 5,000); worth a warning, since nothing else says so
     * without ground truth. Twice the bound is allowed: subjects repeated within a feed, and variants (Abt-Buy: 1,709
     * of 1,076, which one-to-one then cuts to the best partner).
     */
    private static void warnIfMoreMatchesThanHeld(MatchModel model, long matches, long held) {
        if (held > 0 && matches > 2 * held) {
            LOG.warn(
                    "model {}: EM puts {} candidate pairs as matches, more than the {} its feeds hold with each subject "
                            + "once per feed: its match class may be something else (two comparisons of one field?); "
                            + "check the evidence of its links",
                    model.id(),
                    matches,
                    held);
        }
    }

    /**
     * Where m starts without labels: Splink's training sessions, one EM per blocking rule over the pairs it found
     * (u fixed from random pairs), each ignoring the comparisons the rule fixes ({@link #fixedBy}).
     */
    private static FellegiSunter.SessionStart ruleSessions(
            Dataset<Row> leveled, MatchModel model, IdentityRules rules, double[][] uRandom) {
        List<String> levelColumns =
                model.comparisons().stream().map(PairComparisons::level).toList();
        Map<String, boolean[]> fixed = new HashMap<>();
        model.blocking().forEach(b -> fixed.put(b.name(), fixedBy(model, b)));
        return FellegiSunter.mFromSessions(
                FellegiSunter.patternsBy(
                        leveled.withColumn(SESSION, explode(col(CandidatePairs.RULES))), SESSION, levelColumns),
                fixed,
                levelColumns.size(),
                FellegiSunter.EmStart.of(rules.emIterations())
                        .until(rules.emTolerance())
                        .withU(uRandom, true),
                MIN_LABELLED);
    }

    /**
     * The comparisons a rule makes agree on every pair it finds: those of a field it requires equal, whole. A list
     * field (any shared word), a sorted neighbourhood or a shared-block count leaves the comparison's level open
     * (Splink issue 2067: switching such a comparison off throws away what the rule did not fix).
     */
    static boolean[] fixedBy(MatchModel model, BlockingRule rule) {
        boolean whole = !rule.sortedNeighbourhood() && rule.minShared() <= 1;
        boolean[] out = new boolean[model.comparisons().size()];
        for (int i = 0; i < out.length; i++) {
            String field = model.comparisons().get(i).field();
            IdentityRules.ProfileField f = model.fields().get(field);
            out[i] = whole && rule.on().contains(field) && (f == null || !f.isList());
        }
        return out;
    }

    /**
     * m from the labelled matches, u from random pairs, both fixed; EM fits the share of matches among the
     * candidates without the blocked-on comparisons, and the prior spreads it over every possible pair.
     */
    private static FellegiSunter.Parameters fromRandomPairs(
            List<FellegiSunter.Pattern> patterns,
            int k,
            double[][] m,
            double[][] uRandom,
            IdentityRules rules,
            MatchModel model,
            long possiblePairs) {
        long total = patterns.stream().mapToLong(FellegiSunter.Pattern::count).sum();
        FellegiSunter.Parameters share = FellegiSunter.estimate(
                patterns,
                k,
                FellegiSunter.EmStart.of(rules.emIterations())
                        .until(rules.emTolerance())
                        .withM(m, true)
                        .withU(uRandom, true)
                        .ignoring(blockedOn(model)));
        double prior =
                Math.min(0.5, Math.max(1.0 / Math.max(2, possiblePairs), share.lambda() * total / possiblePairs));
        LOG.info(
                "model {}: m from pairs the deterministic graph joins, u from random pairs; EM puts {} of {} "
                        + "candidates as matches, a prior of {} over {} possible pairs",
                model.id(),
                Math.round(share.lambda() * total),
                total,
                String.format("%.3g", prior),
                possiblePairs);
        return new FellegiSunter.Parameters(
                prior, m, uRandom, share.iterations(), share.converged(), share.lastChange());
    }

    /**
     * m from the labelled matches, u from the candidate pairs known apart, both fixed; EM fits the share of matches
     * among the candidates over every comparison (blocked-on ones too: u now knows that non-matching candidates
     * agree on them), and that share is the prior of a candidate pair.
     */
    private static FellegiSunter.Parameters fromKnownApart(
            List<FellegiSunter.Pattern> patterns,
            int k,
            double[][] m,
            double[][] apart,
            IdentityRules rules,
            MatchModel model) {
        FellegiSunter.Parameters share = FellegiSunter.estimate(
                patterns,
                k,
                FellegiSunter.EmStart.of(rules.emIterations())
                        .until(rules.emTolerance())
                        .withM(m, true)
                        .withU(apart, true));
        double prior = Math.min(0.5, Math.max(1e-6, share.lambda()));
        LOG.info(
                "model {}: m from pairs the deterministic graph joins, u from candidate pairs it keeps apart; EM puts "
                        + "{} of the candidates as matches",
                model.id(),
                String.format("%.3f", prior));
        return new FellegiSunter.Parameters(prior, m, apart, share.iterations(), share.converged(), share.lastChange());
    }

    /**
     * Level shares among candidate pairs whose ends the deterministic graph keeps apart (components with different
     * anchors), or null when fewer than {@link #MIN_LABELLED}: the u of {@link IdentityRules.UFrom#KNOWN_APART}.
     */
    private static double[][] apartShares(
            List<FellegiSunter.Pattern> patterns, List<String> levelColumns, List<Metric> metrics, MatchModel model) {
        long n = patterns.stream().mapToLong(FellegiSunter.Pattern::count).sum();
        metrics.add(new Metric(MetricName.LABELLED_APART_PAIRS, model.id(), n));
        LOG.info("model {}: {} candidate pairs are kept apart by the deterministic graph", model.id(), n);
        return n < MIN_LABELLED ? null : FellegiSunter.levelShares(patterns, levelColumns.size());
    }

    /**
     * The candidate pairs with {@link #PAIR_CLASS}: {@link #JOINED} when the deterministic graph already has both
     * ends in one component, {@link #APART} when it keeps them in components with different anchors, otherwise
     * {@link #UNKNOWN} (also every pair when there are no components).
     */
    private static Dataset<Row> classified(Dataset<Row> leveled, Dataset<Row> components) {
        if (components == null) {
            return leveled.withColumn(PAIR_CLASS, lit(UNKNOWN));
        }
        return withComponents(leveled, components, "left")
                .withColumn(
                        PAIR_CLASS,
                        when(col("_lc").equalTo(col("_rc")), JOINED)
                                .when(knownApart(), APART)
                                .otherwise(UNKNOWN));
    }

    /** Of {@link #withComponents}: the ends are in components with two different anchors (e.g. two emails). */
    private static Column knownApart() {
        return col("_lc")
                .notEqual(col("_rc"))
                .and(col("_la").isNotNull())
                .and(col("_ra").isNotNull())
                .and(col("_la").notEqual(col("_ra")));
    }

    /** Pairs with each end's deterministic component and anchor: _lc, _la, _rc, _ra. */
    private static Dataset<Row> withComponents(Dataset<Row> pairs, Dataset<Row> components) {
        return withComponents(pairs, components, "inner");
    }

    /** As {@link #withComponents(Dataset, Dataset)}, keeping pairs with an end outside the components if "left". */
    private static Dataset<Row> withComponents(Dataset<Row> pairs, Dataset<Row> components, String joinType) {
        Dataset<Row> l = components.select(
                col(IdentifierNodes.NODE).as(CandidatePairs.LEFT + IdentifierNodes.NODE),
                col(ConnectedComponents.COMPONENT).as("_lc"),
                col(ANCHOR).as("_la"));
        Dataset<Row> r = components.select(
                col(IdentifierNodes.NODE).as(CandidatePairs.RIGHT + IdentifierNodes.NODE),
                col(ConnectedComponents.COMPONENT).as("_rc"),
                col(ANCHOR).as("_ra"));
        return pairs.join(l, new String[] {CandidatePairs.LEFT + IdentifierNodes.NODE}, joinType)
                .join(r, new String[] {CandidatePairs.RIGHT + IdentifierNodes.NODE}, joinType);
    }

    /**
     * Level shares among candidate pairs already in one deterministic component ([0][3] holds their
     * number, [1..] the shares per comparison), or null if there are too few to trust.
     */
    private static double[][] labelledShares(
            List<FellegiSunter.Pattern> patterns, List<String> levelColumns, List<Metric> metrics, MatchModel model) {
        long n = patterns.stream().mapToLong(FellegiSunter.Pattern::count).sum();
        metrics.add(new Metric(MetricName.LABELLED_PAIRS, model.id(), n));
        LOG.info("model {}: {} candidate pairs are already joined by deterministic links", model.id(), n);
        if (n < MIN_LABELLED) {
            return null;
        }
        double[][] shares = FellegiSunter.levelShares(patterns, levelColumns.size());
        double[][] out = new double[shares.length + 1][];
        out[0] = new double[FellegiSunter.LEVELS + 1];
        out[0][FellegiSunter.LEVELS] = n;
        System.arraycopy(shares, 0, out, 1, shares.length);
        return out;
    }

    /**
     * About {@code target} random pairs: profiles fall in random buckets sized so that pairs within
     * buckets number about the target; cheap, and blind to every field. A profile's bucket is a seeded hash of its
     * node, not {@code rand()}: {@code rand} depends on how rows happen to be partitioned (the shuffle partitions,
     * adaptive execution, the cluster), so the u probabilities, and with them the links, would too.
     */
    static Dataset<Row> randomPairs(Dataset<Row> profiles, MatchModel model, long target, long[] population) {
        long buckets = Math.max(1, (long) Math.ceil((double) population[1] / Math.max(1, target)));
        Dataset<Row> bucketed =
                profiles.withColumn("_bucket", pmod(xxhash64(col(IdentifierNodes.NODE), lit(SEED)), lit(buckets)));
        Dataset<Row> l = CandidatePairs.prefixed(bucketed, CandidatePairs.LEFT);
        Dataset<Row> r = CandidatePairs.prefixed(bucketed, CandidatePairs.RIGHT);
        Column on = col(CandidatePairs.LEFT + "_bucket")
                .equalTo(col(CandidatePairs.RIGHT + "_bucket"))
                .and(col(CandidatePairs.LEFT + IdentifierNodes.NODE)
                        .lt(col(CandidatePairs.RIGHT + IdentifierNodes.NODE)));
        if (model.acrossFeedsOnly()) {
            on = on.and(col(CandidatePairs.LEFT + IdentifierNodes.SOURCE)
                    .notEqual(col(CandidatePairs.RIGHT + IdentifierNodes.SOURCE)));
        }
        return l.join(r, on);
    }
}
