package io.audiencelake.common.feeds;

import io.audiencelake.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Column names shared by the tables ingest writes. Each table has its own class below with its
 * spec; all are partitioned by landing date and feed, and every row names the file and line it
 * came from.
 */
public final class RawTables {
    public static final String RECORD_ID = "record_id";
    public static final String FEED = "feed";
    public static final String PARTY = "party";
    public static final String SOURCE_FILE = "source_file";
    public static final String LINE_NUMBER = "line_number";
    public static final String DT = "dt";
    static final String DOMAIN = "ingest";

    private RawTables() {}

    static StructField column(String name, DataType type, boolean nullable, String comment) {
        return TableSpec.column(name, type, nullable, comment);
    }

    static StructField[] lineage() {
        return new StructField[] {
            column(SOURCE_FILE, DataTypes.StringType, false, "landing file the row came from"),
            column(LINE_NUMBER, DataTypes.LongType, false, "1-based line of that file"),
            column(FEED, DataTypes.StringType, false, "feed id (partition)"),
            column(DT, DataTypes.DateType, false, "landing date (partition)")
        };
    }

    static StructType schema(StructField[] own) {
        StructField[] lineage = lineage();
        StructField[] all = new StructField[own.length + lineage.length];
        System.arraycopy(own, 0, all, 0, own.length);
        System.arraycopy(lineage, 0, all, own.length, lineage.length);
        return new StructType(all);
    }

    static List<String> partitioning() {
        return List.of(DT, FEED);
    }
}
