package io.audiencelake.common.lake;

import io.audiencelake.common.config.AppConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lake-table layer: every job reads and writes its tables through this, so the table format
 * (Delta Lake or Apache Iceberg) is a config choice. Each write is one transaction of the format:
 * a job killed midway leaves the table as it was.
 */
public interface LakeTables {
    /** Spark reserves "owner" for the creating user, so the owning team gets a key of its own. */
    String PROPERTY_OWNER = "audiencelake.owner";

    String PROPERTY_DOMAIN = "audiencelake.domain";
    String PROPERTY_DESCRIPTION = "audiencelake.description";
    /** The table comment, as {@link #properties} reports it for both formats. */
    String PROPERTY_COMMENT = "comment";

    /** A time-travel timestamp as both formats' {@code timestampAsOf} option takes it (session zone is UTC). */
    static String timestampOption(Instant time) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(ZoneOffset.UTC)
                .format(time);
    }

    /** The implementation the config chooses. */
    static LakeTables forConfig(SparkSession spark, AppConfig config) {
        return switch (config.lake().tableFormat()) {
            case DELTA -> new DeltaTables(spark, config.lake());
            case ICEBERG -> new IcebergTables(spark, config.lake());
        };
    }

    /** {@code rows} as the spec's schema with its column comments, in the spec's column order. */
    static Dataset<Row> withSpecSchema(TableSpec table, Dataset<Row> rows) {
        List<Column> out = new ArrayList<>();
        for (StructField f : table.schema().fields()) {
            out.add(org.apache
                    .spark
                    .sql
                    .functions
                    .col(f.name())
                    .cast(f.dataType())
                    .as(f.name(), f.metadata()));
        }
        return rows.select(out.toArray(Column[]::new));
    }

    /**
     * The SQL to add the spec's columns a table lacks ({@code existing}); empty when none. Names are
     * checked identifiers; comments are quoted as string literals, so their text cannot end the statement.
     */
    static List<String> addColumnStatements(String qualifiedName, TableSpec table, StructType existing) {
        List<String> out = new ArrayList<>();
        Map<String, DataType> have = new HashMap<>();
        for (StructField f : existing.fields()) {
            have.put(f.name(), f.dataType());
        }
        for (StructField f : table.schema().fields()) {
            DataType type = have.get(f.name());
            if (type != null && !type.sameType(f.dataType())) {
                throw new IllegalStateException(table.name() + "." + f.name() + " is " + type.simpleString()
                        + " in the table but " + f.dataType().simpleString()
                        + " in its definition; a column cannot change "
                        + "type: give it a new name");
            }
            if (type == null) {
                if (!f.name().matches("[a-z][a-z0-9_]*")) {
                    throw new IllegalArgumentException(table.name() + ": bad column name " + f.name());
                }
                String comment = f.getComment().isDefined() ? f.getComment().get() : "";
                out.add("ALTER TABLE " + qualifiedName + " ADD COLUMNS (`" + f.name() + "` "
                        + f.dataType().sql() + " COMMENT '"
                        + comment.replace("\\", "\\\\").replace("'", "\\'") + "')");
            }
        }
        return out;
    }

    /** The name to query the table by in Spark SQL. */
    String qualifiedName(TableSpec table);

    /** Creates the table with its comment and properties if it does not exist; does nothing if it does. */
    void create(TableSpec table);

    boolean exists(TableSpec table);

    /**
     * Replaces exactly the rows whose partition columns equal {@code partition} with {@code rows},
     * atomically. A collection as a value stands for any of its values ({@code feed IN (...)}).
     * Running it twice with the same rows leaves the same table (idempotent per date). Every row must
     * belong to those partitions.
     */
    void overwritePartition(TableSpec table, Dataset<Row> rows, Map<String, Object> partition);

    /**
     * For a job that writes several tables: runs the quality checks a later {@link #overwritePartition} of
     * these rows would run, now, so that all of the job's checks can pass or fail before its first commit.
     * Returns the rows to write (the write then does not check them again). Plain tables check nothing.
     */
    default Dataset<Row> checkBeforeWriting(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        return rows;
    }

    /**
     * Upserts {@code rows} by the table's key columns: matching rows are replaced, others inserted.
     * Each key may occur at most once in {@code rows}.
     */
    void merge(TableSpec table, Dataset<Row> rows);

    /**
     * Replaces the table's schema, partitioning and every row with {@code rows} in one commit, creating
     * it if needed (state tables rebuilt after their definition changed). Readers see the old table or
     * the new one, never a mix.
     */
    void replace(TableSpec table, Dataset<Row> rows);

    /**
     * Adds the spec's columns the table lacks (nullable, with their comments), so a table keeps its
     * older partitions when a column is added to its definition. A column whose type changed is refused.
     */
    void addMissingColumns(TableSpec table);

    /**
     * Deletes, in one commit, every row whose values in {@code keys}' columns equal a row of {@code keys}
     * (erasure). The key values travel as a Dataset, never as SQL text.
     */
    void deleteMatching(TableSpec table, Dataset<Row> keys);

    /**
     * Removes history older than {@code retention}: data files only older versions used are deleted, and
     * those versions can no longer be read by time travel (erasure from history).
     */
    void purgeHistory(TableSpec table, Duration retention);

    /** Appends rows in one commit. */
    void append(TableSpec table, Dataset<Row> rows);

    Dataset<Row> read(TableSpec table);

    /** The table as of a version returned by {@link #history}. */
    Dataset<Row> readVersion(TableSpec table, long version);

    /** The table as it was at a point in time. */
    Dataset<Row> readAsOf(TableSpec table, Instant time);

    /** Committed versions, oldest first. */
    List<TableVersion> history(TableSpec table);

    /** The table's latest committed version (what {@link #read} sees now). */
    default TableVersion currentVersion(TableSpec table) {
        List<TableVersion> all = history(table);
        return all.get(all.size() - 1);
    }

    /** The table's properties as stored by the format (includes owner, domain and description). */
    Map<String, String> properties(TableSpec table);

    /**
     * Sets table properties in one metadata commit (no data is rewritten). Keys are checked; values are
     * quoted as string literals, so their text cannot end the statement.
     */
    default void setProperties(TableSpec table, Map<String, String> properties) {
        if (properties.isEmpty()) {
            return;
        }
        create(table);
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String> p : properties.entrySet()) {
            if (!p.getKey().matches("[a-z][a-z0-9_.]*")) {
                throw new IllegalArgumentException("bad table property name: " + p.getKey());
            }
            pairs.add("'" + p.getKey() + "' = '"
                    + p.getValue().replace("\\", "\\\\").replace("'", "\\'") + "'");
        }
        sparkSession()
                .sql("ALTER TABLE " + qualifiedName(table) + " SET TBLPROPERTIES (" + String.join(", ", pairs) + ")");
    }

    /** The session the tables are read and written in. */
    SparkSession sparkSession();
}
