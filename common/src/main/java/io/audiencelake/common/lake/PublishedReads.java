package io.audiencelake.common.lake;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The lake-table layer of one job run that reads what upstream runs published, not whatever was committed
 * last. A job commits its tables one at a time; a run killed (or stopped by a quality gate) between two
 * commits leaves a new version of some tables and not of others. Only a run that finishes publishes the
 * versions it committed (in {@code job_runs}), so a reader pinned to the published versions sees every
 * upstream job either wholly before or wholly after a run, never half of one. The pins are taken once, when
 * the run starts, so all its reads see one consistent set of versions.
 *
 * <p>A table this run has written (or changed the schema of, or purged) is read at its latest version:
 * the run's own work, and a purge leaves older versions unreadable. A table no finished run has published
 * yet (a new lake, or one written before publishing existed) is read at its latest version.
 */
public final class PublishedReads implements LakeTables {
  private final LakeTables lake;
  private final Map<String, Long> published;
  private final Map<String, TableSpec> touched = new ConcurrentHashMap<>();

  /** @param published per table name, the version to read */
  public PublishedReads(LakeTables lake, Map<String, Long> published) {
    this.lake = lake;
    this.published = Map.copyOf(published);
  }

  /** Names of the tables this run has written, changed the schema of or purged. */
  public List<TableSpec> touched() {
    return List.copyOf(touched.values());
  }

  @Override
  public Dataset<Row> read(TableSpec table) {
    Long version = published.get(table.name());
    if (version == null || touched.containsKey(table.name())) {
      return lake.read(table);
    }
    return lake.readVersion(table, version);
  }

  @Override
  public void overwritePartition(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
    touched.putIfAbsent(table.name(), table);
    lake.overwritePartition(table, rows, partition);
  }

  @Override
  public void merge(TableSpec table, Dataset<Row> rows) {
    touched.putIfAbsent(table.name(), table);
    lake.merge(table, rows);
  }

  @Override
  public void replace(TableSpec table, Dataset<Row> rows) {
    touched.putIfAbsent(table.name(), table);
    lake.replace(table, rows);
  }

  @Override
  public void append(TableSpec table, Dataset<Row> rows) {
    touched.putIfAbsent(table.name(), table);
    lake.append(table, rows);
  }

  @Override
  public void deleteMatching(TableSpec table, Dataset<Row> keys) {
    touched.putIfAbsent(table.name(), table);
    lake.deleteMatching(table, keys);
  }

  @Override
  public void addMissingColumns(TableSpec table) {
    // Reading an older version after adding a column would miss the column the job expects.
    touched.putIfAbsent(table.name(), table);
    lake.addMissingColumns(table);
  }

  @Override
  public void purgeHistory(TableSpec table, java.time.Duration retention) {
    touched.putIfAbsent(table.name(), table);
    lake.purgeHistory(table, retention);
  }

  @Override
  public String qualifiedName(TableSpec table) {
    return lake.qualifiedName(table);
  }

  @Override
  public void create(TableSpec table) {
    lake.create(table);
  }

  @Override
  public boolean exists(TableSpec table) {
    return lake.exists(table);
  }

  @Override
  public Dataset<Row> readVersion(TableSpec table, long version) {
    return lake.readVersion(table, version);
  }

  @Override
  public Dataset<Row> readAsOf(TableSpec table, Instant time) {
    return lake.readAsOf(table, time);
  }

  @Override
  public List<TableVersion> history(TableSpec table) {
    return lake.history(table);
  }

  @Override
  public TableVersion currentVersion(TableSpec table) {
    return lake.currentVersion(table);
  }

  @Override
  public Map<String, String> properties(TableSpec table) {
    return lake.properties(table);
  }

  @Override
  public SparkSession sparkSession() {
    return lake.sparkSession();
  }

  @Override
  public void setProperties(TableSpec table, Map<String, String> properties) {
    lake.setProperties(table, properties);
  }
}
