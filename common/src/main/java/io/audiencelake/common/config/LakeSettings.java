package io.audiencelake.common.config;

import java.util.Map;

/**
 * Lake tables: which format, which namespace, who owns them, and the Iceberg catalog.
 *
 * @param icebergCatalog name of the Spark catalog that serves Iceberg tables
 * @param icebergCatalogProperties settings for that catalog (type, warehouse, uri, ...)
 * @param deltaLocation folder that holds Delta tables as {@code <namespace>/<table>}
 */
public record LakeSettings(
        TableFormat tableFormat,
        String namespace,
        String owner,
        String icebergCatalog,
        Map<String, String> icebergCatalogProperties,
        String deltaLocation) {
    public static final TableFormat TABLE_FORMAT_DEFAULT = TableFormat.DELTA;
    public static final String NAMESPACE_DEFAULT = "audiencelake";
    public static final String ICEBERG_CATALOG_DEFAULT = "lake";

    public LakeSettings {
        icebergCatalogProperties = Map.copyOf(icebergCatalogProperties);
    }

    public LakeSettings withTableFormat(TableFormat format) {
        return new LakeSettings(format, namespace, owner, icebergCatalog, icebergCatalogProperties, deltaLocation);
    }
}
