package io.audiencelake.jobs;

import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.profiles.Profiles;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Hand-made profiles of the shipped traits for the audience jobs' tests. */
final class ProfileRows {
    private ProfileRows() {}

    /** The profiles table of conf/traits.yaml. */
    static TableSpec spec() {
        Path conf = TestConfigs.shippedContracts();
        return Profiles.spec(ProfileRulesLoader.load(
                conf.resolveSibling("traits.yaml"), FeedContracts.load(conf).values()));
    }

    /** Writes the date's profiles from JSON lines, one person each (columns not given are empty). */
    static void write(LakeTables lake, String day, List<String> json) {
        SparkSession spark = SparkSession.active();
        TableSpec spec = spec();
        Dataset<Row> rows = spark.read().schema(spec.schema()).json(spark.createDataset(json, Encoders.STRING()));
        lake.overwritePartition(spec, rows, Map.of("dt", Date.valueOf(day)));
    }
}
