package io.audiencelake.common.profiles;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.profiles.ProfileRules.Rfm;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * RFM scores: each of recency, frequency and monetary value cut into quintiles among persons who have a
 * recency (they bought), scored 1–5 with 5 best (most recent, most frequent, highest value). The cut
 * points are one global aggregate (approximate percentiles, a few numbers to the driver).
 */
public final class RfmScores {
    public static final String RECENCY = "rfm_recency";
    public static final String FREQUENCY = "rfm_frequency";
    public static final String MONETARY = "rfm_monetary";
    public static final String SCORE = "rfm_score";
    public static final List<String> COLUMNS = List.of(RECENCY, FREQUENCY, MONETARY, SCORE);
    private static final int ACCURACY = 100_000;

    private RfmScores() {}

    /** The cut points (four quintile boundaries each) of recency, frequency and monetary. */
    public static double[][] cuts(Dataset<Row> profiles, Rfm rfm) {
        Column quintiles = array(lit(0.2), lit(0.4), lit(0.6), lit(0.8));
        Row r = profiles.where(col(rfm.recency()).isNotNull())
                .agg(
                        percentile_approx(col(rfm.recency()).cast(DataTypes.DoubleType), quintiles, lit(ACCURACY)),
                        percentile_approx(col(rfm.frequency()).cast(DataTypes.DoubleType), quintiles, lit(ACCURACY)),
                        percentile_approx(col(rfm.monetary()).cast(DataTypes.DoubleType), quintiles, lit(ACCURACY)))
                .first();
        double[][] out = new double[3][];
        for (int i = 0; i < 3; i++) {
            List<Double> values = r.isNullAt(i) ? List.of() : r.getList(i);
            out[i] = values.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return out;
    }

    /** The profiles with the four RFM columns added. */
    public static Dataset<Row> scored(Dataset<Row> profiles, Rfm rfm, double[][] cuts) {
        Column has = col(rfm.recency()).isNotNull();
        Column r = when(has, lit(5).minus(above(col(rfm.recency()), cuts[0])));
        Column f = when(has, lit(1).plus(above(col(rfm.frequency()), cuts[1])));
        Column m = when(has, lit(1).plus(above(col(rfm.monetary()), cuts[2])));
        return profiles.withColumn(RECENCY, r.cast(DataTypes.IntegerType))
                .withColumn(FREQUENCY, f.cast(DataTypes.IntegerType))
                .withColumn(MONETARY, m.cast(DataTypes.IntegerType))
                .withColumn(
                        SCORE,
                        concat(
                                col(RECENCY).cast(DataTypes.StringType),
                                col(FREQUENCY).cast(DataTypes.StringType),
                                col(MONETARY).cast(DataTypes.StringType)));
    }

    /** How many cut points the value is above (0–4). */
    private static Column above(Column value, double[] cuts) {
        Column n = lit(0);
        for (double c : cuts) {
            n = n.plus(when(value.cast(DataTypes.DoubleType).gt(c), 1).otherwise(0));
        }
        return n;
    }
}
