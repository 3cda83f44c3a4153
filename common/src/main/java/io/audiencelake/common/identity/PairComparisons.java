package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.array_min;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.identity.IdentityRules.Comparison;
import io.audiencelake.common.identity.IdentityRules.MatchModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;

/**
 * Compares the two profiles of each pair field by field into levels: -1 missing, 0 far, 1 close,
 * 2 exact. For term-frequency comparisons it also gives how common the agreed value is, so that
 * sharing a rare surname or a quiet home address counts for more than sharing a common one; kinds that weigh
 * words by rarity (tf_idf) read the same shares.
 */
public final class PairComparisons {
    public static final int MISSING = -1;
    public static final int FAR = 0;
    public static final int CLOSE = 1;
    public static final int EXACT = 2;
    public static final String[] LEVEL_NAMES = {"far", "close", "exact"};
    static final String TF_SUFFIX = "__tf";

    private PairComparisons() {}

    public static String level(Comparison c) {
        return "lv_" + c.name();
    }

    public static String termFrequency(Comparison c) {
        return "tf_" + c.name();
    }

    /**
     * Adds {@code <field>__tf} to the profiles for each term-frequency or tf_idf comparison: the share of
     * profiles with the value (a map value to share for list fields). {@code profiles} should be cached.
     */
    public static Dataset<Row> withTermFrequencies(Dataset<Row> profiles, MatchModel model) {
        Dataset<Row> out = profiles;
        long total = Math.max(1, profiles.count());
        for (String field : model.comparisons().stream()
                .filter(c -> c.termFrequency() || c.kind().needsShares())
                .map(Comparison::field)
                .distinct()
                .toList()) {
            boolean list = profiles.schema().apply(field).dataType() instanceof ArrayType;
            Dataset<Row> values = list
                    ? profiles.select(
                            col(IdentifierNodes.NODE), explode(col(field)).as("_v"))
                    : profiles.select(col(IdentifierNodes.NODE), col(field).as("_v"))
                            .where(col("_v").isNotNull());
            Dataset<Row> shares =
                    values.groupBy("_v").agg(count(lit(1)).divide(total).as("_tf"));
            Dataset<Row> tf = values.join(shares, "_v");
            if (list) {
                tf = tf.groupBy(IdentifierNodes.NODE)
                        .agg(map_from_entries(collect_list(struct(col("_v"), col("_tf"))))
                                .as(field + TF_SUFFIX));
            } else {
                tf = tf.select(col(IdentifierNodes.NODE), col("_tf").as(field + TF_SUFFIX));
            }
            out = out.join(tf, new String[] {IdentifierNodes.NODE}, "left");
        }
        return out;
    }

    /** Adds the level (and agreed-value frequency) columns of every comparison to pairs with profiles. */
    public static Dataset<Row> levels(Dataset<Row> pairs, MatchModel model) {
        Dataset<Row> out = pairs;
        for (Comparison c : model.comparisons()) {
            Column l = col(CandidatePairs.LEFT + c.field());
            Column r = col(CandidatePairs.RIGHT + c.field());
            out = out.withColumn(level(c), levelOf(c, l, r));
            if (c.termFrequency()) {
                Column lt = col(CandidatePairs.LEFT + c.field() + TF_SUFFIX);
                Column tf = c.kind() == ComparisonKind.OVERLAP
                        ? array_min(transform(array_intersect(l, r), v -> element_at(lt, v)))
                        : lt;
                out = out.withColumn(termFrequency(c), when(col(level(c)).equalTo(EXACT), tf));
            }
        }
        return out;
    }

    static Column levelOf(Comparison c, Column l, Column r) {
        if (c.kind().needsShares()) {
            return c.kind()
                    .levels(
                            c,
                            l,
                            r,
                            col(CandidatePairs.LEFT + c.field() + TF_SUFFIX),
                            col(CandidatePairs.RIGHT + c.field() + TF_SUFFIX));
        }
        return c.kind().levels(c, l, r);
    }
}
