package io.audiencelake.common.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.lake.TableSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityChecksLoaderTest {
    private static final TableSpec MEMBERS = new TableSpec(
            "members",
            "Test members",
            "testing",
            new StructType(new StructField[] {
                TableSpec.column("segment_id", DataTypes.StringType, false, "segment"),
                TableSpec.column("person_id", DataTypes.StringType, false, "person"),
                TableSpec.column("score", DataTypes.DoubleType, true, "score"),
                TableSpec.column("dt", DataTypes.DateType, false, "date")
            }),
            List.of("dt"),
            List.of("segment_id", "person_id", "dt"));

    @TempDir
    Path dir;

    private QualityChecks load(String yaml) throws IOException {
        return QualityChecksLoader.load(
                Files.writeString(dir.resolve("quality.yaml"), yaml), Map.of("members", MEMBERS));
    }

    @Test
    void readsChecksWithKeyColumnsAsDefault() throws IOException {
        QualityChecks checks = load("""
        tables:
          members:
            - {check: unique}
            - {check: range, column: score, min: 0, max: 1}
            - {check: size_change, group: segment_id, max_change: 0.5, blocking: false}
        """);
        List<QualityCheck> members = checks.forTable("members");
        assertEquals(3, members.size());
        assertEquals(List.of("segment_id", "person_id", "dt"), members.get(0).columns());
        assertEquals("range(score) in [0, 1]", members.get(1).name());
        assertEquals(100, members.get(2).minPrevious());
        assertEquals(false, members.get(2).blocking());
        assertTrue(checks.forTable("other").isEmpty());
    }

    @Test
    void aMissingFileMeansNoChecks() {
        assertTrue(QualityChecksLoader.load(dir.resolve("absent.yaml"), Map.of())
                .byTable()
                .isEmpty());
    }

    @Test
    void mistakesAreRefusedNamingFileFieldAndWhatWasExpected() {
        String message = assertThrows(ConfigException.class, () -> load("""
        tables:
          memberz:
            - {check: unique}
          members:
            - {check: range, column: segment_id, min: 0}
            - {check: size_change, group: person}
            - {check: row_count}
            - {check: unqiue}
        """)).getMessage();
        assertTrue(message.contains("quality.yaml"), message);
        assertTrue(message.contains("tables.memberz: unknown table; expected one of [members]"), message);
        assertTrue(
                message.contains("tables.members[0].column: range needs a numeric column; segment_id is string"),
                message);
        assertTrue(message.contains("tables.members[1].max_change: is required for size_change"), message);
        assertTrue(message.contains("tables.members[1].group: unknown column 'person' of members"), message);
        assertTrue(message.contains("tables.members[2].check: row_count needs min, max or max_change"), message);
        assertTrue(message.contains("tables.members[3].check: expected one of"), message);
    }
}
