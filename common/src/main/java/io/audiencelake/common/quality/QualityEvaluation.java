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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Evaluates a table's checks on the rows about to be written, against the previous run's rows where a
 * check compares. Checks that scan share one aggregation on the executors and checks that group take one each;
 * only their few numbers (and at most a handful of offending groups) reach the driver.
 */
public final class QualityEvaluation {
    private static final int SHOWN_GROUPS = 5;

    private QualityEvaluation() {}

    /**
     * @param previous the rows the previous run wrote to the same partition (or the table before a full
     *     replace); null when there is none, and comparing checks then pass with a note
     */
    public static List<QualityOutcome> evaluate(List<QualityCheck> checks, Dataset<Row> rows, Dataset<Row> previous) {
        // Checks that only scan (row count, nulls, ranges) share one aggregation: a Spark job per check cost more
        // than the checks themselves on a day's rows. Checks that group (unique, size change) run alone.
        List<Column> scan = new ArrayList<>(List.of(count(lit(1)).as("_rows")));
        for (int i = 0; i < checks.size(); i++) {
            QualityCheck check = checks.get(i);
            switch (check.kind()) {
                case NOT_NULL -> {
                    for (int j = 0; j < check.columns().size(); j++) {
                        scan.add(coalesce(
                                        sum(when(col(check.columns().get(j)).isNull(), 1)
                                                .otherwise(0)),
                                        lit(0L))
                                .as("_c" + i + "_" + j));
                    }
                }
                case RANGE -> {
                    Column c = col(check.columns().get(0)).cast("double");
                    Column outside = lit(false);
                    if (check.min() != null) {
                        outside = outside.or(c.lt(check.min()));
                    }
                    if (check.max() != null) {
                        outside = outside.or(c.gt(check.max()));
                    }
                    scan.add(coalesce(sum(when(outside, 1).otherwise(0)), lit(0L))
                            .as("_c" + i + "_out"));
                    scan.add(min(c).as("_c" + i + "_min"));
                    scan.add(max(c).as("_c" + i + "_max"));
                }
                // Grouping checks (and the row count, which _rows answers) add nothing to the shared scan.
                case ROW_COUNT, UNIQUE, SIZE_CHANGE -> {}
            }
        }
        // A table whose checks only group needs no scan at all (one Spark job fewer per gated write).
        boolean scans = checks.stream()
                .anyMatch(c -> c.kind() == QualityCheckKind.ROW_COUNT
                        || c.kind() == QualityCheckKind.NOT_NULL
                        || c.kind() == QualityCheckKind.RANGE);
        Row scanned = scans
                ? rows.agg(scan.get(0), scan.subList(1, scan.size()).toArray(Column[]::new))
                        .first()
                : null;
        Long previousCount = null;
        List<QualityOutcome> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            QualityCheck check = checks.get(i);
            switch (check.kind()) {
                case ROW_COUNT -> {
                    if (previousCount == null && previous != null && check.maxChange() != null) {
                        previousCount = previous.count();
                    }
                    out.add(rowCount(check, scanned.<Long>getAs("_rows"), previousCount));
                }
                case NOT_NULL -> out.add(notNull(check, scanned, i));
                case UNIQUE -> out.add(unique(check, rows));
                case RANGE -> out.add(range(check, scanned, i));
                case SIZE_CHANGE -> out.add(sizeChange(check, rows, previous));
            }
        }
        return out;
    }

    static QualityOutcome rowCount(QualityCheck check, long rows, Long previous) {
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
        Column[] keys = check.columns().stream()
                .map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new);
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
