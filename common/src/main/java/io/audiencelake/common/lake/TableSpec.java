package io.audiencelake.common.lake;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What a lake table is: its name, schema, partitioning, key (for MERGE), and the description and
 * domain that make it a discoverable data product. Column comments travel in the schema.
 */
public record TableSpec(
        String name,
        String description,
        String domain,
        StructType schema,
        List<String> partitionColumns,
        List<String> keyColumns) {

    public TableSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("table name must be lower_snake_case, cannot be: " + name);
        }
        partitionColumns = List.copyOf(partitionColumns);
        keyColumns = List.copyOf(keyColumns);
        List<String> columns = List.of(schema.fieldNames());
        for (String c : partitionColumns) {
            if (!columns.contains(c)) {
                throw new IllegalArgumentException(name + ": partition column " + c + " is not in the schema");
            }
        }
        for (String c : keyColumns) {
            if (!columns.contains(c)) {
                throw new IllegalArgumentException(name + ": key column " + c + " is not in the schema");
            }
        }
    }

    /** A schema field with a column comment (kept by both Delta and Iceberg). */
    public static StructField column(String name, DataType type, boolean nullable, String comment) {
        return new StructField(name, type, nullable, Metadata.empty()).withComment(comment);
    }

    /** Properties every table carries, so a catalog search finds its owner and purpose. */
    public Map<String, String> properties(String owner) {
        return Map.of(
                LakeTables.PROPERTY_OWNER, owner,
                LakeTables.PROPERTY_DOMAIN, domain,
                LakeTables.PROPERTY_DESCRIPTION, description);
    }
}
