package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.Normalise;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Ground truth for scoring identity: CSV files with header {@code id_type,id_value,person_key[,device_kind]}
 * (gzip or not, in any folders below the path), as the sample generator writes under
 * {@code ground-truth/identifiers} and the FEBRL preparation script writes. Emails and phones are in
 * their normal clear form and are hashed here as ingest hashes them; an empty key marks noise. The path may also
 * be the ground-truth folder itself: then its {@code identifiers} folder is read, and its {@code persons} files
 * ({@code person_key,household_key,...}) give each person's household.
 */
public final class GroundTruthIdentifiers {
    /** The kind of device behind the identifier (e.g. {@code mobile_web}); null for other identifiers. */
    public static final String DEVICE_KIND = "device_kind";
    /** The true person's household; null when the truth has no households. */
    public static final String HOUSEHOLD = "household_key";

    private GroundTruthIdentifiers() {}

    /** (id_type, id_value, truth_key, device_kind, household_key), noise left out, one row per identifier. */
    public static Dataset<Row> read(SparkSession spark, String path) {
        Path identifiers = identifiersFolder(spark, path);
        // A file without the device_kind column reads as null there (the CSV reader's permissive mode).
        Dataset<Row> raw = spark.read()
                .option("header", true)
                .option("recursiveFileLookup", true)
                .schema("id_type string, id_value string, person_key string, device_kind string")
                .csv(identifiers.toString());
        Dataset<Row> truth = raw.where(col("person_key")
                        .isNotNull()
                        .and(trim(col("person_key")).notEqual("")))
                .select(
                        col("id_type").as(IdGraph.ID_TYPE),
                        when(col("id_type").isin("email", "phone"), Normalise.hash(col("id_value")))
                                .otherwise(col("id_value"))
                                .as(IdGraph.ID_VALUE),
                        col("person_key").as(MatchEvaluation.TRUTH),
                        blankAsNull(col(DEVICE_KIND)).as(DEVICE_KIND))
                .dropDuplicates(IdGraph.ID_TYPE, IdGraph.ID_VALUE);
        Path persons = new Path(identifiers.getParent(), "persons");
        if (!"identifiers".equals(identifiers.getName()) || !exists(spark, persons)) {
            return truth.withColumn(HOUSEHOLD, lit(null).cast("string"));
        }
        Dataset<Row> households = spark.read()
                .option("header", true)
                .option("recursiveFileLookup", true)
                .csv(persons.toString())
                .select(
                        col("person_key").as(MatchEvaluation.TRUTH),
                        blankAsNull(col(HOUSEHOLD)).as(HOUSEHOLD))
                .dropDuplicates(MatchEvaluation.TRUTH);
        return truth.join(households, new String[] {MatchEvaluation.TRUTH}, "left");
    }

    /** {@code path}, or its {@code identifiers} folder when it is the ground-truth folder. */
    private static Path identifiersFolder(SparkSession spark, String path) {
        Path given = new Path(path);
        Path inside = new Path(given, "identifiers");
        return exists(spark, inside) ? inside : given;
    }

    private static boolean exists(SparkSession spark, Path path) {
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Column blankAsNull(Column c) {
        return when(trim(c).notEqual(""), c);
    }
}
