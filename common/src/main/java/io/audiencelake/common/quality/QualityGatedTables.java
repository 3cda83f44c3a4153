package io.audiencelake.common.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.lake.ForwardingLakeTables;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lake.Versions;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake-table layer of one job run with quality gates in front of it: before a checked table's write
 * commits, its checks run on the rows about to be written (against the previous run's partition where a
 * check compares), the results go to {@code quality_results}, and a failed blocking check throws
 * {@link QualityGateException} instead of writing. The table's current version stays the previous good
 * one because the bad one is never committed. It also notes which tables the run wrote.
 */
public final class QualityGatedTables extends ForwardingLakeTables {
    private static final Logger LOG = LoggerFactory.getLogger(QualityGatedTables.class);
    private final SparkSession spark;
    private final QualityChecks checks;
    private final String runId;
    private final String job;
    private final LocalDate date;
    private final Map<String, TableSpec> written = new LinkedHashMap<>();
    /** Rows whose checks passed before the job's first write: their write commits without checking again. */
    private final Map<Dataset<Row>, TableSpec> checkedAhead = new IdentityHashMap<>();

    public QualityGatedTables(
            LakeTables lake, SparkSession spark, QualityChecks checks, String runId, String job, LocalDate date) {
        super(lake);
        this.spark = spark;
        this.checks = checks;
        this.runId = runId;
        this.job = job;
        this.date = date;
    }

    /** Tables this run committed a write to, in the order of their first write. */
    public List<TableSpec> written() {
        return List.copyOf(written.values());
    }

    @Override
    public void overwritePartition(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        gated(
                table,
                rows,
                () -> previousPartition(table, partition),
                checked -> delegate.overwritePartition(table, checked, partition));
    }

    @Override
    public void replace(TableSpec table, Dataset<Row> rows) {
        gated(
                table,
                rows,
                () -> delegate.exists(table) ? delegate.read(table) : null,
                checked -> delegate.replace(table, checked));
    }

    @Override
    public void merge(TableSpec table, Dataset<Row> rows) {
        gated(table, rows, () -> null, checked -> delegate.merge(table, checked));
    }

    @Override
    public void append(TableSpec table, Dataset<Row> rows) {
        gated(table, rows, () -> null, checked -> delegate.append(table, checked));
    }

    @Override
    public void deleteMatching(TableSpec table, Dataset<Row> keys) {
        delegate.deleteMatching(table, keys);
        written.putIfAbsent(table.name(), table);
    }

    /**
     * Runs the checks of a partition overwrite ahead of time, so that a job writing several tables can check
     * them all before its first commit: returns the rows to pass to {@link #overwritePartition} (kept, so the
     * write does not compute them again, and not checked again), or throws {@link QualityGateException}.
     */
    @Override
    public Dataset<Row> checkBeforeWriting(TableSpec table, Dataset<Row> rows, Map<String, Object> partition) {
        List<QualityCheck> tableChecks = checks.forTable(table.name());
        if (tableChecks.isEmpty()) {
            return rows;
        }
        Dataset<Row> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            check(table, tableChecks, kept, previousPartition(table, partition));
        } catch (RuntimeException e) {
            kept.unpersist();
            throw e;
        }
        checkedAhead.put(kept, table);
        return kept;
    }

    private void gated(
            TableSpec table, Dataset<Row> rows, Supplier<Dataset<Row>> previous, Consumer<Dataset<Row>> write) {
        if (checkedAhead.remove(rows) != null) {
            try {
                write.accept(rows);
                written.putIfAbsent(table.name(), table);
            } finally {
                rows.unpersist();
            }
            return;
        }
        List<QualityCheck> tableChecks = checks.forTable(table.name());
        if (tableChecks.isEmpty()) {
            write.accept(rows);
            written.putIfAbsent(table.name(), table);
            return;
        }
        // The checks and the write read the same rows: keep them rather than compute them twice.
        Dataset<Row> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            check(table, tableChecks, kept, previous.get());
            write.accept(kept);
            written.putIfAbsent(table.name(), table);
        } finally {
            kept.unpersist();
        }
    }

    private void check(TableSpec table, List<QualityCheck> tableChecks, Dataset<Row> kept, Dataset<Row> previous) {
        spark.sparkContext().setJobDescription(job + " " + date + ": quality checks of " + table.name());
        List<QualityOutcome> outcomes = QualityEvaluation.evaluate(tableChecks, current(kept), current(previous));
        record(outcomes);
        List<QualityOutcome> blocking =
                outcomes.stream().filter(QualityOutcome::blocks).toList();
        outcomes.stream()
                .filter(o -> !o.passed() && !o.blocks())
                .forEach(o -> LOG.warn("quality warning: {}", o.describe()));
        LOG.info(
                "{} {}: {} quality check(s) of {}: {} failed",
                job,
                date,
                outcomes.size(),
                table.name(),
                outcomes.stream().filter(o -> !o.passed()).count());
        if (!blocking.isEmpty()) {
            throw new QualityGateException(table.name(), blocking);
        }
    }

    /**
     * A table of versions ({@link Versions#VALID_TO}) is checked on its current versions: with its history
     * counted, a run that loses most of the current rows would pass a row count check.
     */
    private static Dataset<Row> current(Dataset<Row> rows) {
        // By the rows' columns, not the spec's: a table written before it kept versions has none.
        return rows == null || !Arrays.asList(rows.columns()).contains(Versions.VALID_TO)
                ? rows
                : rows.where(col(Versions.VALID_TO).isNull());
    }

    /**
     * The rows of the latest earlier date in the same partition (same non-date partition values), or
     * null when the table or such a date does not exist.
     */
    private Dataset<Row> previousPartition(TableSpec table, Map<String, Object> partition) {
        if (!delegate.exists(table)) {
            return null;
        }
        String dateColumn = null;
        Object dateValue = null;
        Column same = lit(true);
        for (Map.Entry<String, Object> e : partition.entrySet()) {
            Object v = e.getValue() instanceof LocalDate d ? Date.valueOf(d) : e.getValue();
            if (v instanceof Date && dateColumn == null) {
                dateColumn = e.getKey();
                dateValue = v;
            } else if (v instanceof Collection<?> values) {
                same = same.and(col(e.getKey()).isin(values.toArray()));
            } else {
                same = same.and(col(e.getKey()).equalTo(lit(v)));
            }
        }
        Dataset<Row> table0 = delegate.read(table).where(same);
        if (dateColumn == null) {
            return table0;
        }
        Row latest = table0.where(col(dateColumn).lt(lit(dateValue)))
                .agg(org.apache.spark.sql.functions.max(dateColumn))
                .first();
        if (latest.isNullAt(0)) {
            return null;
        }
        return table0.where(col(dateColumn).equalTo(lit(latest.get(0))));
    }

    private void record(List<QualityOutcome> outcomes) {
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (QualityOutcome o : outcomes) {
            rows.add(RowFactory.create(
                    runId,
                    job,
                    Date.valueOf(date),
                    o.check().table(),
                    o.check().name(),
                    o.check().kind().yamlName(),
                    o.check().blocking(),
                    o.passed(),
                    o.observed(),
                    now));
        }
        delegate.append(QualityResults.SPEC, spark.createDataFrame(rows, QualityResults.SPEC.schema()));
    }
}
