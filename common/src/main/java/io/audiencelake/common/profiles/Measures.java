package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.hll_sketch_agg;
import static org.apache.spark.sql.functions.hll_sketch_estimate;
import static org.apache.spark.sql.functions.hll_union_agg;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.ColumnType;
import io.audiencelake.common.profiles.Measure.Partial;
import io.audiencelake.common.profiles.ProfileRules.Trait;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/** Which measures a trait needs, and the Spark expressions that build, merge and finish them. */
public final class Measures {
    private Measures() {}

    /** The measures behind a trait of events or attributes (session traits have none: they read sessions). */
    public static List<Measure> of(Trait t) {
        TraitSource s = t.source();
        return switch (t.kind()) {
            case COUNT -> List.of(new Measure(s, Partial.COUNT, t.of(), t.type(), t.where()));
            case SUM -> List.of(new Measure(s, Partial.SUM, t.of(), t.type(), t.where()));
            case AVG ->
                List.of(
                        new Measure(s, Partial.SUM, t.of(), t.type(), t.where()),
                        new Measure(s, Partial.COUNT, t.of(), t.type(), t.where()));
            case MIN -> List.of(new Measure(s, Partial.MIN, t.of(), t.type(), t.where()));
            case MAX -> List.of(new Measure(s, Partial.MAX, t.of(), t.type(), t.where()));
            case LAST -> List.of(new Measure(s, Partial.LAST, t.of(), t.type(), t.where()));
            case DISTINCT -> List.of(new Measure(s, Partial.SKETCH, t.of(), t.type(), t.where()));
            case RECENCY, LAST_SEEN -> List.of(new Measure(s, Partial.MAX, null, ColumnType.TIMESTAMP, t.where()));
            case FIRST_SEEN -> List.of(new Measure(s, Partial.MIN, null, ColumnType.TIMESTAMP, t.where()));
            case ATTRIBUTE -> List.of(new Measure(s, Partial.LAST, t.of(), t.type(), Map.of()));
        };
    }

    /**
     * The partial over source rows: {@code value} is the measured column (already typed), {@code time}
     * and {@code recordId} order rows for LAST, {@code filter} selects the rows that count.
     */
    static Column partial(Measure m, Column value, Column time, Column recordId, Column filter, int precision) {
        Column v = m.of() == null ? time : value;
        return switch (m.partial()) {
            case COUNT -> count(when(filter, m.of() == null ? lit(1) : v));
            case SUM -> sum(when(filter, v.cast(Measure.SUM_TYPE)));
            case MIN -> min(when(filter, v));
            case MAX -> max(when(filter, v));
            case LAST -> max(when(filter.and(v.isNotNull()), struct(time.as("t"), recordId.as("r"), v.as("v"))));
            // Sketches take strings and integers; other types are hashed as their text.
            case SKETCH ->
                hll_sketch_agg(
                        when(
                                filter,
                                m.type() == ColumnType.LONG || m.type() == ColumnType.STRING
                                        ? v
                                        : v.cast(DataTypes.StringType)),
                        precision);
        };
    }

    /** Merges partials (of any grouping of the same rows) into the partial of their union. */
    static Column merge(Measure m, Column partial) {
        return switch (m.partial()) {
            case COUNT, SUM -> sum(partial);
            case MIN -> min(partial);
            case MAX, LAST -> max(partial);
            case SKETCH -> hll_union_agg(partial, false);
        };
    }

    /** The trait's value from its merged measures ({@code merged} gives each measure's merged column). */
    static Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
        List<Measure> ms = of(t);
        Column first = merged.apply(ms.get(0));
        return switch (t.kind()) {
            case COUNT -> coalesce(first, lit(0L));
            case SUM -> coalesce(first, lit(0).cast(Measure.SUM_TYPE)).cast(DataTypes.DoubleType);
            case AVG ->
                first.divide(when(merged.apply(ms.get(1)).gt(0), merged.apply(ms.get(1))))
                        .cast(DataTypes.DoubleType);
            case MIN, MAX, FIRST_SEEN, LAST_SEEN -> first;
            case LAST, ATTRIBUTE -> first.getField("v");
            case DISTINCT -> coalesce(hll_sketch_estimate(first), lit(0L));
            case RECENCY -> datediff(lit(Date.valueOf(date)), to_date(first)).cast(DataTypes.LongType);
        };
    }

    /** The column of a trait in profiles: name, finished value cast to its output type. */
    static Column output(Trait t, Function<Measure, Column> merged, LocalDate date) {
        return finish(t, merged, date)
                .cast(ProfileTraits.outputType(t).sparkType())
                .as(t.name());
    }

    static Column column(Measure m) {
        return col(m.column());
    }
}
