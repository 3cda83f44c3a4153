package io.audiencelake.common.sample;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A random stream keyed by (seed, keys...): the same keys give the same stream on any executor,
 * in any order, so generated files do not depend on how work was split.
 */
final class Rng {
    private final SplittableRandom random;

    private Rng(long state) {
        this.random = new SplittableRandom(state);
    }

    static Rng of(long seed, long... keys) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long k : keys) {
            h = mix(h ^ (k + 0x632BE59BD9B4E019L));
        }
        return new Rng(h);
    }

    /** SplitMix64's finaliser: a bijective scramble with good avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int between(int fromInclusive, int toInclusive) {
        return fromInclusive + random.nextInt(toInclusive - fromInclusive + 1);
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    long nextLong() {
        return random.nextLong();
    }

    double uniform() {
        return random.nextDouble();
    }

    double gaussian(double mean, double sd) {
        return random.nextGaussian(mean, sd);
    }

    /** A Poisson draw (Knuth's method; means here are small). */
    int poisson(double mean) {
        double limit = Math.exp(-mean);
        double p = 1.0;
        int k = 0;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    <T> T pick(T[] items) {
        return items[random.nextInt(items.length)];
    }

    /** Index drawn in proportion to {@code weights}. */
    int weighted(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** A version-4-shaped UUID string drawn from this stream. */
    String uuid() {
        long hi = random.nextLong();
        long lo = random.nextLong();
        hi = (hi & ~0xF000L) | 0x4000L;
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }
}
