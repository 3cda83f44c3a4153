package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.identity.IdentityRules.Comparison;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The Fellegi-Sunter model: each comparison level has a probability m among true matches and u among
 * non-matches; a pair's weight is the sum of log2(m/u) over its levels. m, u and the share of matches
 * are estimated without labels by expectation-maximisation over the counts of distinct level
 * patterns, which are few (at most 4^comparisons) however many pairs there are, so the iterations
 * run on the driver while Spark only counts.
 */
public final class FellegiSunter {
    public static final String LOG_ODDS = "log_odds";
    public static final String PROBABILITY = "match_probability";
    public static final String EVIDENCE = "evidence";
    static final int LEVELS = 3;
    private static final double SMOOTHING = 1e-6;
    /** EM's default tolerance: it stops when no parameter moves more than this in a round. */
    public static final double TOLERANCE = 1e-7;

    private static final double M_FLOOR = 1e-4;
    private static final double U_FLOOR = 1e-6;
    /** Where m starts without a better guess: leaning to exact. */
    private static final double[] M_START = {0.1, 0.2, 0.7};

    private FellegiSunter() {}

    /** A distinct combination of levels and how many pairs have it. */
    public record Pattern(int[] levels, long count) {}

    /**
     * Estimated parameters.
     *
     * @param lambda share of matches among the pairs the model was fitted on
     * @param m per comparison and level (far, close, exact), probability among matches
     * @param u the same among non-matches
     * @param iterations EM's rounds
     * @param converged whether EM stopped because no parameter moved more than its tolerance
     * @param lastChange the largest move of any parameter in EM's last round (0 without EM)
     */
    public record Parameters(
            double lambda, double[][] m, double[][] u, int iterations, boolean converged, double lastChange) {

        public Parameters(double lambda, double[][] m, double[][] u, int iterations, boolean converged) {
            this(lambda, m, u, iterations, converged, 0.0);
        }

        /** log2(m/u) of a comparison's level; 0 for a level never seen. */
        public double weight(int comparison, int level) {
            double mk = m[comparison][level];
            double uk = u[comparison][level];
            if (mk <= 0 && uk <= 0) {
                return 0.0;
            }
            // Floors keep a level never seen on one side from weighing infinitely.
            return Math.log(Math.max(mk, M_FLOOR) / Math.max(uk, U_FLOOR)) / Math.log(2);
        }

        public double priorLogOdds() {
            return Math.log(lambda / (1 - lambda)) / Math.log(2);
        }
    }

    /** Counts of level patterns of pairs that have the given level columns. */
    public static List<Pattern> patterns(Dataset<Row> pairs, List<String> levelColumns) {
        return patternsBy(pairs.withColumn(ALL, lit(ALL)), ALL, levelColumns).getOrDefault(ALL, List.of());
    }

    private static final String ALL = "_all";

    /**
     * Counts of level patterns per value of the string column {@code group}, in one aggregation: at most
     * (levels + 1) ^ comparisons patterns per group, so few rows reach the driver.
     */
    public static Map<String, List<Pattern>> patternsBy(Dataset<Row> pairs, String group, List<String> levelColumns) {
        List<Column> cols = new ArrayList<>(List.of(col(group)));
        levelColumns.forEach(c -> cols.add(col(c)));
        Map<String, List<Pattern>> out = new HashMap<>();
        for (Row r : pairs.groupBy(cols.toArray(Column[]::new))
                .agg(count(lit(1)).as("n"))
                .collectAsList()) {
            int[] levels = new int[levelColumns.size()];
            for (int k = 0; k < levels.length; k++) {
                levels[k] = r.getInt(k + 1);
            }
            out.computeIfAbsent(r.getString(0), g -> new ArrayList<>())
                    .add(new Pattern(levels, r.getLong(levels.length + 1)));
        }
        return out;
    }

