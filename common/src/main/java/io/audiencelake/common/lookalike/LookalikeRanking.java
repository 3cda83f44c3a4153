package io.audiencelake.common.lookalike;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Exact ranks by score, highest first, ties broken by person id so a rerun ranks alike. A window over
 * the whole population would pull every row into one task; a range-partitioned sort plus
 * {@code zipWithIndex} (one small job counting each partition) keeps the work spread over the cluster.
 */
public final class LookalikeRanking {
    private LookalikeRanking() {}

    /** {@code scored} plus {@code rankColumn} (1 = highest score). */
    public static Dataset<Row> rank(Dataset<Row> scored, String scoreColumn, String idColumn, String rankColumn) {
        Dataset<Row> sorted =
                scored.orderBy(col(scoreColumn).desc_nulls_last(), col(idColumn).asc());
        int width = sorted.schema().fields().length;
        JavaRDD<Row> ranked = sorted.toJavaRDD().zipWithIndex().map(t -> {
            Object[] values = new Object[width + 1];
            for (int i = 0; i < width; i++) {
                values[i] = t._1().get(i);
            }
            values[width] = t._2() + 1;
            return RowFactory.create(values);
        });
        List<StructField> fields = new ArrayList<>(List.of(sorted.schema().fields()));
        fields.add(DataTypes.createStructField(rankColumn, DataTypes.LongType, false));
        return scored.sparkSession().createDataFrame(ranked, new StructType(fields.toArray(StructField[]::new)));
    }
}
