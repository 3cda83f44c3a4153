package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.audiencelake.common.config.AppConfig;
import io.audiencelake.common.identity.CandidatePairs;
import io.audiencelake.common.identity.FellegiSunter;
import io.audiencelake.common.identity.IdentifierNodes;
import io.audiencelake.common.identity.IdentityRules;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import io.audiencelake.common.identity.IdentityRulesLoader;
import io.audiencelake.common.identity.MatchProfiles;
import io.audiencelake.common.identity.PairComparisons;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.spark.LakeSession;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Candidate pairs scored per second per core, in isolation, for {@code scripts/bench-identity}: not a job (it
 * writes nothing). Per match model of identity.yaml: the model's profiles as of the date from the lake, random
 * pairs of them with both profiles joined, held in memory; then the timed part, what identity does to every
 * candidate pair: its comparison levels, log-odds and match probability, counted at the threshold. Prints one
 * {@code BENCH identity mode=scoring ...} line per model (best of the repeats).
 */
@Command(
        name = "scoring-benchmark",
        mixinStandardHelpOptions = true,
        description = "Measure candidate pairs scored per second per core for each identity match model.")
public final class ScoringBenchmark implements Callable<Integer> {
    /** Plausible parameters: the time to score does not depend on them. */
    private static final double[] M = {0.05, 0.15, 0.80};

    private static final double[] U = {0.80, 0.15, 0.05};

    @Mixin
    EnvironmentOptions environment;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-d", "--date"},
            required = true,
            description = "Profiles as of this date.")
    LocalDate date;

    @Option(
            names = "--pairs",
            defaultValue = "4000000",
            description = "Random pairs to score per model (fewer when the profiles cannot make so many).")
    long pairs;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed repeats; the best is reported.")
    int repeat;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScoringBenchmark()).execute(args));
    }

    @Override
    public Integer call() {
        AppConfig config = environment.load();
        IdentityRules rules = IdentityRulesLoader.load(config.identityRules());
        SparkSession spark = LakeSession.start(config);
        PrintWriter out = spec.commandLine().getOut();
        try {
            MatchProfiles state = MatchProfiles.load(LakeTables.forConfig(spark, config), rules, null, date);
            int cores = spark.sparkContext().defaultParallelism();
            for (MatchModel model : rules.models()) {
                Dataset<Row> profiles = PairComparisons.withTermFrequencies(state.profiles(model), model)
                        .localCheckpoint();
                long n = profiles.count();
                if (n < 2) {
                    continue;
                }
                Dataset<Row> candidates = CandidatePairs.withProfiles(randomPairs(profiles, n), profiles)
                        .persist(StorageLevel.MEMORY_AND_DISK());
                long count = candidates.count();
                double best = Double.MAX_VALUE;
                long accepted = 0;
                for (int i = 0; i < repeat; i++) {
                    long start = System.nanoTime();
                    Row r = score(candidates, model, rules).first();
                    best = Math.min(best, (System.nanoTime() - start) / 1e9);
                    accepted = r.getLong(1);
                }
                out.printf(
                        Locale.ROOT,
                        "BENCH identity mode=scoring model=%s profiles=%d pairs=%d accepted=%d cores=%d seconds=%.2f "
                                + "pairs_per_second_per_core=%.0f%n",
                        model.id(),
                        n,
                        count,
                        accepted,
                        cores,
                        best,
                        count / best / cores);
                out.flush();
                candidates.unpersist();
            }
            state.release();
        } finally {
            LakeSession.finish(spark);
        }
        return 0;
    }

    /** About {@link #pairs} pairs: profiles in hash buckets sized so pairs within buckets number that. */
    private Dataset<Row> randomPairs(Dataset<Row> profiles, long n) {
        long buckets = Math.max(1, (long) Math.ceil(n * (n - 1) / 2.0 / pairs));
        Dataset<Row> nodes = profiles.select(
                col(IdentifierNodes.NODE),
                pmod(xxhash64(col(IdentifierNodes.NODE)), lit(buckets)).as("b"));
        Dataset<Row> l = nodes.toDF(CandidatePairs.LEFT + IdentifierNodes.NODE, "lb");
        Dataset<Row> r = nodes.toDF(CandidatePairs.RIGHT + IdentifierNodes.NODE, "rb");
        return l.join(
                        r,
                        col("lb")
                                .equalTo(col("rb"))
                                .and(col(CandidatePairs.LEFT + IdentifierNodes.NODE)
                                        .lt(col(CandidatePairs.RIGHT + IdentifierNodes.NODE))))
                .select(
                        col(CandidatePairs.LEFT + IdentifierNodes.NODE),
                        col(CandidatePairs.RIGHT + IdentifierNodes.NODE),
                        array(lit("random")).as(CandidatePairs.RULES));
    }

    /** Levels, log-odds and probability of every pair: how many, how many at the threshold, their sum. */
    private static Dataset<Row> score(Dataset<Row> candidates, MatchModel model, IdentityRules rules) {
        int k = model.comparisons().size();
        double[][] m = new double[k][];
        double[][] u = new double[k][];
        for (int i = 0; i < k; i++) {
            m[i] = M.clone();
            u[i] = U.clone();
        }
        Dataset<Row> scored = FellegiSunter.score(
                PairComparisons.levels(candidates, model),
                model.comparisons(),
                new FellegiSunter.Parameters(1e-4, m, u, 0, true),
                u);
        return scored.agg(
                count(lit(1)),
                count(when(col(FellegiSunter.PROBABILITY).geq(rules.threshold()), lit(1))),
                sum(col(FellegiSunter.PROBABILITY)));
    }
}
