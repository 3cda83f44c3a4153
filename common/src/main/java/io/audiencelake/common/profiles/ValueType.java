package io.audiencelake.common.profiles;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The type of a trait's value as the profiles table stores it. */
public enum ValueType {
  STRING(DataTypes.StringType),
  LONG(DataTypes.LongType),
  DOUBLE(DataTypes.DoubleType),
  BOOLEAN(DataTypes.BooleanType),
  DATE(DataTypes.DateType),
  TIMESTAMP(DataTypes.TimestampType);

  private final DataType sparkType;

  ValueType(DataType sparkType) {
    this.sparkType = sparkType;
  }

  public DataType sparkType() {
    return sparkType;
  }

  public boolean isNumber() {
    return this == LONG || this == DOUBLE;
  }

  public static ValueType of(io.audiencelake.common.feeds.ColumnType type) {
    return switch (type) {
      case STRING -> STRING;
      case INT, LONG -> LONG;
      case DOUBLE -> DOUBLE;
      case BOOLEAN -> BOOLEAN;
      case DATE -> DATE;
      case TIMESTAMP -> TIMESTAMP;
    };
  }
}
