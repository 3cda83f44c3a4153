package io.audiencelake.common.lake;

import static org.apache.spark.sql.functions.col;

import io.audiencelake.common.config.DataPaths;
import io.audiencelake.common.config.LakeSettings;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.Option;

/**
 * Delta Lake tables stored at {@code <delta location>/<namespace>/<table>} and registered in the
 * session catalog as {@code <namespace>.<table>}. The table lives at its path, so it survives any
 * catalog (the default in-memory one included); registering it again in a new session is cheap.
 */
final class DeltaTables implements LakeTables {
    private final SparkSession spark;
    private final LakeSettings settings;
    /**
     * Tables this instance created or found registered: every write calls {@link #create}, and checking
     * again (CREATE DATABASE, a log lookup, a catalog lookup) cost a fraction of a second per write.
     */
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    DeltaTables(SparkSession spark, LakeSettings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    String location(TableSpec table) {
        return DataPaths.join(DataPaths.join(settings.deltaLocation(), settings.namespace()), table.name());
    }

    @Override
    public SparkSession sparkSession() {
        return spark;
    }

    @Override
    public String qualifiedName(TableSpec table) {
        return "spark_catalog." + settings.namespace() + "." + table.name();
    }

    @Override
    public boolean exists(TableSpec table) {
        return DeltaTable.isDeltaTable(spark, location(table));
    }

    @Override
    public void create(TableSpec table) {
        if (known.contains(table.name())) {
            return;
        }
        // A catalog lookup, not a statement: CREATE DATABASE IF NOT EXISTS is parsed, planned and run as a command
        // (about a quarter of a second) on every first write of a table in a run.
        if (!spark.catalog().databaseExists("spark_catalog." + settings.namespace())) {
            spark.sql("CREATE DATABASE IF NOT EXISTS spark_catalog." + settings.namespace());
        }
        if (exists(table)) {
            register(table);
            known.add(table.name());
            return;
        }
        DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark)
                .tableName(settings.namespace() + "." + table.name())
                .location(location(table))
                .addColumns(table.schema())
                .comment(table.description());
        if (!table.partitionColumns().isEmpty()) {
            builder = builder.partitionedBy(table.partitionColumns().toArray(String[]::new));
        }
        for (Map.Entry<String, String> p : table.properties(settings.owner()).entrySet()) {
            builder = builder.property(p.getKey(), p.getValue());
        }
        builder.execute();
        known.add(table.name());
    }

    /** Makes a table written by an earlier session queryable by name in this one. */
    private void register(TableSpec table) {
        if (!spark.catalog().tableExists(qualifiedName(table))) {
            spark.catalog().createTable(qualifiedName(table), location(table), "delta");
        }
    }

    @Override
    public void overwritePartition(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        PartitionPredicate.check(table, partition);
        create(table);
        // replaceWhere also refuses rows outside the partition, so nothing is silently misplaced.
        rows.write()
                .format("delta")
                .mode("overwrite")
                .option("replaceWhere", PartitionPredicate.sql(partition))
                .save(location(table));
    }

    @Override
    public void merge(TableSpec table, Dataset<Row> rows) {
        if (table.keyColumns().isEmpty()) {
            throw new IllegalArgumentException(table.name() + ": merge needs key columns");
        }
        create(table);
        Column on = null;
        for (String key : table.keyColumns()) {
            Column eq = col("t." + key).equalTo(col("s." + key));
            on = on == null ? eq : on.and(eq);
        }
        DeltaTable.forPath(spark, location(table))
                .as("t")
                .merge(rows.as("s"), on)
                .whenMatched()
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .execute();
    }

    @Override
    public void deleteMatching(TableSpec table, Dataset<Row> keys) {
        Column on = null;
        for (String key : keys.columns()) {
            Column eq = col("t." + key).equalTo(col("s." + key));
            on = on == null ? eq : on.and(eq);
        }
        DeltaTable.forPath(spark, location(table))
                .as("t")
                .merge(keys.distinct().as("s"), on)
                .whenMatched()
                .delete()
                .execute();
    }

