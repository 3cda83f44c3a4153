package io.audiencelake.common.feeds;

import static io.audiencelake.common.feeds.RawTables.column;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** The {@code quarantine} table: every row ingest set aside, with its text and why. */
public final class Quarantine {
    public static final String RAW = "raw";
    public static final String REASON = "reason";
    public static final String PROBLEMS = "problems";

    public static final TableSpec SPEC = new TableSpec(
            "quarantine",
            "Rows set aside by ingest: the line as received (emails and phone numbers masked), the first "
                    + "reason and every problem found. Nothing is lost: read + kept + duplicates balance per file.",
            RawTables.DOMAIN,
            RawTables.schema(new StructField[] {
                column(RawTables.PARTY, DataTypes.StringType, false, "first, second or third party"),
                column(RAW, DataTypes.StringType, true, "the line as received, personal data masked"),
                column(
                        REASON,
                        DataTypes.StringType,
                        false,
                        "first problem, e.g. malformed, missing_required:<col>, bad_timestamp:<col>, invalid_email:<col>"),
                column(PROBLEMS, DataTypes.createArrayType(DataTypes.StringType), false, "every problem found")
            }),
            RawTables.partitioning(),
            List.of(RawTables.SOURCE_FILE, RawTables.LINE_NUMBER));

    private Quarantine() {}
}
