package io.audiencelake.common.quality;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.lake.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What a quality check looks at, as written in quality.yaml, with how it is measured: the aggregates it adds to
 * the table's one shared scan (if any), and its outcome from that scan or from a grouping of its own, and which
 * of quality.yaml's fields it takes. Adding a check is a constant here.
 */
public enum QualityCheckKind {
    /** Rows written: within [min, max], and within max_change of the previous run's partition. */
    ROW_COUNT {
        @Override
        void checkFields(Fields f, TableSpec spec, ConfigNode c) {
            if (!f.columns().isEmpty()) {
                c.problem("columns", "row_count counts rows: it takes min, max and max_change, not columns");
            }
            if (f.min() == null && f.max() == null && f.maxChange() == null) {
                c.problem("check", "row_count needs min, max or max_change");
            }
        }

        @Override
        boolean scans() {
            return true; // the scan's row count
        }

        @Override
        QualityOutcome outcome(QualityCheck check, int index, QualityEvaluation.Inputs in) {
            return rowCount(
                    check,
                    in.scanned().<Long>getAs(QualityEvaluation.ROWS),
                    check.maxChange() == null ? null : in.previousCount());
        }
    },
    /** No nulls in the columns (default: the table's key columns). */
    NOT_NULL {
        @Override
        void checkFields(Fields f, TableSpec spec, ConfigNode c) {
            keyColumnsByDefault(f, spec, c);
        }

        @Override
        boolean scans() {
            return true;
        }

        @Override
        List<Column> scan(QualityCheck check, int index) {
            List<Column> out = new ArrayList<>();
            for (int j = 0; j < check.columns().size(); j++) {
                out.add(coalesce(
                                sum(when(col(check.columns().get(j)).isNull(), 1)
                                        .otherwise(0)),
                                lit(0L))
                        .as("_c" + index + "_" + j));
            }
            return out;
        }

        @Override
        QualityOutcome outcome(QualityCheck check, int index, QualityEvaluation.Inputs in) {
            return notNull(check, in.scanned(), index);
        }
    },
    /** No two rows share the columns' values (default: the table's key columns). */
    UNIQUE {
        @Override
        void checkFields(Fields f, TableSpec spec, ConfigNode c) {
            keyColumnsByDefault(f, spec, c);
        }

        @Override
        QualityOutcome outcome(QualityCheck check, int index, QualityEvaluation.Inputs in) {
            return unique(check, in.rows());
        }
    },
    /** Every non-null value of the column within [min, max]. */
    RANGE {
        @Override
        void checkFields(Fields f, TableSpec spec, ConfigNode c) {
            if (f.columns().size() != 1) {
                c.problem("column", "is required: the one numeric column whose values must lie in [min, max]");
            }
            if (f.min() == null && f.max() == null) {
                c.problem("check", "range needs min or max");
            }
        }

        @Override
        boolean scans() {
            return true;
        }

        @Override
        List<Column> scan(QualityCheck check, int index) {
            Column c = col(check.columns().get(0)).cast("double");
            Column outside = lit(false);
            if (check.min() != null) {
                outside = outside.or(c.lt(check.min()));
            }
            if (check.max() != null) {
                outside = outside.or(c.gt(check.max()));
            }
            return List.of(
                    coalesce(sum(when(outside, 1).otherwise(0)), lit(0L)).as("_c" + index + "_out"),
                    min(c).as("_c" + index + "_min"),
                    max(c).as("_c" + index + "_max"));
        }

        @Override
        QualityOutcome outcome(QualityCheck check, int index, QualityEvaluation.Inputs in) {
            return range(check, in.scanned(), index);
        }
    },
    /** Rows per value of the group column (e.g. a segment's size) within max_change of the previous run. */
    SIZE_CHANGE {
        @Override
        void checkFields(Fields f, TableSpec spec, ConfigNode c) {
            if (f.columns().size() != 1) {
                c.problem("group", "is required: the column whose values' row counts are compared, e.g. segment_id");
            }
            if (f.maxChange() == null) {
                c.problem("max_change", "is required for size_change: the largest allowed relative change, e.g. 0.5");
            }
        }

        @Override
        QualityOutcome outcome(QualityCheck check, int index, QualityEvaluation.Inputs in) {
            return sizeChange(check, in.rows(), in.previous());
        }
    };

    private static final int SHOWN_GROUPS = 5;

    /** What quality.yaml gave a check: the kind says which of these it takes and needs. */
    record Fields(List<String> columns, Double min, Double max, Double maxChange) {}

    /** Reports what the kind needs and was not given (or was given and does not take); may default the columns. */
    abstract void checkFields(Fields fields, TableSpec spec, ConfigNode c);