    /**
     * Share of each level per comparison among pairs (missing left out), with half a pair added to
     * every level so that a level random pairs never reach is rare, not impossible.
     */
    public static double[][] levelShares(List<Pattern> patterns, int comparisons) {
        double[][] shares = new double[comparisons][LEVELS];
        for (double[] s : shares) {
            Arrays.fill(s, 0.5);
        }
        for (Pattern p : patterns) {
            for (int k = 0; k < comparisons; k++) {
                if (p.levels()[k] >= 0) {
                    shares[k][p.levels()[k]] += p.count();
                }
            }
        }
        for (double[] s : shares) {
            normalise(s);
        }
        return shares;
    }

    /**
     * Where EM starts and what it may move: m (null: leaning to exact) and u (null: uniform-ish) with whether
     * each stays fixed (m measured on labelled matches, u on random pairs), the match share, the comparisons
     * to treat as missing ({@code ignored}: the ones a blocking rule made equal on every pair, which would
     * otherwise look like perfect evidence; null: none), the iteration cap and the tolerance.
     */
    public record EmStart(
            double[][] m,
            boolean fixM,
            double[][] u,
            boolean fixU,
            double lambda,
            boolean[] ignored,
            int maxIterations,
            double tolerance) {
        /** Everything fitted: m leaning to exact, u uniform-ish, one match in ten, nothing ignored. */
        public static EmStart of(int maxIterations) {
            return new EmStart(null, false, null, false, 0.1, null, maxIterations, TOLERANCE);
        }

        /** Starts m from {@code start}; {@code fixed}: m stays as given. */
        public EmStart withM(double[][] start, boolean fixed) {
            return new EmStart(start, fixed, u, fixU, lambda, ignored, maxIterations, tolerance);
        }

        /** Starts u from {@code start}; {@code fixed}: u stays as given. */
        public EmStart withU(double[][] start, boolean fixed) {
            return new EmStart(m, fixM, start, fixed, lambda, ignored, maxIterations, tolerance);
        }

        /** Comparisons to count as missing (null: none). */
        public EmStart ignoring(boolean[] comparisons) {
            return new EmStart(m, fixM, u, fixU, lambda, comparisons, maxIterations, tolerance);
        }

        /** Stops when no parameter moves more than {@code change} in a round. */
        public EmStart until(double change) {
            return new EmStart(m, fixM, u, fixU, lambda, ignored, maxIterations, change);
        }
    }

    /**
     * EM over the patterns from {@code start}: fits what the start does not fix. Stops when no parameter moves
     * more than {@code start.tolerance()} or after {@code start.maxIterations()}.
     */
    public static Parameters estimate(List<Pattern> patterns, int comparisons, EmStart start) {
        List<Pattern> used = withoutIgnored(patterns, comparisons, start.ignored());
        double[][] m = new double[comparisons][];
        double[][] u = new double[comparisons][];
        for (int k = 0; k < comparisons; k++) {
            m[k] = start.m() == null ? M_START.clone() : start.m()[k].clone();
            u[k] = start.u() == null ? new double[] {0.8, 0.15, 0.05} : start.u()[k].clone();
            // A level that never occurs keeps probability 0 on both sides.
            boolean[] seen = seenLevels(used, k);
            for (int l = 0; l < LEVELS; l++) {
                if (!seen[l]) {
                    m[k][l] = 0;
                }
                if (!start.fixU()) {
                    u[k][l] = seen[l] ? Math.max(u[k][l], SMOOTHING) : 0;
                }
            }
            normalise(m[k]);
            normalise(u[k]);
        }
        Step state = new Step(clamp(start.lambda()), m, u, Double.POSITIVE_INFINITY);
        int iteration = 0;
        while (iteration < start.maxIterations() && state.change() >= start.tolerance()) {
            iteration++;
            state = step(used, comparisons, state, start);
        }
        return new Parameters(
                state.lambda(),
                state.m(),
                state.u(),
                iteration,
                state.change() < start.tolerance(),
                iteration == 0 ? 0.0 : state.change());
    }

