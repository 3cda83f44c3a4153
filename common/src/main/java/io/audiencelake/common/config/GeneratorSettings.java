package io.audiencelake.common.config;

/**
 * Defaults for the sample-feed generator.
 *
 * @param scale 1 is about 2,000 people and 25,000 events a day; events grow linearly with it
 * @param days how many consecutive dates, ending at the run date, one run writes
 * @param behaviour how the generated people and their devices behave
 */
public record GeneratorSettings(long seed, double scale, int days, GeneratorBehaviour behaviour) {
    public static final long SEED_DEFAULT = 42;
    public static final double SCALE_DEFAULT = 1.0;
    public static final int DAYS_DEFAULT = 1;
}