    @Override
    public void purgeHistory(TableSpec table, Duration retention) {
        // Delta refuses a retention under 7 days unless told that no reader or writer uses older files.
        String check = "spark.databricks.delta.retentionDurationCheck.enabled";
        // Vacuum lists the table with this many tasks: Spark's default of 10,000 makes a small table take
        // minutes; a few per core is plenty unless the deployment chose a value.
        String listing = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
        boolean chosen = spark.conf().contains(listing);
        String before = spark.conf().get(check, "true");
        spark.conf().set(check, "false");
        if (!chosen) {
            spark.conf()
                    .set(
                            listing,
                            String.valueOf(Math.max(8, spark.sparkContext().defaultParallelism() * 4)));
        }
        try {
            DeltaTable.forPath(spark, location(table)).vacuum(retention.toMinutes() / 60.0);
        } finally {
            spark.conf().set(check, before);
            if (!chosen) {
                spark.conf().unset(listing);
            }
        }
    }

    @Override
    public void replace(TableSpec table, Dataset<Row> rows) {
        create(table);
        // overwriteSchema swaps schema and partitioning with the data in one commit; properties stay.
        var writer = LakeTables.withSpecSchema(table, rows)
                .write()
                .format("delta")
                .mode("overwrite")
                .option("overwriteSchema", "true");
        if (!table.partitionColumns().isEmpty()) {
            writer = writer.partitionBy(table.partitionColumns().toArray(String[]::new));
        }
        writer.save(location(table));
        spark.catalog().refreshTable(qualifiedName(table));
    }

    @Override
    public void addMissingColumns(TableSpec table) {
        create(table);
        for (String statement : LakeTables.addColumnStatements(
                qualifiedName(table), table, read(table).schema())) {
            spark.sql(statement);
        }
    }

    @Override
    public void append(TableSpec table, Dataset<Row> rows) {
        create(table);
        rows.write().format("delta").mode("append").save(location(table));
    }

    @Override
    public Dataset<Row> read(TableSpec table) {
        return spark.read().format("delta").load(location(table));
    }

    @Override
    public Dataset<Row> readVersion(TableSpec table, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(location(table));
    }

    @Override
    public Dataset<Row> readAsOf(TableSpec table, Instant time) {
        return spark.read()
                .format("delta")
                .option("timestampAsOf", LakeTables.timestampOption(time))
                .load(location(table));
    }

    @Override
    public List<TableVersion> history(TableSpec table) {
        List<TableVersion> out = new ArrayList<>();
        // History is one row per commit and Delta keeps 30 days of it by default: small enough to collect.
        for (Row r : DeltaTable.forPath(spark, location(table))
                .history()
                .select("version", "timestamp", "operation")
                .orderBy("version")
                .collectAsList()) {
            out.add(new TableVersion(r.getLong(0), r.getTimestamp(1).toInstant(), r.getString(2)));
        }
        return out;
    }

    @Override
    public TableVersion currentVersion(TableSpec table) {
        // The log's latest snapshot (a listing of the log; no Spark job, unlike history(1), which every job run
        // paid per table it wrote). The operation is not part of a snapshot and not needed to publish a version.
        Snapshot latest = DeltaLog.forTable(spark, location(table)).update(false, Option.empty(), Option.empty());
        return new TableVersion(latest.version(), Instant.ofEpochMilli(latest.timestamp()), null);
    }

    @Override
    public Map<String, String> properties(TableSpec table) {
        Row detail = DeltaTable.forPath(spark, location(table)).detail().first();
        Map<String, String> out = new LinkedHashMap<>(detail.getJavaMap(detail.fieldIndex("properties")));
        String description = detail.getAs("description");
        if (description != null) {
            out.put(PROPERTY_COMMENT, description);
        }
        return out;
    }
}
