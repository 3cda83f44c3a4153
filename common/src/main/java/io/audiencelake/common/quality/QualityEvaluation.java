package io.audiencelake.common.quality;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Evaluates a table's checks on the rows about to be written, against the previous run's rows where a
 * check compares. Checks that scan share one aggregation on the executors and checks that group take one each;
 * only their few numbers (and at most a handful of offending groups) reach the driver. What each check
 * measures is its {@link QualityCheckKind}'s.
 */
public final class QualityEvaluation {
    /** The shared scan's row count. */
    static final String ROWS = "_rows";

    private QualityEvaluation() {}

    /**
     * What a check's outcome is computed from: the rows, the previous run's rows (null when there is none), the
     * shared scan's row (null when no check of the table scans), and the previous rows' count, counted once.
     */
    static final class Inputs {
        private final Dataset<Row> rows;
        private final Dataset<Row> previous;
        private final Row scanned;
        private Long previousCount;

        Inputs(Dataset<Row> rows, Dataset<Row> previous, Row scanned) {
            this.rows = rows;
            this.previous = previous;
            this.scanned = scanned;
        }

        Dataset<Row> rows() {
            return rows;
        }

        Dataset<Row> previous() {
            return previous;
        }

        Row scanned() {
            return scanned;
        }

        /** The previous run's row count, or null when there is no previous run. */
        Long previousCount() {
            if (previousCount == null && previous != null) {
                previousCount = previous.count();
            }
            return previousCount;
        }
    }

    /**
     * @param previous the rows the previous run wrote to the same partition (or the table before a full
     *     replace); null when there is none, and comparing checks then pass with a note
     */
    public static List<QualityOutcome> evaluate(List<QualityCheck> checks, Dataset<Row> rows, Dataset<Row> previous) {
        // Checks that only scan (row count, nulls, ranges) share one aggregation: a Spark job per check cost more
        // than the checks themselves on a day's rows. Checks that group (unique, size change) run alone, and a
        // table whose checks only group is not scanned at all.
        List<Column> scan = new ArrayList<>(List.of(count(lit(1)).as(ROWS)));
        for (int i = 0; i < checks.size(); i++) {
            scan.addAll(checks.get(i).kind().scan(checks.get(i), i));
        }
        boolean scans = checks.stream().anyMatch(c -> c.kind().scans());
        Row scanned = scans
                ? rows.agg(scan.get(0), scan.subList(1, scan.size()).toArray(Column[]::new))
                        .first()
                : null;
        Inputs inputs = new Inputs(rows, previous, scanned);
        List<QualityOutcome> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            out.add(checks.get(i).kind().outcome(checks.get(i), i, inputs));
        }
        return out;
    }
}
