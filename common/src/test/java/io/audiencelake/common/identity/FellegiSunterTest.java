package io.audiencelake.common.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FellegiSunterTest {
    // A known mixture of two comparisons with three levels each: 20% matches.
    private static final double LAMBDA = 0.2;
    private static final double[][] M = {{0.05, 0.15, 0.80}, {0.10, 0.10, 0.80}};
    private static final double[][] U = {{0.85, 0.10, 0.05}, {0.70, 0.20, 0.10}};

    /** Expected pair counts of every level pattern under the mixture, for a million pairs. */
    private static List<FellegiSunter.Pattern> mixture(int comparisons, double[][] m, double[][] u, double lambda) {
        List<FellegiSunter.Pattern> out = new ArrayList<>();
        int patterns = (int) Math.pow(3, comparisons);
        for (int p = 0; p < patterns; p++) {
            int[] levels = new int[comparisons];
            double pm = lambda;
            double pu = 1 - lambda;
            for (int k = 0, rest = p; k < comparisons; k++, rest /= 3) {
                levels[k] = rest % 3;
                pm *= m[k][levels[k]];
                pu *= u[k][levels[k]];
            }
            out.add(new FellegiSunter.Pattern(levels, Math.round(1_000_000 * (pm + pu))));
        }
        return out;
    }

    @Test
    void emWithoutLabelsRecoversTheMixtureItWasGivenWhenUIsKnown() {
        FellegiSunter.Parameters p = FellegiSunter.estimate(
                mixture(2, M, U, LAMBDA), 2, FellegiSunter.EmStart.of(500).withU(U, true));
        assertTrue(p.converged(), "converged in " + p.iterations());
        assertEquals(LAMBDA, p.lambda(), 0.005);
        for (int k = 0; k < 2; k++) {
            for (int l = 0; l < 3; l++) {
                assertEquals(M[k][l], p.m()[k][l], 0.01, "m[" + k + "][" + l + "]");
            }
        }
    }

    @Test
    void emFitsMAndUTogetherOnThreeComparisons() {
        double[][] m = {{0.05, 0.15, 0.80}, {0.10, 0.10, 0.80}, {0.02, 0.08, 0.90}};
        double[][] u = {{0.85, 0.10, 0.05}, {0.70, 0.20, 0.10}, {0.90, 0.07, 0.03}};
        FellegiSunter.Parameters p = FellegiSunter.estimate(mixture(3, m, u, 0.3), 3, FellegiSunter.EmStart.of(2000));
        assertEquals(0.3, p.lambda(), 0.02);
        for (int k = 0; k < 3; k++) {
            assertEquals(m[k][2], p.m()[k][2], 0.03, "m exact of " + k);
            assertEquals(u[k][0], p.u()[k][0], 0.03, "u far of " + k);
        }
    }

    @Test
    void emSaysWhetherItConvergedAndItsLastChange() {
        double[][] m = {{0.05, 0.15, 0.80}, {0.10, 0.10, 0.80}, {0.02, 0.08, 0.90}};
        double[][] u = {{0.85, 0.10, 0.05}, {0.70, 0.20, 0.10}, {0.90, 0.07, 0.03}};
        List<FellegiSunter.Pattern> patterns = mixture(3, m, u, 0.3);
        FellegiSunter.Parameters cut = FellegiSunter.estimate(patterns, 3, FellegiSunter.EmStart.of(3));
        assertEquals(3, cut.iterations());
        assertFalse(cut.converged(), "three rounds are not enough at 1e-7");
        assertTrue(cut.lastChange() >= FellegiSunter.TOLERANCE);
        FellegiSunter.Parameters loose = FellegiSunter.estimate(
                patterns, 3, FellegiSunter.EmStart.of(2000).until(1e-3));
        FellegiSunter.Parameters tight = FellegiSunter.estimate(patterns, 3, FellegiSunter.EmStart.of(2000));
        assertTrue(loose.converged() && tight.converged());
        assertTrue(loose.lastChange() < 1e-3 && tight.lastChange() < FellegiSunter.TOLERANCE);
        assertTrue(loose.iterations() < tight.iterations(), loose.iterations() + " vs " + tight.iterations());
    }

    private static final double[][] M3 = {{0.05, 0.15, 0.80}, {0.10, 0.10, 0.80}, {0.02, 0.08, 0.90}};
    private static final double[][] U3 = {{0.85, 0.10, 0.05}, {0.70, 0.20, 0.10}, {0.90, 0.07, 0.03}};

    /** Three comparisons' mixture as a blocking rule on {@code fixed} would find it: all exact on that one. */
    private static List<FellegiSunter.Pattern> blockedOn(int fixed) {
        List<FellegiSunter.Pattern> out = new ArrayList<>();
        for (FellegiSunter.Pattern p : mixture(3, M3, U3, LAMBDA)) {
            int[] levels = p.levels().clone();
            levels[fixed] = 2;
            out.add(new FellegiSunter.Pattern(levels, p.count()));
        }
        return out;
    }

    @Test
    void eachRuleSessionGivesTheMOfWhatTheRuleLeftOpen() {
        // Rule "a" fixes comparison 0, rule "b" comparison 1: each session learns the others' m, and comparison 2's
        // is the mean of both. Rule "tiny" found too few pairs to count; its exact-only pairs would pull m to exact.
        FellegiSunter.SessionStart start = FellegiSunter.mFromSessions(
                Map.of(
                        "a", blockedOn(0),
                        "b", blockedOn(1),
                        "tiny", List.of(new FellegiSunter.Pattern(new int[] {2, 2, 2}, 5))),
                Map.of("a", new boolean[] {true, false, false}, "b", new boolean[] {false, true, false}),
                3,
                FellegiSunter.EmStart.of(2000).withU(U3, true),
                20);
        assertEquals(2, start.sessions());
        for (int k = 0; k < 3; k++) {
            for (int l = 0; l < 3; l++) {
                assertEquals(M3[k][l], start.m()[k][l], 0.01, "m of comparison " + k + " level " + l);
            }
        }
    }

    @Test
    void aComparisonEveryRuleFixesStartsFromTheDefault() {
        FellegiSunter.SessionStart start = FellegiSunter.mFromSessions(
                Map.of("a", blockedOn(0)),
                Map.of("a", new boolean[] {true, false, false}),
                3,
                FellegiSunter.EmStart.of(2000).withU(U3, true),
                20);
        assertEquals(0.7, start.m()[0][2], 1e-3);
        assertEquals(M3[1][2], start.m()[1][2], 0.01);
    }

    @Test
    void agreementWeighsForAMatchAndDisagreementAgainst() {
        FellegiSunter.Parameters p = new FellegiSunter.Parameters(LAMBDA, M, U, 0, true);
        assertEquals(Math.log(0.80 / 0.05) / Math.log(2), p.weight(0, 2), 1e-9);
        assertTrue(p.weight(0, 0) < 0);
        double both = FellegiSunter.posterior(new int[] {2, 2}, LAMBDA, M, U);
        double none = FellegiSunter.posterior(new int[] {0, 0}, LAMBDA, M, U);
        double missing = FellegiSunter.posterior(new int[] {2, -1}, LAMBDA, M, U);
        assertTrue(both > 0.95 && none < 0.01 && missing < both && missing > none, both + " " + none + " " + missing);
    }

    @Test
    void aComparisonTheBlockingMadeEqualIsIgnored() {
        // Every pair agrees on comparison 1 (they were blocked on it): it must not be taken as evidence.
        List<FellegiSunter.Pattern> blocked = new ArrayList<>();
        for (FellegiSunter.Pattern p : mixture(1, new double[][] {M[0]}, new double[][] {U[0]}, LAMBDA)) {
            blocked.add(new FellegiSunter.Pattern(new int[] {p.levels()[0], 2}, p.count()));
        }
        FellegiSunter.Parameters p = FellegiSunter.estimate(
                blocked, 2, FellegiSunter.EmStart.of(500).withU(U, true).ignoring(new boolean[] {false, true}));
        assertEquals(LAMBDA, p.lambda(), 0.01);
        assertEquals(M[0][2], p.m()[0][2], 0.01);
    }
}
