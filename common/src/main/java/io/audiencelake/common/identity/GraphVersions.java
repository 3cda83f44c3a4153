package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.lake.Versions;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code id_graph} as versions instead of a full copy per run date. Each run compares the day's graph with the
 * graph as it stood before the run: an identifier still in the same person keeps its version (its counts and
 * last observation refreshed), one that changed person ends its version ({@code moved}) and starts another, a
 * new one starts a version ({@code added}), and one that left ends its version as {@code expired} (not seen for
 * its type's {@code inactive_days}) or {@code removed}. Storage grows with the changes, not with days times
 * identifiers; ended versions are dropped {@code history_days} after they ended.
 *
 * <p>A rerun of a date first undoes that date (versions it began are dropped, versions it ended are reopened),
 * so it gives the same table. A run for a date before the latest run is refused: the graph moves forward.
 */
public final class GraphVersions {
    /** The columns of the graph of one date, as the identity job computes it. */
    public static final List<String> DAY_COLUMNS = List.of(
            IdGraph.PERSON_ID,
            IdGraph.ID_TYPE,
            IdGraph.ID_VALUE,
            IdGraph.HASHED,
            IdGraph.FIRST_SEEN,
            IdGraph.LAST_SEEN,
            IdGraph.PERSON_SIZE,
            IdGraph.OVERSIZED);
    /** An identifier's version lasts while it stays in one person. */
    public static final Versions VERSIONS =
            new Versions(List.of(IdGraph.ID_TYPE, IdGraph.ID_VALUE), List.of(IdGraph.PERSON_ID), DAY_COLUMNS);

    private GraphVersions() {}

    /**
     * The graph as of {@code date}: one row per identifier in a person on that date, with the day's columns and
     * {@code dt}. {@code person_size} is counted on that date; {@code last_seen} is capped at the date's end
     * (a current version's is refreshed by later runs).
     */
    public static Dataset<Row> asOf(Dataset<Row> table, LocalDate date) {
        Timestamp endOfDay = Timestamp.from(
                date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000));
        return table.where(Versions.validOn(date))
                .withColumn(IdGraph.LAST_SEEN, least(col(IdGraph.LAST_SEEN), lit(endOfDay)))
                .withColumn(IdGraph.PERSON_SIZE, count(lit(1)).over(Window.partitionBy(IdGraph.PERSON_ID)))
                .withColumn(IdGraph.DT, lit(Date.valueOf(date)))
                .select(columns(DAY_COLUMNS, IdGraph.DT));
    }

    /** The latest run date the table holds (the latest version start or end), or null when it is empty. */
    public static LocalDate latestRun(Dataset<Row> table) {
        return Versions.latestRun(table);
    }

    /** The versions as they stood before {@code date}'s run. */
    public static Dataset<Row> before(Dataset<Row> table, LocalDate date) {
        return VERSIONS.before(table, date);
    }

    /**
     * The whole table after {@code date}'s run of {@code day} (the day's graph, {@link #DAY_COLUMNS}): an
     * identifier that left ends as expired when it is in {@code expired} (id_type, id_value: those no feed
     * delivered for their type's inactivity limit), else as removed.
     */
    public static Dataset<Row> next(
            Dataset<Row> table, Dataset<Row> day, LocalDate date, int historyDays, Dataset<Row> expired) {
        Dataset<Row> versions = VERSIONS.next(table, day, date, historyDays, null);
        Dataset<Row> flags =
                expired.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE).distinct().withColumn("_expired", lit(true));
        Column endedToday = col(IdGraph.VALID_TO).equalTo(lit(Date.valueOf(date)));
        return versions.join(flags, new String[] {IdGraph.ID_TYPE, IdGraph.ID_VALUE}, "left")
                .withColumn(
                        IdGraph.ENDED,
                        when(
                                        endedToday
                                                .and(col(IdGraph.ENDED).equalTo(IdGraph.REMOVED))
                                                .and(col("_expired").isNotNull()),
                                        lit(IdGraph.EXPIRED))
                                .otherwise(col(IdGraph.ENDED)))
                .select(Arrays.stream(IdGraph.SPEC.schema().fieldNames())
                        .map(c -> col(c))
                        .toArray(Column[]::new));
    }

    /** Each id type's inactivity limit in days, as a column over {@code idType}. */
    public static Column inactiveDays(Column idType, IdentityRules.Expiry expiry) {
        Column days = lit(expiry.inactiveDaysOf(IdentityRules.DEFAULT));
        for (Map.Entry<String, Integer> e : expiry.inactiveDays().entrySet()) {
            days = when(idType.equalTo(e.getKey()), lit(e.getValue())).otherwise(days);
        }
        return days;
    }

    private static Column[] columns(List<String> names, String... more) {
        List<Column> out = new ArrayList<>();
        names.forEach(n -> out.add(col(n)));
        Arrays.stream(more).forEach(n -> out.add(col(n)));
        return out.toArray(Column[]::new);
    }
}
