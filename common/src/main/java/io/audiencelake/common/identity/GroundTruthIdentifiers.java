package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.Normalise;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Ground truth for scoring identity: CSV files with header {@code id_type,id_value,person_key}
 * (gzip or not, in any folders below the path), as the sample generator writes under
 * {@code ground-truth/identifiers} and the FEBRL preparation script writes. Emails and phones are in
 * their normal clear form and are hashed here as ingest hashes them; an empty key marks noise.
 */
public final class GroundTruthIdentifiers {
    private GroundTruthIdentifiers() {}

    /** (id_type, id_value, truth_key), noise left out, one row per identifier. */
    public static Dataset<Row> read(SparkSession spark, String path) {
        Dataset<Row> raw = spark.read()
                .option("header", true)
                .option("recursiveFileLookup", true)
                .schema("id_type string, id_value string, person_key string")
                .csv(path);
        return raw.where(col("person_key")
                        .isNotNull()
                        .and(trim(col("person_key")).notEqual("")))
                .select(
                        col("id_type").as(IdGraph.ID_TYPE),
                        when(col("id_type").isin("email", "phone"), Normalise.hash(col("id_value")))
                                .otherwise(col("id_value"))
                                .as(IdGraph.ID_VALUE),
                        col("person_key").as(MatchEvaluation.TRUTH))
                .dropDuplicates(IdGraph.ID_TYPE, IdGraph.ID_VALUE);
    }
}
