package io.audiencelake.common.storage;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The {@code landing_files} table: what arrived in the landing area per date and feed. */
public final class LandingFiles {
    public static final String DT = "dt";
    public static final String FEED = "feed";
    public static final String PATH = "path";
    public static final String BYTES = "bytes";
    public static final String MODIFIED_AT = "modified_at";
    public static final String COMPRESSION = "compression";
    public static final String LINES = "lines";

    public static final TableSpec SPEC = new TableSpec(
            "landing_files",
            "Inventory of the files that arrived in the landing area, per date and feed, with size and line count.",
            "ingest",
            new StructType(new StructField[] {
                TableSpec.column(FEED, DataTypes.StringType, false, "feed folder the file arrived in"),
                TableSpec.column(PATH, DataTypes.StringType, false, "full path of the file"),
                TableSpec.column(BYTES, DataTypes.LongType, false, "size in bytes as stored"),
                TableSpec.column(MODIFIED_AT, DataTypes.TimestampType, false, "modification time reported by storage"),
                TableSpec.column(COMPRESSION, DataTypes.StringType, false, "gzip, bzip2 or none (by file name)"),
                TableSpec.column(LINES, DataTypes.LongType, false, "lines in the file after decompression"),
                TableSpec.column(DT, DataTypes.DateType, false, "landing date (partition)")
            }),
            List.of(DT),
            List.of(PATH));

    private LandingFiles() {}
}
