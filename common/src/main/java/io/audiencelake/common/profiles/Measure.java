package io.audiencelake.common.profiles;

import io.audiencelake.common.feeds.ColumnType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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

    /** How a measure's partials are built and merged; every merge is associative and exact. */
    public enum Partial {
        /** a row count: sum to merge */
        COUNT,
        /** an exact decimal sum, so the order of merging cannot change a digit */
        SUM,
        MIN,
        MAX,
        /** the latest (time, record id, value): max to merge */
        LAST,
        /** a HyperLogLog sketch of the values: union to merge */
        SKETCH
    }

    public static final DataType SUM_TYPE = DataTypes.createDecimalType(38, 6);

    public Measure {
        where = new TreeMap<>(where);
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
        return switch (partial) {
            case COUNT -> DataTypes.LongType;
            case SUM -> SUM_TYPE;
            case MIN, MAX -> type.sparkType();
            case LAST ->
                new StructType(new StructField[] {
                    new StructField("t", DataTypes.TimestampType, true, Metadata.empty()),
                    new StructField("r", DataTypes.StringType, true, Metadata.empty()),
                    new StructField("v", type.sparkType(), true, Metadata.empty())
                });
            case SKETCH -> DataTypes.BinaryType;
        };
    }
}
