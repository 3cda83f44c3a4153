package io.audiencelake.common.lake;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A lake-table layer that passes every call to another one: a decorator (quality gates, published reads)
 * extends this and overrides only what it changes, so a method added to {@link LakeTables} is forwarded
 * in one place.
 */
public abstract class ForwardingLakeTables implements LakeTables {
    protected final LakeTables delegate;

    protected ForwardingLakeTables(LakeTables delegate) {
        this.delegate = delegate;
    }

    @Override
    public String qualifiedName(TableSpec table) {
        return delegate.qualifiedName(table);
    }

    @Override
    public void create(TableSpec table) {
        delegate.create(table);
    }

    @Override
    public boolean exists(TableSpec table) {
        return delegate.exists(table);
    }

    @Override
    public void overwritePartition(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        delegate.overwritePartition(table, rows, partition);
    }

    @Override
    public Dataset<Row> checkBeforeWriting(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        return delegate.checkBeforeWriting(table, rows, partition);
    }

    @Override
    public void merge(TableSpec table, Dataset<Row> rows) {
        delegate.merge(table, rows);
    }

    @Override
    public void replace(TableSpec table, Dataset<Row> rows) {
        delegate.replace(table, rows);
    }

    @Override
    public void addMissingColumns(TableSpec table) {
        delegate.addMissingColumns(table);
    }

    @Override
    public void deleteMatching(TableSpec table, Dataset<Row> keys) {
        delegate.deleteMatching(table, keys);
    }

    @Override
    public void purgeHistory(TableSpec table, Duration retention) {
        delegate.purgeHistory(table, retention);
    }

    @Override
    public void append(TableSpec table, Dataset<Row> rows) {
        delegate.append(table, rows);
    }

    @Override
    public Dataset<Row> read(TableSpec table) {
        return delegate.read(table);
    }

    @Override
    public Dataset<Row> readVersion(TableSpec table, long version) {
        return delegate.readVersion(table, version);
    }

    @Override
    public Dataset<Row> readAsOf(TableSpec table, Instant time) {
        return delegate.readAsOf(table, time);
    }

    @Override
    public List<TableVersion> history(TableSpec table) {
        return delegate.history(table);
    }

    @Override
    public TableVersion currentVersion(TableSpec table) {
        return delegate.currentVersion(table);
    }

    @Override
    public Map<String, String> properties(TableSpec table) {
        return delegate.properties(table);
    }

    @Override
    public void setProperties(TableSpec table, Map<String, String> properties) {
        delegate.setProperties(table, properties);
    }

    @Override
    public SparkSession sparkSession() {
        return delegate.sparkSession();
    }
}
