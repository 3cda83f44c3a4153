package io.audiencelake.common.profiles;

import static io.audiencelake.common.lake.TableSpec.column;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.lake.TableSpec;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code profile_lifetime} state table: lifetime traits' measures per identifier, one snapshot
 * per run date. A run folds the partials of the landing dates since the previous snapshot into it,
 * so a daily run reads one day of events, not all history (one shuffle by identifier).
 */
public final class ProfileLifetime {
    public static final String ID_TYPE = ProfileActivity.ID_TYPE;
    public static final String ID_VALUE = ProfileActivity.ID_VALUE;
    public static final String DT = "dt";

    private ProfileLifetime() {}

    public static TableSpec spec(List<Measure> measures) {
        List<StructField> fields = new ArrayList<>(List.of(
                column(ID_TYPE, DataTypes.StringType, false, "identifier type"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier, as in id_graph")));
        for (Measure m : measures) {
            fields.add(column(m.column(), m.partialType(), true, m.definition()));
        }
        fields.add(column(DT, DataTypes.DateType, false, "run date: everything landed up to it (partition)"));
        return new TableSpec(
                "profile_lifetime",
                "Running state of the profiles job: lifetime partial aggregates per identifier as of a run date. "
                        + "Internal; query profiles instead.",
                "profiles",
                new StructType(fields.toArray(StructField[]::new)),
                List.of(DT),
                List.of(ID_TYPE, ID_VALUE, DT));
    }

    /**
     * The activity rows a run on {@code date} folds into the snapshot of {@code previous} (null: all of
     * them, a rebuild): rows landed since the snapshot for days up to the date, and rows landed earlier
     * for days after the snapshot (events stamped ahead of their landing date). Each row of a day up to
     * the date is folded exactly once over any sequence of runs, and rows of later days wait for their
     * day, so lifetime traits and windows agree on what "up to the date" means. The second part reads
     * earlier landing dates by event day, which the formats' file statistics skip cheaply.
     */
    public static Column due(LocalDate previous, LocalDate date) {
        Column upToDate = col(ProfileActivity.EVENT_DAY)
                .leq(lit(Date.valueOf(date)))
                .and(col(ProfileActivity.DT).leq(lit(Date.valueOf(date))));
        if (previous == null) {
            return upToDate;
        }
        Date before = Date.valueOf(previous);
        return upToDate.and(col(ProfileActivity.DT)
                .gt(lit(before))
                .or(col(ProfileActivity.EVENT_DAY).gt(lit(before))));
    }

    /**
     * The state as of {@code date}: the previous snapshot (null on a rebuild) merged with the new
     * activity partials. Merges are exact, so folding day by day equals one fold of everything.
     */
    public static Dataset<Row> fold(
            Dataset<Row> previous, Dataset<Row> activity, List<Measure> measures, LocalDate date) {
        List<Column> cols = new ArrayList<>(List.of(col(ID_TYPE), col(ID_VALUE)));
        measures.forEach(m -> cols.add(col(m.column())));
        Dataset<Row> rows = activity.select(cols.toArray(Column[]::new));
        if (previous != null) {
            rows = previous.select(cols.toArray(Column[]::new)).unionByName(rows);
        }
        Dataset<Row> merged = ProfileActivity.merged(rows, measures, List.of(col(ID_TYPE), col(ID_VALUE)))
                .withColumn(DT, lit(Date.valueOf(date)));
        return ProfileActivity.conform(merged, spec(measures));
    }
}
