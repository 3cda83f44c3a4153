package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

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
import org.apache.spark.sql.types.DataTypes;

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

    private GraphVersions() {}

    /**
     * The graph as of {@code date}: one row per identifier in a person on that date, with the day's columns and
     * {@code dt}. {@code person_size} is counted on that date; {@code last_seen} is capped at the date's end
     * (a current version's is refreshed by later runs).
     */
    public static Dataset<Row> asOf(Dataset<Row> table, LocalDate date) {
        Date d = Date.valueOf(date);
        Timestamp endOfDay = Timestamp.from(
                date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000));
        return table.where(validOn(d))
                .withColumn(IdGraph.LAST_SEEN, least(col(IdGraph.LAST_SEEN), lit(endOfDay)))
                .withColumn(IdGraph.PERSON_SIZE, count(lit(1)).over(Window.partitionBy(IdGraph.PERSON_ID)))
                .withColumn(IdGraph.DT, lit(d))
                .select(columns(DAY_COLUMNS, IdGraph.DT));
    }

    /** Versions that hold on {@code date}. */
    private static Column validOn(Date date) {
        return col(IdGraph.VALID_FROM)
                .leq(lit(date))
                .and(col(IdGraph.VALID_TO).isNull().or(col(IdGraph.VALID_TO).gt(lit(date))));
    }

    /**
     * Versions from an id_graph of daily snapshots (the table before it kept versions): the latest snapshot
     * before {@code date}, each identifier added on its date. Older snapshots are not carried over.
     */
    public static Dataset<Row> fromSnapshots(Dataset<Row> snapshots, LocalDate date) {
        Row latest = snapshots
                .where(col(IdGraph.DT).lt(lit(Date.valueOf(date))))
                .agg(max(IdGraph.DT))
                .first();
        Dataset<Row> rows = latest.isNullAt(0)
                ? snapshots.where(lit(false))
                : snapshots.where(col(IdGraph.DT).equalTo(lit(latest.getDate(0))));
        return rows.select(versionOf("", col(IdGraph.DT), lit(IdGraph.ADDED), null, null));
    }

    /** The latest run date the table holds (the latest version start or end), or null when it is empty. */
    public static LocalDate latestRun(Dataset<Row> table) {
        Row r = table.agg(max(IdGraph.VALID_FROM), max(IdGraph.VALID_TO)).first();
        LocalDate from = r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
        LocalDate to = r.isNullAt(1) ? null : r.getDate(1).toLocalDate();
        return from == null || (to != null && to.isAfter(from)) ? to : from;
    }

    /**
     * The versions as they stood before {@code date}'s run: those begun before it and not ended before it, the
     * ones that run ended reopened (versions of the table's columns).
     */
    public static Dataset<Row> before(Dataset<Row> table, LocalDate date) {
        Date d = Date.valueOf(date);
        return table.where(col(IdGraph.VALID_FROM)
                        .lt(lit(d))
                        .and(col(IdGraph.VALID_TO)
                                .isNull()
                                .or(col(IdGraph.VALID_TO).geq(lit(d)))))
                .withColumn(IdGraph.VALID_TO, lit(null).cast(DataTypes.DateType))
                .withColumn(IdGraph.ENDED, lit(null).cast(DataTypes.StringType))
                .select(tableColumns());
    }

    /**
     * The whole table after {@code date}'s run: the history still kept, the versions of {@code before} carried
     * on or ended, and new versions for the identifiers of {@code day} (the day's graph, {@link #DAY_COLUMNS})
     * that are new or changed person.
     */
    public static Dataset<Row> next(Dataset<Row> table, Dataset<Row> day, LocalDate date, IdentityRules.Expiry expiry) {
        Date d = Date.valueOf(date);
        Dataset<Row> history = table.where(col(IdGraph.VALID_TO)
                        .lt(lit(d))
                        .and(col(IdGraph.VALID_TO).geq(lit(Date.valueOf(date.minusDays(expiry.historyDays()))))))
                .select(tableColumns());
        return history.unionByName(changes(before(table, date), day, date, expiry));
    }

    /** The versions of {@code before} carried on or ended, and the new versions of {@code day}. */
    public static Dataset<Row> changes(
            Dataset<Row> before, Dataset<Row> day, LocalDate date, IdentityRules.Expiry expiry) {
        Date d = Date.valueOf(date);
        Dataset<Row> b = before.select(prefixed("b_", IdGraph.SPEC.schema().fieldNames()));
        Dataset<Row> g = day.select(prefixed("g_", DAY_COLUMNS.toArray(String[]::new)));
        Dataset<Row> joined = b.join(
                g,
                b.col("b_" + IdGraph.ID_TYPE)
                        .equalTo(g.col("g_" + IdGraph.ID_TYPE))
                        .and(b.col("b_" + IdGraph.ID_VALUE).equalTo(g.col("g_" + IdGraph.ID_VALUE))),
                "full_outer");
        Column inBefore = col("b_" + IdGraph.ID_VALUE).isNotNull();
        Column inDay = col("g_" + IdGraph.ID_VALUE).isNotNull();
        Column samePerson =
                inBefore.and(inDay).and(col("b_" + IdGraph.PERSON_ID).equalTo(col("g_" + IdGraph.PERSON_ID)));
        Dataset<Row> carried = joined.where(samePerson)
                .select(versionOf("g_", col("b_" + IdGraph.VALID_FROM), col("b_" + IdGraph.CHANGE), null, null));
        Dataset<Row> started = joined.where(inDay.and(samePerson.unary_$bang()))
                .select(versionOf(
                        "g_", lit(d), when(inBefore, lit(IdGraph.MOVED)).otherwise(lit(IdGraph.ADDED)), null, null));
        Column daysUnseen = datediff(lit(d), to_date(col("b_" + IdGraph.LAST_SEEN)));
        Column ended = when(inDay, lit(IdGraph.MOVED))
                .when(daysUnseen.geq(inactiveDays(col("b_" + IdGraph.ID_TYPE), expiry)), lit(IdGraph.EXPIRED))
                .otherwise(lit(IdGraph.REMOVED));
        Dataset<Row> closed = joined.where(inBefore.and(samePerson.unary_$bang()))
                .select(versionOf("b_", col("b_" + IdGraph.VALID_FROM), col("b_" + IdGraph.CHANGE), lit(d), ended));
        return carried.unionByName(started).unionByName(closed);
    }

    /** Each id type's inactivity limit in days, as a column over {@code idType}. */
    public static Column inactiveDays(Column idType, IdentityRules.Expiry expiry) {
        Column days = lit(expiry.inactiveDaysOf(IdentityRules.DEFAULT));
        for (Map.Entry<String, Integer> e : expiry.inactiveDays().entrySet()) {
            days = when(idType.equalTo(e.getKey()), lit(e.getValue())).otherwise(days);
        }
        return days;
    }

    private static Column[] versionOf(String prefix, Column validFrom, Column change, Column validTo, Column ended) {
        List<Column> out = new ArrayList<>();
        for (String c : DAY_COLUMNS) {
            out.add(col(prefix + c).as(c));
        }
        out.add(validFrom.as(IdGraph.VALID_FROM));
        out.add((validTo == null ? lit(null).cast(DataTypes.DateType) : validTo).as(IdGraph.VALID_TO));
        out.add(change.as(IdGraph.CHANGE));
        out.add((ended == null ? lit(null).cast(DataTypes.StringType) : ended).as(IdGraph.ENDED));
        return out.toArray(Column[]::new);
    }

    private static Column[] prefixed(String prefix, String... names) {
        return Arrays.stream(names).map(n -> col(n).as(prefix + n)).toArray(Column[]::new);
    }

    private static Column[] tableColumns() {
        return columns(List.of(IdGraph.SPEC.schema().fieldNames()));
    }

    private static Column[] columns(List<String> names, String... more) {
        List<Column> out = new ArrayList<>();
        names.forEach(n -> out.add(col(n)));
        Arrays.stream(more).forEach(n -> out.add(col(n)));
        return out.toArray(Column[]::new);
    }
}
