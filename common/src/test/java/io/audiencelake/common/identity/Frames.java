package io.audiencelake.common.identity;

import io.audiencelake.common.spark.TestLake;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** Small in-memory Datasets for identity tests. */
final class Frames {
    private Frames() {}

    static Dataset<Row> of(String ddl, Object[]... rows) {
        return TestLake.spark()
                .createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), StructType.fromDDL(ddl));
    }

    static Object[] row(Object... values) {
        return values;
    }
}
