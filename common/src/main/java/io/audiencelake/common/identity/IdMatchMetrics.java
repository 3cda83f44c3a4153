package io.audiencelake.common.identity;

import static io.audiencelake.common.lake.TableSpec.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code id_match_metrics} table: what a run of identity did, as named numbers (pairs per
 * blocking rule, matches, persons, size distribution, merges and splits, model parameters, and
 * precision / recall / F1 when ground truth was given).
 */
public final class IdMatchMetrics {
    public static final String METRIC = "metric";
    public static final String DIMENSION = "dimension";
    public static final String VALUE = "value";
    public static final String DT = "dt";

    public static final TableSpec SPEC = new TableSpec(
            "id_match_metrics",
            "Numbers of each identity run: candidate pairs per blocking rule, matches, persons and their size "
                    + "distribution, merges and splits, Fellegi-Sunter parameters, and quality against ground truth.",
            "identity",
            new StructType(new StructField[] {
                column(METRIC, DataTypes.StringType, false, "e.g. candidate_pairs, matches, persons, precision"),
                column(
                        DIMENSION,
                        DataTypes.StringType,
                        false,
                        "what the number is about, e.g. devices/same_ip; '' if none"),
                column(VALUE, DataTypes.DoubleType, false, "the number"),
                column(DT, DataTypes.DateType, false, "run date (partition)")
            }),
            List.of(DT),
            List.of(METRIC, DIMENSION, DT));

    private IdMatchMetrics() {}

    /**
     * Every metric a run writes, so the job, the run report and tests name them one way ({@link #key} is the
     * value of the {@value #METRIC} column).
     */
    public enum MetricName {
        ACCEPTED_CONFIRMED,
        ACCEPTED_CONTRADICTED,
        ACCEPTED_PAIRS,
        BLOCKING_RECALL,
        BLOCKS_SKIPPED,
        CANDIDATE_PAIRS,
        EDGES,
        EM_CONVERGED,
        EM_ITERATIONS,
        EM_LAST_CHANGE,
        EM_START_SESSIONS,
        EVALUATED_IDENTIFIERS,
        EXACT_PERSON_SHARE,
        F1,
        GRAPH_CHANGES,
        GUARD_PASSED,
        IDENTIFIERS,
        LABELLED_PAIRS,
        LABELLED_APART_PAIRS,
        LARGEST_PERSON,
        M_FROM_DETERMINISTIC_LINKS,
        M_PROBABILITY,
        MIXED_PERSON_SHARE,
        NOISE_IDENTIFIERS,
        ONE_TO_ONE_PAIRS,
        OVERSIZED_PERSONS,
        PERSON_SIZE,
        PERSONS,
        PERSONS_MERGED,
        PERSONS_SPLIT,
        POSSIBLE_PAIRS,
        PRECISION,
        PREDICTED_PAIRS,
        PRIOR_MATCH_SHARE,
        PROFILES,
        PROPAGATION_ROUNDS,
        RECALL,
        TRUE_PAIRS,
        U_PROBABILITY,
        WEIGHT;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One number of a run. */
    public record Metric(MetricName name, String dimension, double value) {
        /** The {@value #METRIC} column's value. */
        public String metric() {
            return name.key();
        }
    }
}
