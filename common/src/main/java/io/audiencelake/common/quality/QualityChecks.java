package io.audiencelake.common.quality;

import java.util.List;
import java.util.Map;

/** Every table's quality checks, from quality.yaml. */
public record QualityChecks(String source, Map<String, List<QualityCheck>> byTable) {
    public QualityChecks {
        byTable = Map.copyOf(byTable);
    }

    public static QualityChecks none() {
        return new QualityChecks("(none)", Map.of());
    }

    public List<QualityCheck> forTable(String table) {
        return byTable.getOrDefault(table, List.of());
    }
}