    /**
     * m to start EM from, estimated as Splink's training sessions do: one EM per blocking rule over the pairs that
     * rule found, u fixed (random pairs), the comparisons the rule fixes ignored (every pair of an equality rule
     * agrees on its field by construction, which says nothing about matches). Each comparison's m is the mean over
     * the sessions where it was free; one never free keeps the default start. A session with fewer than
     * {@code minPairs} pairs is skipped: too few to say anything.
     *
     * @param bySession level patterns of each rule's pairs
     * @param fixedBy per rule, which comparisons it fixes
     * @param session EM's settings for every session (u, iteration cap, tolerance)
     */
    public static SessionStart mFromSessions(
            Map<String, List<Pattern>> bySession,
            Map<String, boolean[]> fixedBy,
            int comparisons,
            EmStart session,
            long minPairs) {
        double[][] sum = new double[comparisons][LEVELS];
        int[] free = new int[comparisons];
        int sessions = 0;
        for (Map.Entry<String, List<Pattern>> e : bySession.entrySet()) {
            long pairs = e.getValue().stream().mapToLong(Pattern::count).sum();
            boolean[] fixed = fixedBy.getOrDefault(e.getKey(), new boolean[comparisons]);
            if (pairs < minPairs) {
                continue;
            }
            sessions++;
            Parameters p = estimate(e.getValue(), comparisons, session.ignoring(fixed));
            for (int k = 0; k < comparisons; k++) {
                if (!fixed[k]) {
                    free[k]++;
                    for (int l = 0; l < LEVELS; l++) {
                        sum[k][l] += p.m()[k][l];
                    }
                }
            }
        }
        double[][] m = new double[comparisons][];
        for (int k = 0; k < comparisons; k++) {
            m[k] = free[k] == 0 ? M_START.clone() : sum[k].clone();
            for (int l = 0; l < LEVELS; l++) {
                // A level one session never saw may occur in the whole: EM cannot move an m that starts at 0.
                m[k][l] = Math.max(m[k][l], SMOOTHING);
            }
            normalise(m[k]);
        }
        return new SessionStart(m, sessions);
    }

    /** The m EM starts from and how many rule sessions it came from (0: the default start). */
    public record SessionStart(double[][] m, int sessions) {}

    /** The patterns with the ignored comparisons counted as missing. */
    private static List<Pattern> withoutIgnored(List<Pattern> patterns, int comparisons, boolean[] ignored) {
        List<Pattern> used = new ArrayList<>();
        for (Pattern p : patterns) {
            int[] levels = p.levels().clone();
            for (int k = 0; k < comparisons; k++) {
                if (ignored != null && ignored[k]) {
                    levels[k] = PairComparisons.MISSING;
                }
            }
            used.add(new Pattern(levels, p.count()));
        }
        return used;
    }

    /** EM's state after an iteration, and the largest change of any parameter in it. */
    private record Step(double lambda, double[][] m, double[][] u, double change) {}

    /** One EM iteration: each pattern's match posterior re-weights the level counts; fixed sides stay. */
    private static Step step(List<Pattern> used, int comparisons, Step before, EmStart start) {
        double[][] m = before.m();
        double[][] u = before.u();
        double[][] mNext = new double[comparisons][LEVELS];
        double[][] uNext = new double[comparisons][LEVELS];
        double matches = 0;
        double total = 0;
        for (Pattern p : used) {
            double g = posterior(p.levels(), before.lambda(), m, u);
            matches += g * p.count();
            total += p.count();
            for (int k = 0; k < comparisons; k++) {
                int l = p.levels()[k];
                if (l >= 0) {
                    mNext[k][l] += g * p.count();
                    uNext[k][l] += (1 - g) * p.count();
                }
            }
        }
        double lambdaNext = clamp(matches / Math.max(1, total));
        double change = Math.abs(lambdaNext - before.lambda());
        for (int k = 0; k < comparisons; k++) {
            if (start.fixM()) {
                mNext[k] = m[k];
            } else {
                smoothSeen(mNext[k], m[k]);
            }
            if (start.fixU()) {
                uNext[k] = u[k];
            } else {
                smoothSeen(uNext[k], u[k]);
            }
            for (int l = 0; l < LEVELS; l++) {
                change = Math.max(change, Math.max(Math.abs(mNext[k][l] - m[k][l]), Math.abs(uNext[k][l] - u[k][l])));
            }
        }
        return new Step(lambdaNext, mNext, uNext, change);
    }

