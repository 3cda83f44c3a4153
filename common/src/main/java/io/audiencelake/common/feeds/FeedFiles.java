package io.audiencelake.common.feeds;

import static io.audiencelake.common.feeds.RawTables.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code feed_files} manifest: each landing file ingest has seen, what it found in it and how
 * it ended. A file ingested once is never ingested again; one that changed afterwards is reported.
 */
public final class FeedFiles {
    public static final String PATH = "path";
    public static final String FEED = RawTables.FEED;
    public static final String DT = RawTables.DT;
    public static final String BYTES = "bytes";
    public static final String MODIFIED_AT = "modified_at";
    public static final String STATUS = "status";
    public static final String ROWS_READ = "rows_read";
    public static final String ROWS_KEPT = "rows_kept";
    public static final String ROWS_DUPLICATE = "rows_duplicate";
    public static final String ROWS_QUARANTINED = "rows_quarantined";
    public static final String EXTRA_COLUMNS = "extra_columns";
    public static final String ERROR = "error";
    public static final String RUN_ID = "run_id";
    public static final String INGESTED_AT = "ingested_at";
    public static final String CHANGE_DETECTED_AT = "change_detected_at";
    public static final String ROWS_SUPPRESSED = "rows_suppressed";

    public static final String INGESTED = "ingested";
    public static final String FAILED = "failed";

    public static final TableSpec SPEC = new TableSpec(
            "feed_files",
            "Manifest of landing files seen by ingest: size and time when processed, rows read, kept, duplicate, "
                    + "quarantined and suppressed, extra columns found, and status. rows_read = kept + duplicate + quarantined + "
                    + "suppressed.",
            RawTables.DOMAIN,
            new StructType(new StructField[] {
                column(PATH, DataTypes.StringType, false, "full path of the landing file"),
                column(FEED, DataTypes.StringType, false, "feed id"),
                column(DT, DataTypes.DateType, false, "landing date"),
                column(BYTES, DataTypes.LongType, false, "size when processed"),
                column(MODIFIED_AT, DataTypes.TimestampType, false, "modification time when processed"),
                column(STATUS, DataTypes.StringType, false, "ingested or failed"),
                column(ROWS_READ, DataTypes.LongType, false, "data lines read (header excluded)"),
                column(ROWS_KEPT, DataTypes.LongType, false, "rows written to the raw tables"),
                column(ROWS_DUPLICATE, DataTypes.LongType, false, "rows dropped as duplicates of a kept row"),
                column(ROWS_QUARANTINED, DataTypes.LongType, false, "rows written to quarantine"),
                column(
                        EXTRA_COLUMNS,
                        DataTypes.createArrayType(DataTypes.StringType),
                        true,
                        "columns the contract does not know (kept in attributes)"),
                column(ERROR, DataTypes.StringType, true, "why the file failed"),
                column(RUN_ID, DataTypes.StringType, false, "ingest run that processed it"),
                column(INGESTED_AT, DataTypes.TimestampType, false, "when it was processed"),
                column(
                        CHANGE_DETECTED_AT,
                        DataTypes.TimestampType,
                        true,
                        "when the file was seen changed after processing (not processed again, unless its contract says "
                                + "on_change: reingest: then it was, and profiles rebuild their state)"),
                // Last: tables written before it existed get it appended (addMissingColumns) in the same place.
                column(
                        ROWS_SUPPRESSED,
                        DataTypes.LongType,
                        true,
                        "rows dropped because they carry an erased person's identifier (erased_identifiers)")
            }),
            List.of(),
            List.of(PATH));

    private FeedFiles() {}
}
