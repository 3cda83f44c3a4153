package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.hll_sketch_estimate;
import static org.apache.spark.sql.functions.kll_sketch_get_n_double;
import static org.apache.spark.sql.functions.kll_sketch_get_quantile_double;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.ColumnType;
import io.audiencelake.common.profiles.Measure.Partial;
import io.audiencelake.common.profiles.ProfileRules.Trait;
import java.sql.Date;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * How a trait aggregates its rows: which column it takes, which sources it reads, the mergeable measures it is
 * built from (kept per identifier and day, so a day's data folds into running state), how its value is finished
 * from them, and its type in {@code profiles}. Adding a kind is one constant here plus its test.
 */
public enum TraitKind {
    /** rows (or non-null values of {@code of}) */
    COUNT(Input.OPTIONAL_COLUMN, EnumSet.allOf(TraitSource.class), ColumnType.LONG) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.COUNT));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            return coalesce(merged.apply(measures(t).get(0)), lit(0L));
        }

        @Override
        Column sessionAggregate(Column rows, Column value) {
            return count(when(rows, value));
        }

        @Override
        Column sessionFinish(Column aggregate, Trait t) {
            return coalesce(aggregate, lit(0L));
        }
    },
    SUM(Input.NUMBER, EnumSet.of(TraitSource.EVENTS, TraitSource.SESSIONS), ColumnType.DOUBLE) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.SUM));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            return coalesce(merged.apply(measures(t).get(0)), lit(0).cast(Measure.SUM_TYPE))
                    .cast(DataTypes.DoubleType);
        }

        @Override
        Column sessionAggregate(Column rows, Column value) {
            return sum(when(rows, value.cast(Measure.SUM_TYPE)));
        }

        @Override
        Column sessionFinish(Column aggregate, Trait t) {
            return coalesce(aggregate, lit(0)).cast(DataTypes.DoubleType);
        }
    },
    AVG(Input.NUMBER, EnumSet.of(TraitSource.EVENTS, TraitSource.SESSIONS), ColumnType.DOUBLE) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.SUM), measure(t, Partial.COUNT));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            Column n = merged.apply(measures(t).get(1));
            return merged.apply(measures(t).get(0)).divide(when(n.gt(0), n)).cast(DataTypes.DoubleType);
        }

        @Override
        Column sessionAggregate(Column rows, Column value) {
            return avg(when(rows, value.cast(Measure.SUM_TYPE)));
        }
    },
    MIN(Input.COLUMN, EnumSet.of(TraitSource.EVENTS, TraitSource.SESSIONS), null) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.MIN));
        }

        @Override
        Column sessionAggregate(Column rows, Column value) {
            return min(when(rows, value));
        }
    },
    MAX(Input.COLUMN, EnumSet.of(TraitSource.EVENTS, TraitSource.SESSIONS), null) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.MAX));
        }

        @Override
        Column sessionAggregate(Column rows, Column value) {
            return max(when(rows, value));
        }
    },
    /** the value of the latest row */
    LAST(Input.COLUMN, EnumSet.of(TraitSource.EVENTS), null) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.LAST));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            return merged.apply(measures(t).get(0)).getField("v");
        }
    },
    /** distinct values, estimated with a HyperLogLog sketch (exact for small counts) */
    DISTINCT(Input.COLUMN, EnumSet.of(TraitSource.EVENTS), ColumnType.LONG) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.SKETCH));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            return coalesce(hll_sketch_estimate(merged.apply(measures(t).get(0))), lit(0L));
        }
    },
    /**
     * the {@code percentile} (0 to 1, e.g. 0.5 for the median order value) of a number column, from a KLL
     * quantile sketch that merges across days (rank error about 1.3 % at the sketch's default size)
     */
    PERCENTILE(Input.NUMBER, EnumSet.of(TraitSource.EVENTS), ColumnType.DOUBLE) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(measure(t, Partial.QUANTILES));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            Column sketch = merged.apply(measures(t).get(0));
            return when(
                    sketch.isNotNull().and(kll_sketch_get_n_double(sketch).gt(0)),
                    kll_sketch_get_quantile_double(sketch, lit(t.percentile())));
        }
    },
    /**
     * the share (0 to 1) of the rows in {@code among} (all rows when absent) that {@code where} selects, e.g. shoe
     * pages among all page views: taste rather than volume, so a light and a heavy browser of the same interest
     * look alike. Null without any row in {@code among}.
     */
    SHARE(Input.NONE, EnumSet.of(TraitSource.EVENTS), ColumnType.DOUBLE) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(rows(t, t.whereAmong()), rows(t, t.among()));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            Column among = merged.apply(measures(t).get(1));
            return merged.apply(measures(t).get(0)).cast(DataTypes.DoubleType).divide(when(among.gt(0), among));
        }
    },
    /** the number of days with a row (UTC event days) */
    ACTIVE_DAYS(Input.NONE, EnumSet.of(TraitSource.EVENTS), ColumnType.LONG) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(days(t, t.where()));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            return coalesce(hll_sketch_estimate(merged.apply(measures(t).get(0))), lit(0L));
        }
    },
    /**
     * rows of {@code where} per day with a row in {@code among} (all rows when absent): how intensely a person
     * does something on the days they come, not how often they come. Null without any such day.
     */
    RATE(Input.NONE, EnumSet.of(TraitSource.EVENTS), ColumnType.DOUBLE) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(rows(t, t.whereAmong()), days(t, t.among()));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            Column days = hll_sketch_estimate(merged.apply(measures(t).get(1)));
            return coalesce(merged.apply(measures(t).get(0)), lit(0L))
                    .cast(DataTypes.DoubleType)
                    .divide(when(days.gt(0), days));
        }
    },
    /** days from the latest row to the run date */
    RECENCY(Input.NONE, EnumSet.of(TraitSource.EVENTS), ColumnType.LONG) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(new Measure(t.source(), Partial.MAX, null, ColumnType.TIMESTAMP, t.where()));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            return datediff(
                            lit(Date.valueOf(date)),
                            to_date(merged.apply(measures(t).get(0))))
                    .cast(DataTypes.LongType);
        }
    },
    /** time of the earliest row */
    FIRST_SEEN(Input.NONE, EnumSet.of(TraitSource.EVENTS, TraitSource.ATTRIBUTES), ColumnType.TIMESTAMP) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(new Measure(t.source(), Partial.MIN, null, ColumnType.TIMESTAMP, t.where()));
        }
    },
    /** time of the latest row */
    LAST_SEEN(Input.NONE, EnumSet.of(TraitSource.EVENTS, TraitSource.ATTRIBUTES), ColumnType.TIMESTAMP) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(new Measure(t.source(), Partial.MAX, null, ColumnType.TIMESTAMP, t.where()));
        }
    },
    /** the latest declared value of an attribute */
    ATTRIBUTE(Input.COLUMN, EnumSet.of(TraitSource.ATTRIBUTES), null) {
        @Override
        List<Measure> measures(Trait t) {
            return List.of(new Measure(t.source(), Partial.LAST, t.of(), t.type(), Map.of()));
        }

        @Override
        Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
            return merged.apply(measures(t).get(0)).getField("v");
        }
    };

    /** What a kind takes in {@code of}. */
    public enum Input {
        /** no column: the kind reads the rows' times */
        NONE,
        /** a column whose non-null values are counted, or none to count rows */
        OPTIONAL_COLUMN,
        /** any column (or attribute) */
        COLUMN,
        /** a number column */
        NUMBER
    }

    private final Input input;
    private final Set<TraitSource> sources;
    private final ColumnType outputType;

    TraitKind(Input input, Set<TraitSource> sources, ColumnType outputType) {
        this.input = input;
        this.sources = Set.copyOf(sources);
        this.outputType = outputType;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Input input() {
        return input;
    }

    /** The sources a trait of this kind may read. */
    public boolean reads(TraitSource source) {
        return sources.contains(source);
    }

    /** The trait's type in profiles: the kind's own, or the type of the column it takes (min, max, last). */
    public ColumnType outputType(ColumnType of) {
        return outputType != null ? outputType : of;
    }

    /** The type recorded for a trait that takes no column. */
    ColumnType typeWithoutColumn() {
        return outputType != null ? outputType : ColumnType.STRING;
    }

    /** The mergeable measures the trait is built from (traits with equal measures share them). */
    abstract List<Measure> measures(Trait t);

    /** The trait's value from its merged measures ({@code merged} gives each measure's merged column). */
    Column finish(Trait t, Function<Measure, Column> merged, LocalDate date) {
        return merged.apply(measures(t).get(0));
    }

    /** A session trait's aggregate over the person's sessions; only kinds that read sessions override it. */
    Column sessionAggregate(Column rows, Column value) {
        throw new UnsupportedOperationException(yamlName() + " does not read sessions");
    }

    /** A session trait's value from its aggregate. */
    Column sessionFinish(Column aggregate, Trait t) {
        return aggregate.cast(t.kind().outputType(t.type()).sparkType());
    }

    /** The kinds that read {@code source}, for messages. */
    public static String readersOf(TraitSource source) {
        List<String> names = EnumSet.allOf(TraitKind.class).stream()
                .filter(k -> k.reads(source))
                .map(TraitKind::yamlName)
                .toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static Measure measure(Trait t, Partial partial) {
        return new Measure(t.source(), partial, t.of(), t.type(), t.where());
    }

    /** A row count under {@code where}: the same measure as a count trait's with that filter. */
    private static Measure rows(Trait t, Map<String, List<String>> where) {
        return new Measure(t.source(), Partial.COUNT, null, ColumnType.LONG, where);
    }

    /** The days with a row under {@code where}. */
    private static Measure days(Trait t, Map<String, List<String>> where) {
        return new Measure(t.source(), Partial.DAYS, null, ColumnType.TIMESTAMP, where);
    }
}
