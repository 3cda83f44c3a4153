package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hll_sketch_agg;
import static org.apache.spark.sql.functions.hll_union_agg;
import static org.apache.spark.sql.functions.kll_sketch_agg_double;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.feeds.ColumnType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A mergeable partial aggregate that traits are computed from: kept per identifier, event day and
 * landing date in {@code profile_activity}, so a day's new data is folded in without re-reading
 * history. Traits with the same measure share it (purchases over 7 and 30 days count the same rows).
 *
 * @param of the column (events) or attribute name (attributes); null means the row's time
 * @param type the type of {@code of}'s values
 */
public record Measure(
        TraitSource source, Partial partial, String of, ColumnType type, Map<String, List<String>> where) {

    /** How a measure's partials are built and merged; every merge is associative (and exact but for sketches). */
    public enum Partial {
        /** a row count: sum to merge */
        COUNT {
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                return count(when(filter, m.of() == null ? lit(1) : v));
            }

            @Override
            Column merge(Column partial) {
                return sum(partial);
            }

            @Override
            DataType type(ColumnType of) {
                return DataTypes.LongType;
            }
        },
        /** an exact decimal sum, so the order of merging cannot change a digit */
        SUM {
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                return sum(when(filter, v.cast(SUM_TYPE)));
            }

            @Override
            Column merge(Column partial) {
                return sum(partial);
            }

            @Override
            DataType type(ColumnType of) {
                return SUM_TYPE;
            }
        },
        MIN {
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                return min(when(filter, v));
            }

            @Override
            Column merge(Column partial) {
                return min(partial);
            }
        },
        MAX {
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                return max(when(filter, v));
            }

            @Override
            Column merge(Column partial) {
                return max(partial);
            }
        },
        /** the latest (time, record id, value): max to merge */
        LAST {
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                return max(when(filter.and(v.isNotNull()), struct(time.as("t"), recordId.as("r"), v.as("v"))));
            }

            @Override
            Column merge(Column partial) {
                return max(partial);
            }

            @Override
            DataType type(ColumnType of) {
                return new StructType(new StructField[] {
                    new StructField("t", DataTypes.TimestampType, true, Metadata.empty()),
                    new StructField("r", DataTypes.StringType, true, Metadata.empty()),
                    new StructField("v", of.sparkType(), true, Metadata.empty())
                });
            }
        },
        /** a HyperLogLog sketch of the values: union to merge */
        SKETCH {
            // Sketches take strings and integers; other types are hashed as their text.
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                Column typed =
                        m.type() == ColumnType.LONG || m.type() == ColumnType.STRING ? v : v.cast(DataTypes.StringType);
                return hll_sketch_agg(when(filter, typed), precision);
            }

            @Override
            Column merge(Column partial) {
                return hll_union_agg(partial, false);
            }

            @Override
            DataType type(ColumnType of) {
                return DataTypes.BinaryType;
            }
        },
        /**
         * the UTC days of the rows, as a HyperLogLog sketch of day strings (exact at a few hundred days): union to
         * merge. A partial covers one event day, but a person's days come from several identifiers and landings.
         */
        DAYS {
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                return hll_sketch_agg(when(filter, to_date(time).cast(DataTypes.StringType)), precision);
            }

            // Merged and stored as SKETCH's are: the same HyperLogLog, of days.
            @Override
            Column merge(Column partial) {
                return SKETCH.merge(partial);
            }

            @Override
            DataType type(ColumnType of) {
                return SKETCH.type(of);
            }
        },
        /** a KLL quantile sketch of the values (Spark's own), unioned by {@link KllUnion} to merge */
        QUANTILES {
            @Override
            Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision) {
                return kll_sketch_agg_double(when(filter, v.cast(DataTypes.DoubleType)));
            }

            @Override
            Column merge(Column partial) {
                return KllUnion.of(partial);
            }

            @Override
            DataType type(ColumnType of) {
                return DataTypes.BinaryType;
            }
        };

        /**
         * The partial over source rows: {@code v} is the measured column (already typed, the row's time when the
         * measure has no column), {@code time} and {@code recordId} order rows for LAST, {@code filter} selects
         * the rows that count.
         */
        abstract Column build(Measure m, Column v, Column time, Column recordId, Column filter, int precision);

        /** Merges partials (of any grouping of the same rows) into the partial of their union. */
        abstract Column merge(Column partial);

        /** The type of the partial column for values of type {@code of}. */
        DataType type(ColumnType of) {
            return of.sparkType();
        }
    }

    public static final DataType SUM_TYPE = DataTypes.createDecimalType(38, 6);

    public Measure {
        where = new TreeMap<>(where);
    }

    /** The partial over source rows (see {@link Partial#build}). */
    Column build(Column value, Column time, Column recordId, Column filter, int precision) {
        return partial.build(this, of == null ? time : value, time, recordId, filter, precision);
    }

    /** Merges partials of this measure. */
    Column merge(Column partials) {
        return partial.merge(partials);
    }

    /** The state column's name: a digest of the definition, so a changed definition is a new column. */
    public String column() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(definition().getBytes(StandardCharsets.UTF_8));
            return "m_" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Readable definition, stored as the state column's comment. */
    public String definition() {
        return partial.name().toLowerCase(Locale.ROOT) + " of " + source.name().toLowerCase(Locale.ROOT) + " "
                + (of == null ? "time" : of) + " (" + type.name().toLowerCase(Locale.ROOT) + ")"
                + (where.isEmpty() ? "" : " where " + where);
    }

    /** The type of the partial column. */
    public DataType partialType() {
        return partial.type(type);
    }
}
