package io.audiencelake.common.feeds;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The type of a value: what a feed column's text must parse as, and what a trait or session column of
 * {@code profiles} holds (where whole numbers are always {@link #LONG}: {@link #widened}).
 */
public enum ColumnType {
    STRING(DataTypes.StringType),
    INT(DataTypes.IntegerType),
    LONG(DataTypes.LongType),
    DOUBLE(DataTypes.DoubleType),
    BOOLEAN(DataTypes.BooleanType),
    DATE(DataTypes.DateType),
    TIMESTAMP(DataTypes.TimestampType);

    private final DataType sparkType;

    ColumnType(DataType sparkType) {
        this.sparkType = sparkType;
    }

    public DataType sparkType() {
        return sparkType;
    }

    public boolean isNumber() {
        return this == INT || this == LONG || this == DOUBLE;
    }

    /** The type a trait keeps this column's values in: whole numbers widen to {@link #LONG}. */
    public ColumnType widened() {
        return this == INT ? LONG : this;
    }
}