    /** Probability that a pair with these levels is a match. */
    public static double posterior(int[] levels, double lambda, double[][] m, double[][] u) {
        double pm = lambda;
        double pu = 1 - lambda;
        for (int k = 0; k < levels.length; k++) {
            if (levels[k] >= 0) {
                pm *= m[k][levels[k]];
                pu *= u[k][levels[k]];
            }
        }
        return pm + pu == 0 ? 0 : pm / (pm + pu);
    }

    private static boolean[] seenLevels(List<Pattern> patterns, int k) {
        boolean[] seen = new boolean[LEVELS];
        for (Pattern p : patterns) {
            if (p.levels()[k] >= 0) {
                seen[p.levels()[k]] = true;
            }
        }
        return seen;
    }

    private static void smoothSeen(double[] next, double[] previous) {
        for (int l = 0; l < LEVELS; l++) {
            if (previous[l] > 0) {
                next[l] += SMOOTHING;
            }
        }
        normalise(next);
    }

    private static double clamp(double p) {
        return Math.min(1 - 1e-9, Math.max(1e-9, p));
    }

    private static void normalise(double[] v) {
        double sum = Arrays.stream(v).sum();
        if (sum > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= sum;
            }
        }
    }

    /**
     * Scores pairs that carry level (and term-frequency) columns: log-odds, match probability and
     * evidence (comparison, level, weight). A term-frequency comparison that agrees on a value of share
     * {@code tf} weighs log2(m/u) + log2(u_random/tf): more for rare values, less for common ones.
     */
    public static Dataset<Row> score(
            Dataset<Row> pairs, List<Comparison> comparisons, Parameters p, double[][] uRandom) {
        Column logOdds = lit(p.priorLogOdds());
        List<Column> evidence = new ArrayList<>();
        for (int k = 0; k < comparisons.size(); k++) {
            Comparison c = comparisons.get(k);
            Column level = col(PairComparisons.level(c));
            Column weight = lit(0.0);
            Column name = lit(null).cast("string");
            for (int l = PairComparisons.FAR; l <= PairComparisons.EXACT; l++) {
                weight = when(level.equalTo(l), lit(p.weight(k, l))).otherwise(weight);
                name = when(level.equalTo(l), lit(PairComparisons.LEVEL_NAMES[l]))
                        .otherwise(name);
            }
            if (c.termFrequency() && uRandom[k][PairComparisons.EXACT] > 0) {
                Column tf = col(PairComparisons.termFrequency(c));
                weight = when(
                                tf.isNotNull().and(tf.gt(0)),
                                weight.plus(log2(
                                        lit(uRandom[k][PairComparisons.EXACT]).divide(tf))))
                        .otherwise(weight);
            }
            name = when(level.equalTo(PairComparisons.MISSING), lit("missing")).otherwise(name);
            evidence.add(struct(lit(c.name()).as("comparison"), name.as("level"), weight.as("weight")));
            logOdds = logOdds.plus(weight);
        }
        Column[] ev = evidence.toArray(Column[]::new);
        return pairs.withColumn(LOG_ODDS, logOdds)
                .withColumn(
                        PROBABILITY,
                        lit(1.0).divide(lit(1.0).plus(
                                        pow(lit(2.0), col(LOG_ODDS).multiply(-1)))))
                .withColumn(EVIDENCE, array(ev));
    }
}
