package io.audiencelake.common.lake;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * A table kept as versions (type-2 history) rather than a full copy per run date: a row per key and version,
 * from the run that began it ({@link #VALID_FROM}) to the run that ended it ({@link #VALID_TO}, null while
 * current), with how it began ({@link #CHANGE}: {@link #ADDED} or {@link #MOVED}) and ended ({@link #ENDED}).
 * A change of the {@code identity} columns (an identifier's person, a link's kind) ends a version and begins
 * another; the other columns are refreshed on the current version. Storage grows with the changes.
 *
 * <p>Each run compares the run's rows with the table as it stood before the run. A rerun of a date first undoes
 * that date (versions it began dropped, versions it ended reopened), so it gives the same table.
 *
 * @param key the columns that name a row (an identifier, a link)
 * @param identity columns whose change begins a new version
 * @param columns the run's columns (key and identity included), in table order
 */
public record Versions(List<String> key, List<String> identity, List<String> columns) {
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final String CHANGE = "change";
    public static final String ENDED = "ended";
    /** Began: a new key. */
    public static final String ADDED = "added";
    /** Began or ended because an identity column changed (an identifier moved to another person). */
    public static final String MOVED = "moved";
    /** Ended: the key is not in the run's rows for another reason than the caller's. */
    public static final String REMOVED = "removed";

    private static final String BEFORE = "b_";
    private static final String RUN = "g_";

    public Versions {
        key = List.copyOf(key);
        identity = List.copyOf(identity);
        columns = List.copyOf(columns);
    }

    /** Versions that hold on {@code date}. */
    public static Column validOn(LocalDate date) {
        Date d = Date.valueOf(date);
        return col(VALID_FROM)
                .leq(lit(d))
                .and(col(VALID_TO).isNull().or(col(VALID_TO).gt(lit(d))));
    }

    /** The latest run date the table holds (the latest version start or end), or null when it is empty. */
    public static LocalDate latestRun(Dataset<Row> table) {
        Row r = table.agg(max(VALID_FROM), max(VALID_TO)).first();
        LocalDate from = r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
        LocalDate to = r.isNullAt(1) ? null : r.getDate(1).toLocalDate();
        return from == null || (to != null && to.isAfter(from)) ? to : from;
    }

    /** The versions as they stood before {@code date}'s run: those it ended reopened, those it began left out. */
    public Dataset<Row> before(Dataset<Row> table, LocalDate date) {
        Date d = Date.valueOf(date);
        return table.where(col(VALID_FROM)
                        .lt(lit(d))
                        .and(col(VALID_TO).isNull().or(col(VALID_TO).geq(lit(d)))))
                .withColumn(VALID_TO, lit(null).cast(DataTypes.DateType))
                .withColumn(ENDED, lit(null).cast(DataTypes.StringType))
                .select(tableColumns(""));
    }

    /**
     * The whole table after {@code date}'s run of {@code rows} ({@link #columns}): versions that ended within
     * {@code historyDays} before it kept, then {@link #changes}.
     *
     * @param ended why a version of a key missing from the run ended ({@link #REMOVED} when null)
     */
    public Dataset<Row> next(Dataset<Row> table, Dataset<Row> rows, LocalDate date, int historyDays, Ended ended) {
        Date d = Date.valueOf(date);
        Dataset<Row> history = table.where(
                        col(VALID_TO).lt(lit(d)).and(col(VALID_TO).geq(lit(Date.valueOf(date.minusDays(historyDays))))))
                .select(tableColumns(""));
        return history.unionByName(changes(before(table, date), rows, date, ended));
    }

    /**
     * Why a version ended when its key left the run: a column over the before-run columns (given by name); where
     * it is null, {@link #REMOVED}.
     */
    public interface Ended {
        Column of(Function<String, Column> before);
    }

    /**
     * The versions of {@code before} carried on (the run's values refreshed) or ended, and the new versions of
     * {@code rows}.
     */
    public Dataset<Row> changes(Dataset<Row> before, Dataset<Row> rows, LocalDate date, Ended ended) {
        Column d = lit(Date.valueOf(date));
        Dataset<Row> b = before.select(prefixed(BEFORE, tableColumnNames()));
        Dataset<Row> g = rows.select(prefixed(RUN, columns));
        Column on = lit(true);
        for (String k : key) {
            on = on.and(b.col(BEFORE + k).equalTo(g.col(RUN + k)));
        }
        Dataset<Row> joined = b.join(g, on, "full_outer");
        Column inBefore = col(BEFORE + key.get(0)).isNotNull();
        Column inRun = col(RUN + key.get(0)).isNotNull();
        Column same = inBefore.and(inRun);
        for (String c : identity) {
            same = same.and(col(BEFORE + c).eqNullSafe(col(RUN + c)));
        }
        Dataset<Row> carried =
                joined.where(same).select(version(RUN, col(BEFORE + VALID_FROM), col(BEFORE + CHANGE), null, null));
        Dataset<Row> started = joined.where(inRun.and(same.unary_$bang()))
                .select(version(RUN, d, when(inBefore, lit(MOVED)).otherwise(lit(ADDED)), null, null));
        Column left = ended == null ? lit(REMOVED) : coalesce(ended.of(c -> col(BEFORE + c)), lit(REMOVED));
        Column why = when(inRun, lit(MOVED)).otherwise(left);
        Dataset<Row> closed = joined.where(inBefore.and(same.unary_$bang()))
                .select(version(BEFORE, col(BEFORE + VALID_FROM), col(BEFORE + CHANGE), d, why));
        return carried.unionByName(started).unionByName(closed);
    }

    private Column[] version(String prefix, Column validFrom, Column change, Column validTo, Column ended) {
        List<Column> out = new ArrayList<>();
        for (String c : columns) {
            out.add(col(prefix + c).as(c));
        }
        out.add(validFrom.as(VALID_FROM));
        out.add((validTo == null ? lit(null).cast(DataTypes.DateType) : validTo).as(VALID_TO));
        out.add(change.as(CHANGE));
        out.add((ended == null ? lit(null).cast(DataTypes.StringType) : ended).as(ENDED));
        return out.toArray(Column[]::new);
    }

    /** The table's columns: the run's, then the four of the version. */
    private List<String> tableColumnNames() {
        List<String> out = new ArrayList<>(columns);
        out.addAll(List.of(VALID_FROM, VALID_TO, CHANGE, ENDED));
        return out;
    }

    private Column[] tableColumns(String prefix) {
        return tableColumnNames().stream().map(c -> col(prefix + c)).toArray(Column[]::new);
    }

    /**
     * Versions from a table that held a full copy per run date in {@code dateColumn} (before it kept versions):
     * the latest copy before {@code date}, each row added on its date. Older copies are not carried over.
     */
    public Dataset<Row> fromSnapshots(Dataset<Row> snapshots, String dateColumn, LocalDate date) {
        Row latest = snapshots
                .where(col(dateColumn).lt(lit(Date.valueOf(date))))
                .agg(max(dateColumn))
                .first();
        Dataset<Row> rows = latest.isNullAt(0)
                ? snapshots.where(lit(false))
                : snapshots.where(col(dateColumn).equalTo(lit(latest.getDate(0))));
        return rows.select(version("", col(dateColumn), lit(ADDED), null, null));
    }

    private static Column[] prefixed(String prefix, List<String> names) {
        return names.stream().map(n -> col(n).as(prefix + n)).toArray(Column[]::new);
    }
}