    /** The columns a null or uniqueness check looks at: those given, else the table's key columns. */
    private static void keyColumnsByDefault(Fields f, TableSpec spec, ConfigNode c) {
        if (f.columns().isEmpty()) {
            f.columns().addAll(spec.keyColumns());
        }
        if (f.columns().isEmpty()) {
            c.problem("columns", "is required: " + spec.name() + " has no key columns to default to");
        }
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The aggregates this check (the {@code index}-th of its table) adds to the table's shared scan. */
    List<Column> scan(QualityCheck check, int index) {
        return List.of();
    }

    /** Whether the check reads the shared scan (a table whose checks do not is never scanned). */
    boolean scans() {
        return false;
    }

    /** The check's outcome on the rows about to be written. */
    abstract QualityOutcome outcome(QualityCheck check, int index, QualityEvaluation.Inputs in);

    private static QualityOutcome rowCount(QualityCheck check, long rows, Long previous) {
        List<String> problems = new ArrayList<>();
        if (check.min() != null && rows < check.min()) {
            problems.add("below min " + QualityCheck.format(check.min()));
        }
        if (check.max() != null && rows > check.max()) {
            problems.add("above max " + QualityCheck.format(check.max()));
        }
        String seen = rows + " rows";
        if (check.maxChange() != null) {
            if (previous == null || previous < Math.max(1, check.minPrevious())) {
                seen += previous == null
                        ? ", no previous run to compare"
                        : ", previous " + previous + " too small to compare";
            } else {
                double change = Math.abs(rows - previous) / (double) previous;
                seen += String.format(
                        Locale.ROOT, ", previous %d (%+.1f%%)", previous, 100.0 * (rows - previous) / previous);
                if (change > check.maxChange()) {
                    problems.add("changed more than " + QualityCheck.format(100 * check.maxChange()) + "%");
                }
            }
        }
        return new QualityOutcome(
                check, problems.isEmpty(), seen + (problems.isEmpty() ? "" : ": " + String.join(", ", problems)));
    }

    private static QualityOutcome notNull(QualityCheck check, Row scanned, int index) {
        List<String> found = new ArrayList<>();
        for (int j = 0; j < check.columns().size(); j++) {
            long n = ((Number) scanned.getAs("_c" + index + "_" + j)).longValue();
            if (n > 0) {
                found.add(n + " null " + check.columns().get(j));
            }
        }
        return new QualityOutcome(check, found.isEmpty(), found.isEmpty() ? "no nulls" : String.join(", ", found));
    }

    private static QualityOutcome unique(QualityCheck check, Dataset<Row> rows) {
        Column[] keys = check.columns().stream().map(functions::col).toArray(Column[]::new);
        Row dup = rows.groupBy(keys)
                .agg(count(lit(1)).as("n"))
                .where(col("n").gt(1))
                .agg(count(lit(1)), coalesce(sum(col("n")), lit(0L)))
                .first();
        long keysRepeated = dup.getLong(0);
        return new QualityOutcome(
                check,
                keysRepeated == 0,
                keysRepeated == 0
                        ? "all keys unique"
                        : keysRepeated + " key(s) repeated, on " + ((Number) dup.get(1)).longValue() + " rows");
    }

    private static QualityOutcome range(QualityCheck check, Row scanned, int index) {
        long n = ((Number) scanned.getAs("_c" + index + "_out")).longValue();
        Object low = scanned.getAs("_c" + index + "_min");
        String seen = low == null
                ? "no values"
                : String.format(
                        Locale.ROOT,
                        "values in [%s, %s]",
                        QualityCheck.format((Double) low),
                        QualityCheck.format(scanned.<Double>getAs("_c" + index + "_max")));
        return new QualityOutcome(check, n == 0, n == 0 ? seen : n + " value(s) outside, " + seen);
    }

    private static QualityOutcome sizeChange(QualityCheck check, Dataset<Row> rows, Dataset<Row> previous) {
        if (previous == null) {
            return new QualityOutcome(check, true, "no previous run to compare");
        }
        String group = check.columns().get(0);
        Dataset<Row> now = rows.groupBy(col(group).as("g")).agg(count(lit(1)).as("now"));
        Dataset<Row> before =
                previous.groupBy(col(group).as("g")).agg(count(lit(1)).as("before"));
        Dataset<Row> compared = before.where(col("before").geq(Math.max(1, check.minPrevious())))
                .join(now, new String[] {"g"}, "left")
                .withColumn("now", coalesce(col("now"), lit(0L)))
                .withColumn("change", abs(col("now").minus(col("before"))).divide(col("before")));
        Dataset<Row> over = compared.where(col("change").gt(check.maxChange()));
        Row totals = compared.agg(
                        count(lit(1)),
                        coalesce(
                                sum(when(col("change").gt(check.maxChange()), 1).otherwise(0)), lit(0L)))
                .first();
        long groups = totals.getLong(0);
        long failing = ((Number) totals.get(1)).longValue();
        if (failing == 0) {
            return new QualityOutcome(
                    check,
                    true,
                    groups + " " + group + " value(s) compared, none changed more than "
                            + QualityCheck.format(100 * check.maxChange()) + "%");
        }
        List<String> shown = new ArrayList<>();
        for (Row r :
                over.orderBy(col("change").desc(), col("g")).limit(SHOWN_GROUPS).collectAsList()) {
            shown.add(String.format(
                    Locale.ROOT, "%s %d -> %d", r.getAs("g"), r.<Long>getAs("before"), r.<Long>getAs("now")));
        }
        return new QualityOutcome(
                check,
                false,
                failing + " of " + groups + " " + group + " value(s) changed more than "
                        + QualityCheck.format(100 * check.maxChange()) + "%: " + String.join(", ", shown)
                        + (failing > SHOWN_GROUPS ? ", ..." : ""));
    }
}
