package io.audiencelake.common.storage;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Builds {@link LandingFiles} rows from listed files and their lines. */
public final class LandingInventory {
    public static final String LINE_FILE = "file";
    private static final StructType LISTED = new StructType(new StructField[] {
        DataTypes.createStructField(LandingFiles.FEED, DataTypes.StringType, false),
        DataTypes.createStructField(LandingFiles.PATH, DataTypes.StringType, false),
        DataTypes.createStructField(LandingFiles.BYTES, DataTypes.LongType, false),
        DataTypes.createStructField(LandingFiles.MODIFIED_AT, DataTypes.TimestampType, false),
        DataTypes.createStructField(LandingFiles.DT, DataTypes.DateType, false)
    });

    private LandingInventory() {}

    /**
     * One spelling per file: Hadoop lists local files as {@code file:/a/b} while Spark's
     * {@code input_file_name()} says {@code file:///a/b}; s3a:// paths are the same on both sides.
     * The column twin of {@link LandingArea#canonical}.
     */
    public static Column canonical(Column path) {
        return regexp_replace(path, "^file:/+", "file:///");
    }

    /** The listed files as a small Dataset (one row per file: the listing is bounded by file count). */
    public static Dataset<Row> listed(SparkSession spark, List<LandingFile> files) {
        List<Row> rows = files.stream()
                .map(f -> RowFactory.create(
                        f.feed(), f.path(), f.bytes(), Timestamp.from(f.modifiedAt()), Date.valueOf(f.date())))
                .toList();
        return spark.createDataFrame(rows, LISTED);
    }

    /**
     * Joins the listing with line counts. {@code lines} has one row per line with the file it came
     * from in column {@value #LINE_FILE}; the count is a shuffle aggregation by file. A file with no
     * line gets 0.
     */
    public static Dataset<Row> inventory(Dataset<Row> listed, Dataset<Row> lines) {
        Dataset<Row> counts = lines.groupBy(canonical(col(LINE_FILE)).as(LINE_FILE))
                .agg(count(lit(1)).as(LandingFiles.LINES));
        Column compression = when(col(LandingFiles.PATH).endsWith(".gz"), lit("gzip"))
                .when(col(LandingFiles.PATH).endsWith(".bz2"), lit("bzip2"))
                .otherwise(lit("none"));
        // Listed paths are canonical already (LandingArea); Spark's file names are made so here.
        return listed.join(counts, listed.col(LandingFiles.PATH).equalTo(counts.col(LINE_FILE)), "left")
                .select(
                        col(LandingFiles.FEED),
                        col(LandingFiles.PATH),
                        col(LandingFiles.BYTES),
                        col(LandingFiles.MODIFIED_AT),
                        compression.as(LandingFiles.COMPRESSION),
                        coalesce(col(LandingFiles.LINES), lit(0L)).as(LandingFiles.LINES),
                        col(LandingFiles.DT));
    }
}
