package io.audiencelake.common.lake;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
public final class PublishedReads extends ForwardingLakeTables {
    private final Map<String, Long> published;
    private final Map<String, TableSpec> touched = new ConcurrentHashMap<>();

    /** @param published per table name, the version to read */
    public PublishedReads(LakeTables lake, Map<String, Long> published) {
        super(lake);
        this.published = Map.copyOf(published);
    }

    /** Tables this run has written, changed the schema of or purged. */
    public List<TableSpec> touched() {
        return List.copyOf(touched.values());
    }

    private void touch(TableSpec table) {
        touched.putIfAbsent(table.name(), table);
    }

    @Override
    public Dataset<Row> read(TableSpec table) {
        Long version = published.get(table.name());
        if (version == null || touched.containsKey(table.name())) {
            return delegate.read(table);
        }
        return delegate.readVersion(table, version);
    }

    @Override
    public void overwritePartition(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        touch(table);
        delegate.overwritePartition(table, rows, partition);
    }

    @Override
    public void merge(TableSpec table, Dataset<Row> rows) {
        touch(table);
        delegate.merge(table, rows);
    }

    @Override
    public void replace(TableSpec table, Dataset<Row> rows) {
        touch(table);
        delegate.replace(table, rows);
    }

    @Override
    public void append(TableSpec table, Dataset<Row> rows) {
        touch(table);
        delegate.append(table, rows);
    }

    @Override
    public void deleteMatching(TableSpec table, Dataset<Row> keys) {
        touch(table);
        delegate.deleteMatching(table, keys);
    }

    @Override
    public void addMissingColumns(TableSpec table) {
        // Reading an older version after adding a column would miss the column the job expects.
        touch(table);
        delegate.addMissingColumns(table);
    }

    @Override
    public void purgeHistory(TableSpec table, Duration retention) {
        touch(table);
        delegate.purgeHistory(table, retention);
    }
}
