package io.audiencelake.common.activation;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The difference between a treated and a control group, with its confidence interval, p-value and the smallest
 * difference the groups' sizes could have detected. Works on a handful of sums per group (what one Spark
 * aggregation returns), so it runs on the driver whatever the audience size.
 *
 * <p>Rates (visited, converted): the two-proportion z-test (pooled standard error for the p-value) and the
 * unpooled Wald interval for the difference, as in Hightouch's and most A/B calculators. Means (revenue per
 * person): Welch's t interval and test, which do not assume equal variances (revenue is skewed and the groups'
 * sizes differ by design). The minimum detectable effect is the difference a two-sided test at the interval's
 * level would find with 80 % power, from the control group's spread: {@code (z(1 - alpha / 2) + z(0.8)) * se}
 * (both groups' pooled spread when the control's is zero, e.g. no conversion among few control people).
 */
public final class LiftStatistics {
    /** The power {@link Estimate#minimumDetectable} is computed for. */
    public static final double POWER = 0.8;

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private LiftStatistics() {}

    /**
     * One metric's comparison.
     *
     * @param treated the treated group's rate or mean
     * @param control the control group's
     * @param difference treated minus control
     * @param low lower end of the interval for the difference
     * @param high upper end
     * @param pValue two-sided p-value of "no difference"
     * @param minimumDetectable the smallest difference these group sizes detect with {@link #POWER} power
     */
    public record Estimate(
            double treated,
            double control,
            double difference,
            double low,
            double high,
            double pValue,
            double minimumDetectable) {
        /** The difference relative to the control's value (NaN when the control's is 0). */
        public double relative() {
            return control == 0 ? Double.NaN : difference / control;
        }
    }

    private static void checkSizes(long treatedN, long controlN, double confidence) {
        if (treatedN < 2 || controlN < 2) {
            throw new IllegalArgumentException(
                    "each group needs at least 2 people, cannot be: " + treatedN + " and " + controlN);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), cannot be: " + confidence);
        }
    }

    /** A rate per group: {@code hits} of {@code n} people. */
    public static Estimate proportions(
            long treatedN, long treatedHits, long controlN, long controlHits, double confidence) {
        checkSizes(treatedN, controlN, confidence);
        double pt = (double) treatedHits / treatedN;
        double pc = (double) controlHits / controlN;
        double diff = pt - pc;
        double z = NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double se = Math.sqrt(pt * (1 - pt) / treatedN + pc * (1 - pc) / controlN);
        double pooled = (double) (treatedHits + controlHits) / (treatedN + controlN);
        double sePooled = Math.sqrt(pooled * (1 - pooled) * (1.0 / treatedN + 1.0 / controlN));
        double p = sePooled == 0 ? 1.0 : 2 * (1 - NORMAL.cumulativeProbability(Math.abs(diff) / sePooled));
        // A control without a hit (or all hits) has no spread; the pooled rate stands in, or the MDE would be 0.
        double base = pc > 0 && pc < 1 ? pc : pooled;
        double seControl = Math.sqrt(base * (1 - base) * (1.0 / treatedN + 1.0 / controlN));
        double mde = (z + NORMAL.inverseCumulativeProbability(POWER)) * seControl;
        return new Estimate(pt, pc, diff, diff - z * se, diff + z * se, p, mde);
    }

    /**
     * A mean per group from its count, sum and sum of squares (e.g. revenue per person, people without revenue
     * counting 0).
     */
    public static Estimate means(
            long treatedN,
            double treatedSum,
            double treatedSumOfSquares,
            long controlN,
            double controlSum,
            double controlSumOfSquares,
            double confidence) {
        checkSizes(treatedN, controlN, confidence);
        double mt = treatedSum / treatedN;
        double mc = controlSum / controlN;
        double vt = variance(treatedN, treatedSum, treatedSumOfSquares);
        double vc = variance(controlN, controlSum, controlSumOfSquares);
        double at = vt / treatedN;
        double ac = vc / controlN;
        double se = Math.sqrt(at + ac);
        double diff = mt - mc;
        // Welch-Satterthwaite degrees of freedom.
        double df = se == 0
                ? treatedN + controlN - 2.0
                : Math.pow(at + ac, 2) / (at * at / (treatedN - 1) + ac * ac / (controlN - 1));
        TDistribution t = new TDistribution(null, Math.max(df, 1), TDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
        double q = t.inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double p = se == 0 ? 1.0 : 2 * (1 - t.cumulativeProbability(Math.abs(diff) / se));
        // As for rates: a control with no spread (nobody spent) takes both groups' pooled variance instead.
        double spread = vc > 0
                ? vc
                : variance(treatedN + controlN, treatedSum + controlSum, treatedSumOfSquares + controlSumOfSquares);
        double seControl = Math.sqrt(spread * (1.0 / treatedN + 1.0 / controlN));
        double mde = (NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2)
                        + NORMAL.inverseCumulativeProbability(POWER))
                * seControl;
        return new Estimate(mt, mc, diff, diff - q * se, diff + q * se, p, mde);
    }

    /** The sample variance from sums; never negative (rounding of large sums). */
    private static double variance(long n, double sum, double sumOfSquares) {
        return Math.max(0, (sumOfSquares - sum * sum / n) / (n - 1));
    }
}
