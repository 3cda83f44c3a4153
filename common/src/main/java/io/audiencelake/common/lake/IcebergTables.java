package io.audiencelake.common.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.config.LakeSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;

/**
 * Apache Iceberg tables in the configured Iceberg catalog as {@code <catalog>.<namespace>.<table>}
 * (a Hadoop catalog on a folder or s3a:// by default; Hive, REST or Glue in production).
 */
final class IcebergTables implements LakeTables {
    private final SparkSession spark;
    private final LakeSettings settings;

    private final Set<String> known = ConcurrentHashMap.newKeySet();

    IcebergTables(SparkSession spark, LakeSettings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    @Override
    public SparkSession sparkSession() {
        return spark;
    }

    @Override
    public String qualifiedName(TableSpec table) {
        return settings.icebergCatalog() + "." + settings.namespace() + "." + table.name();
    }

    @Override
    public boolean exists(TableSpec table) {
        return spark.catalog().tableExists(qualifiedName(table));
    }

    @Override
    public void create(TableSpec table) {
        // Every write calls this; a table this instance has seen exist needs no catalog lookup.
        if (known.contains(table.name())) {
            return;
        }
        if (!exists(table)) {
            try {
                writer(table, spark.createDataFrame(List.of(), table.schema())).create();
            } catch (TableAlreadyExistsException e) {
                // Another run created it between the check and now: the same spec, nothing to do.
            }
        }
        known.add(table.name());
    }

    @Override
    public void overwritePartition(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        PartitionPredicate.check(table, partition);
        create(table);
        // Iceberg deletes what the predicate matches and adds the rows in one snapshot; unlike Delta it
        // does not check that the rows match. The guard fails the write (nothing commits) in the same pass.
        Column inside = PartitionPredicate.column(partition);
        rows = rows.where(when(inside, lit(true))
                .otherwise(raise_error(lit(table.name() + ": a row outside partition "
                        + PartitionPredicate.sql(partition) + " was given to a partition overwrite"))));
        try {
            rows.writeTo(qualifiedName(table)).overwrite(inside);
        } catch (NoSuchTableException e) {
            throw new IllegalStateException(qualifiedName(table) + " vanished while being written", e);
        }
    }

    @Override
    public void merge(TableSpec table, Dataset<Row> rows) {
        if (table.keyColumns().isEmpty()) {
            throw new IllegalArgumentException(table.name() + ": merge needs key columns");
        }
        create(table);
        // The statement is built only from our own table and column names (TableSpec checks them);
        // no user text reaches SQL.
        String view = "merge_source_" + UUID.randomUUID().toString().replace("-", "");
        rows.createOrReplaceTempView(view);
        try {
            StringBuilder on = new StringBuilder();
            for (String key : table.keyColumns()) {
                on.append(on.length() == 0 ? "" : " AND ")
                        .append("t.`")
                        .append(key)
                        .append("` = s.`")
                        .append(key)
                        .append('`');
            }
            spark.sql("MERGE INTO " + qualifiedName(table) + " t USING " + view + " s ON " + on
                    + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
        } finally {
            spark.catalog().dropTempView(view);
        }
    }

    @Override
    public void deleteMatching(TableSpec table, Dataset<Row> keys) {
        // Only our own table and column names reach the statement; the values come from the view.
        String view = "delete_keys_" + UUID.randomUUID().toString().replace("-", "");
        keys.distinct().createOrReplaceTempView(view);
        try {
            StringBuilder on = new StringBuilder();
            for (String key : keys.columns()) {
                if (!key.matches("[a-z][a-z0-9_]*")) {
                    throw new IllegalArgumentException(table.name() + ": bad key column " + key);
                }
                on.append(on.length() == 0 ? "" : " AND ")
                        .append("t.`")
                        .append(key)
                        .append("` = s.`")
                        .append(key)
                        .append('`');
            }
            spark.sql("MERGE INTO " + qualifiedName(table) + " t USING " + view + " s ON " + on
                    + " WHEN MATCHED THEN DELETE");
        } finally {
            spark.catalog().dropTempView(view);
        }
    }

    @Override
    public void purgeHistory(TableSpec table, Duration retention) {
        // Expiring snapshots deletes the files only they used; the current snapshot is always kept. The table is
        // named with its catalog: Iceberg first tries a name's first part as a catalog and logs a stack trace
        // when it is only the namespace.
        String olderThan =
                LakeTables.timestampOption(Instant.now().minus(retention).plusMillis(1));
        spark.sql("CALL " + settings.icebergCatalog() + ".system.expire_snapshots(table => '" + qualifiedName(table)
                + "', older_than => TIMESTAMP '" + olderThan + "', retain_last => 1)");
    }

    @Override
    public void replace(TableSpec table, Dataset<Row> rows) {
        // One atomic replace: the new schema, spec and data become the current snapshot together.
        // (A Hadoop catalog logs a missing-metadata stack trace when asked to replace a table it lacks.)
        DataFrameWriterV2<Row> writer = writer(table, LakeTables.withSpecSchema(table, rows));
        if (exists(table)) {
            writer.createOrReplace();
        } else {
            try {
                writer.create();
            } catch (TableAlreadyExistsException e) {
                throw new IllegalStateException(
                        qualifiedName(table) + " was created by another run while being replaced", e);
            }
        }
    }

    /** A writer that creates the table as the spec says: comment, properties, format version, partitions. */
    private DataFrameWriterV2<Row> writer(TableSpec table, Dataset<Row> rows) {
        spark.sql("CREATE NAMESPACE IF NOT EXISTS " + settings.icebergCatalog() + "." + settings.namespace());
        DataFrameWriterV2<Row> writer = rows.writeTo(qualifiedName(table))
                .using("iceberg")
                .tableProperty("comment", table.description())
                .tableProperty("format-version", "2");
        for (Map.Entry<String, String> p : table.properties(settings.owner()).entrySet()) {
            writer = writer.tableProperty(p.getKey(), p.getValue());
        }
        if (!table.partitionColumns().isEmpty()) {
            Column first = col(table.partitionColumns().get(0));
            Column[] rest = table.partitionColumns().stream()
                    .skip(1)
                    .map(org.apache.spark.sql.functions::col)
                    .toArray(Column[]::new);
            writer = writer.partitionedBy(first, rest);
        }
        return writer;
    }

    @Override
    public void addMissingColumns(TableSpec table) {
        create(table);
        for (String statement : LakeTables.addColumnStatements(
                qualifiedName(table), table, read(table).schema())) {
            spark.sql(statement);
        }
        spark.catalog().refreshTable(qualifiedName(table));
    }

    @Override
    public void append(TableSpec table, Dataset<Row> rows) {
        create(table);
        try {
            rows.writeTo(qualifiedName(table)).append();
        } catch (NoSuchTableException e) {
            throw new IllegalStateException(qualifiedName(table) + " vanished while being written", e);
        }
    }

    @Override
    public Dataset<Row> read(TableSpec table) {
        return spark.read().table(qualifiedName(table));
    }

    @Override
    public Dataset<Row> readVersion(TableSpec table, long version) {
        return spark.read().option("versionAsOf", version).table(qualifiedName(table));
    }

    @Override
    public Dataset<Row> readAsOf(TableSpec table, Instant time) {
        return spark.read()
                .option("timestampAsOf", LakeTables.timestampOption(time))
                .table(qualifiedName(table));
    }

    @Override
    public List<TableVersion> history(TableSpec table) {
        List<TableVersion> out = new ArrayList<>();
        for (Row r : spark.read()
                .table(qualifiedName(table) + ".snapshots")
                .select("snapshot_id", "committed_at", "operation")
                .orderBy("committed_at")
                .collectAsList()) {
            out.add(new TableVersion(r.getLong(0), r.getTimestamp(1).toInstant(), r.getString(2)));
        }
        return out;
    }

    @Override
    public Map<String, String> properties(TableSpec table) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Row r : spark.sql("SHOW TBLPROPERTIES " + qualifiedName(table)).collectAsList()) {
            out.put(r.getString(0), r.getString(1));
        }
        // Spark hides the reserved "comment" property from SHOW TBLPROPERTIES; the catalog still has it.
        try {
            String comment = spark.catalog().getTable(qualifiedName(table)).description();
            if (comment != null) {
                out.put(PROPERTY_COMMENT, comment);
            }
        } catch (AnalysisException e) {
            throw new IllegalStateException(qualifiedName(table) + " cannot be described", e);
        }
        return out;
    }
}
