package io.audiencelake.common.quality;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.ConfigProblems;
import io.audiencelake.common.config.YamlDocument;
import io.audiencelake.common.lake.TableSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;

/**
 * Reads and checks {@code quality.yaml}: an unknown table, check or column, or bounds that cannot hold,
 * are refused with the file and field path before any job runs. A missing file means no checks.
 */
public final class QualityChecksLoader {
    private QualityChecksLoader() {}

    /** @param tables every table the jobs write, by name (checks may only name these and their columns) */
    public static QualityChecks load(Path file, Map<String, TableSpec> tables) {
        if (!Files.exists(file)) {
            return QualityChecks.none();
        }
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = new ConfigNode(YamlDocument.read(file, YamlDocument.NO_VARIABLES), "", problems);
        ConfigNode tablesNode = root.object("tables");
        Map<String, List<QualityCheck>> out = new LinkedHashMap<>();
        for (String tableName : tablesNode.keys()) {
            TableSpec spec = tables.get(tableName);
            if (spec == null) {
                tablesNode.problem(tableName, "unknown table; expected one of " + new TreeSet<>(tables.keySet()));
                continue;
            }
            List<QualityCheck> checks = new ArrayList<>();
            for (ConfigNode c : tablesNode.objects(tableName)) {
                QualityCheck check = check(c, spec);
                if (check != null) {
                    checks.add(check);
                }
                c.rejectUnknownKeys();
            }
            out.put(tableName, checks);
        }
        root.rejectUnknownKeys();
        problems.throwIfAny();
        return new QualityChecks(file.toString(), out);
    }

    private static QualityCheck check(ConfigNode c, TableSpec spec) {
        QualityCheckKind kind = c.enumValue("check", QualityCheckKind.class, null);
        if (kind == null) {
            if (!c.has("check")) {
                c.problem("check", "is required: one of " + ConfigNode.enumNames(QualityCheckKind.class));
            }
            return null;
        }
        boolean blocking = c.bool("blocking", true);
        Double min = optional(c, "min");
        Double max = optional(c, "max");
        Double maxChange = c.has("max_change") ? c.doubleValue("max_change", 0, 0, 1000) : null;
        long minPrevious =
                c.longValue("min_previous", kind == QualityCheckKind.SIZE_CHANGE ? 100 : 0, 0, Long.MAX_VALUE);
        if (min != null && max != null && min > max) {
            c.problem("max", "must not be below min (" + min + ")");
        }
        List<String> columns = new ArrayList<>(c.strings("columns"));
        if (c.has("column")) {
            columns.add(c.string("column", null));
        }
        if (c.has("group")) {
            columns.add(c.string("group", null));
        }
        kind.checkFields(new QualityCheckKind.Fields(columns, min, max, maxChange), spec, c);
        List<String> known = List.of(spec.schema().fieldNames());
        for (String column : columns) {
            if (!known.contains(column)) {
                c.problem(
                        c.has("group") ? "group" : c.has("column") ? "column" : "columns",
                        "unknown column '" + column + "' of " + spec.name() + "; expected one of " + known);
            } else if (kind == QualityCheckKind.RANGE) {
                DataType type = spec.schema().apply(column).dataType();
                if (!(type instanceof NumericType)) {
                    c.problem("column", "range needs a numeric column; " + column + " is " + type.simpleString());
                }
            }
        }
        return new QualityCheck(spec.name(), kind, columns, min, max, maxChange, minPrevious, blocking);
    }

    private static Double optional(ConfigNode c, String key) {
        return c.has(key) ? c.doubleValue(key, 0, -Double.MAX_VALUE, Double.MAX_VALUE) : null;
    }
}
