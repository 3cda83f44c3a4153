package io.audiencelake.jobs;

import io.audiencelake.common.lake.TableSpec;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;

/** Rows of a table spec from the values a test cares about; other required columns get plain values. */
final class SpecRows {
    private SpecRows() {}

    @SafeVarargs
    static Dataset<Row> of(TableSpec spec, Map<String, Object>... rows) {
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> values : rows) {
            List<Object> cells = new ArrayList<>();
            for (StructField f : spec.schema().fields()) {
                if (values.containsKey(f.name())) {
                    Object v = values.get(f.name());
                    cells.add(v instanceof String s && f.dataType() instanceof DateType ? Date.valueOf(s) : v);
                } else {
                    cells.add(f.nullable() ? null : filler(f.dataType()));
                }
            }
            out.add(RowFactory.create(cells.toArray()));
        }
        return SparkSession.active().createDataFrame(out, spec.schema());
    }

    private static Object filler(DataType type) {
        if (type instanceof LongType) {
            return 0L;
        } else if (type instanceof IntegerType) {
            return 0;
        } else if (type instanceof DoubleType) {
            return 0.0;
        } else if (type instanceof DecimalType) {
            return BigDecimal.ZERO;
        } else if (type instanceof BooleanType) {
            return false;
        } else if (type instanceof DateType) {
            return Date.valueOf("2025-06-01");
        } else if (type instanceof TimestampType) {
            return Timestamp.valueOf("2025-06-01 00:00:00");
        } else if (type instanceof ArrayType) {
            return List.of();
        } else if (type instanceof MapType) {
            return Map.of();
        }
        return "x";
    }
}
