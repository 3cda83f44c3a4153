package io.audiencelake.common.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.activation.LiftStatistics.Estimate;
import org.junit.jupiter.api.Test;

/** Against SciPy 1.17 (stats.norm, stats.ttest_ind with equal_var=False) on the same inputs. */
class LiftStatisticsTest {
    @Test
    void twoRatesGiveTheWaldIntervalAndThePooledTest() {
        Estimate e = LiftStatistics.proportions(1000, 150, 1000, 100, 0.95);
        assertEquals(0.15, e.treated(), 1e-12);
        assertEquals(0.10, e.control(), 1e-12);
        assertEquals(0.05, e.difference(), 1e-12);
        assertEquals(0.0210947, e.low(), 1e-6);
        assertEquals(0.0789053, e.high(), 1e-6);
        assertEquals(0.000723233, e.pValue(), 1e-8);
        assertEquals(0.0375872, e.minimumDetectable(), 1e-6);
        assertEquals(0.5, e.relative(), 1e-12);
    }

    @Test
    void twoMeansGiveWelchsIntervalAndTest() {
        // Two samples of 10 and 20 values with unequal spreads (the example of Welch's test on Wikipedia).
        Estimate e = LiftStatistics.means(10, 193.7, 3765.01, 20, 431.8, 9645.62, 0.95);
        assertEquals(-2.22, e.difference(), 1e-9);
        assertEquals(-4.2764587, e.low(), 1e-5);
        assertEquals(-0.1635413, e.high(), 1e-5);
        assertEquals(0.0354845, e.pValue(), 1e-5);
    }

    @Test
    void noDifferenceIsNotSignificantAndBiggerGroupsDetectSmallerEffects() {
        Estimate same = LiftStatistics.proportions(500, 50, 500, 50, 0.95);
        assertEquals(0, same.difference(), 1e-12);
        assertEquals(1.0, same.pValue(), 1e-9);
        assertTrue(same.low() < 0 && same.high() > 0);
        Estimate big = LiftStatistics.proportions(50_000, 5000, 50_000, 5000, 0.95);
        assertTrue(
                big.minimumDetectable() < same.minimumDetectable() / 5,
                "a hundred times the people detect a tenth of the difference");
        Estimate none = LiftStatistics.means(100, 0, 0, 100, 0, 0, 0.95);
        assertEquals(1.0, none.pValue(), 1e-12, "nobody spent anything in either group");
        assertThrows(IllegalArgumentException.class, () -> LiftStatistics.proportions(1, 0, 100, 1, 0.95));
        assertThrows(IllegalArgumentException.class, () -> LiftStatistics.proportions(10, 0, 100, 1, 1.0));
    }

    /** A small control without a conversion (or without revenue) must not claim that any difference is detectable. */
    @Test
    void aControlWithoutSpreadTakesThePooledSpreadForTheMinimumDetectableEffect() {
        Estimate rates = LiftStatistics.proportions(436, 23, 51, 0, 0.95);
        double pooled = 23.0 / 487;
        double expected =
                (1.959963984540054 + 0.8416212335729143) * Math.sqrt(pooled * (1 - pooled) * (1.0 / 436 + 1.0 / 51));
        assertEquals(expected, rates.minimumDetectable(), 1e-9);
        Estimate money = LiftStatistics.means(436, 2271.6, 2271.6 * 40, 51, 0, 0, 0.95);
        assertTrue(money.minimumDetectable() > 0, "nobody in control spent: " + money);
        Estimate usual = LiftStatistics.proportions(1000, 150, 1000, 100, 0.95);
        assertEquals(
                (1.959963984540054 + 0.8416212335729143) * Math.sqrt(0.1 * 0.9 * (2.0 / 1000)),
                usual.minimumDetectable(),
                1e-9,
                "a control with spread keeps its own");
    }
}
