package io.audiencelake.common.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Quality gates in front of real Delta writes: a failing blocking check leaves the table as it was. */
class QualityGatedTablesTest {
    private static final SparkSession SPARK = TestLake.spark();
    private static final LocalDate D1 = LocalDate.of(2024, 7, 1);
    private static final LocalDate D2 = LocalDate.of(2024, 7, 2);

    private static TableSpec spec(String name) {
        return new TableSpec(
                name,
                "Gated " + name,
                "testing",
                new StructType(new StructField[] {
                    TableSpec.column("segment_id", DataTypes.StringType, false, "segment"),
                    TableSpec.column("person_id", DataTypes.StringType, true, "person"),
                    TableSpec.column("score", DataTypes.DoubleType, true, "score"),
                    TableSpec.column("dt", DataTypes.DateType, false, "date")
                }),
                List.of("dt"),
                List.of("segment_id", "person_id", "dt"));
    }

    /** {@code persons} members of segment a and {@code persons} of b, scores i / persons. */
    private static Dataset<Row> members(TableSpec spec, LocalDate dt, int a, int b) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < a; i++) {
            rows.add(RowFactory.create("a", "p" + i, i / (double) a, Date.valueOf(dt)));
        }
        for (int i = 0; i < b; i++) {
            rows.add(RowFactory.create("b", "p" + i, i / (double) b, Date.valueOf(dt)));
        }
        return SPARK.createDataFrame(rows, spec.schema());
    }

    private static QualityGatedTables gated(LakeTables lake, TableSpec spec, LocalDate date, QualityCheck... checks) {
        return new QualityGatedTables(
                lake,
                SPARK,
                new QualityChecks("test", Map.of(spec.name(), List.of(checks))),
                "run-" + date + "-" + spec.name(),
                "segments",
                date);
    }

    private static QualityCheck check(
            TableSpec spec,
            QualityCheckKind kind,
            List<String> columns,
            Double min,
            Double max,
            Double maxChange,
            long minPrevious,
            boolean blocking) {
        return new QualityCheck(spec.name(), kind, columns, min, max, maxChange, minPrevious, blocking);
    }

    @Test
    void aFailingBlockingCheckKeepsThePreviousVersionAndRecordsWhy() {
        LakeTables lake = TestLake.tables(TableFormat.DELTA);
        TableSpec spec = spec("gated_members");
        QualityCheck sizes =
                check(spec, QualityCheckKind.SIZE_CHANGE, List.of("segment_id"), null, null, 0.5, 10, true);
        QualityCheck unique = check(spec, QualityCheckKind.UNIQUE, spec.keyColumns(), null, null, null, 0, true);
        QualityCheck range = check(spec, QualityCheckKind.RANGE, List.of("score"), 0.0, 1.0, null, 0, true);
        QualityCheck rows = check(spec, QualityCheckKind.ROW_COUNT, List.of(), 1.0, null, 0.1, 0, false);

        gated(lake, spec, D1, sizes, unique, range, rows)
                .overwritePartition(spec, members(spec, D1, 100, 40), Map.of("dt", D1));
        long versions = lake.history(spec).size();

        // Segment a shrinks from 100 to 20 (-80%): blocked. b stays at 40. The row count warning does not block.
        QualityGatedTables day2 = gated(lake, spec, D2, sizes, unique, range, rows);
        QualityGateException e = assertThrows(
                QualityGateException.class,
                () -> day2.overwritePartition(spec, members(spec, D2, 20, 40), Map.of("dt", D2)));
        assertTrue(e.getMessage().contains("gated_members was not written"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("size_change(segment_id) change <= 50% FAILED (1 of 2 segment_id value(s) "
                                + "changed more than 50%: a 100 -> 20)"),
                e.getMessage());
        assertEquals(1, e.failures().size());
        assertEquals(versions, lake.history(spec).size());
        assertEquals(0, lake.read(spec).where("dt = DATE'2024-07-02'").count());
        assertTrue(day2.written().isEmpty());

        List<Row> results = lake.read(QualityResults.SPEC)
                .where("run_id = 'run-2024-07-02-gated_members'")
                .orderBy(QualityResults.CHECK_NAME)
                .collectAsList();
        assertEquals(4, results.size());
        assertEquals(
                List.of(true, false, false, true),
                results.stream()
                        .map(r -> r.<Boolean>getAs(QualityResults.PASSED))
                        .toList());
        assertEquals(
                "60 rows, previous 140 (-57.1%): changed more than 10%",
                results.get(1).getAs(QualityResults.OBSERVED));
    }

    @Test
    void passingChecksWriteAndDuplicatesOrOutOfRangeValuesBlock() {
        LakeTables lake = TestLake.tables(TableFormat.DELTA);
        TableSpec spec = spec("gated_scores");
        QualityCheck unique =
                check(spec, QualityCheckKind.UNIQUE, List.of("segment_id", "person_id"), null, null, null, 0, true);
        QualityCheck range = check(spec, QualityCheckKind.RANGE, List.of("score"), 0.0, 0.5, null, 0, true);
        QualityCheck notNull = check(spec, QualityCheckKind.NOT_NULL, List.of("person_id"), null, null, null, 0, true);

        QualityGatedTables ok = gated(lake, spec, D1, unique, notNull);
        ok.overwritePartition(spec, members(spec, D1, 5, 5), Map.of("dt", D1));
        assertEquals(10, lake.read(spec).count());
        assertEquals(
                List.of("gated_scores"),
                ok.written().stream().map(TableSpec::name).toList());

        Dataset<Row> twice = members(spec, D2, 5, 0)
                .union(members(spec, D2, 2, 0))
                .union(SPARK.createDataFrame(
                        List.of(RowFactory.create("c", null, 0.1, Date.valueOf(D2))), spec.schema()));
        QualityGateException e = assertThrows(
                QualityGateException.class,
                () -> gated(lake, spec, D2, unique, range, notNull).overwritePartition(spec, twice, Map.of("dt", D2)));
        assertEquals(
                List.of("2 key(s) repeated, on 4 rows", "2 value(s) outside, values in [0, 0.8]", "1 null person_id"),
                e.failures().stream().map(QualityOutcome::observed).toList());
        assertEquals(10, lake.read(spec).count());
    }

    @Test
    void aTableOfVersionsIsCheckedOnItsCurrentVersionsSoHistoryCannotHideALoss() {
        LakeTables lake = TestLake.tables(TableFormat.DELTA);
        TableSpec spec = new TableSpec(
                "gated_versions",
                "Gated versions",
                "testing",
                new StructType(new StructField[] {
                    TableSpec.column("id", DataTypes.StringType, false, "identifier"),
                    TableSpec.column("valid_from", DataTypes.DateType, false, "start"),
                    TableSpec.column("valid_to", DataTypes.DateType, true, "end, null while current")
                }),
                List.of(),
                List.of("id", "valid_from"));
        QualityCheck rows = check(spec, QualityCheckKind.ROW_COUNT, List.of(), 1.0, null, 0.6, 100, true);
        gated(lake, spec, D1, rows).replace(spec, versions(spec, 200, 0));
        // Day 2 ends 180 of the 200 versions: 200 rows in all, but only 20 current.
        QualityGateException e = assertThrows(
                QualityGateException.class, () -> gated(lake, spec, D2, rows).replace(spec, versions(spec, 200, 180)));
        assertTrue(e.getMessage().contains("20 rows, previous 200"), e.getMessage());
        assertEquals(200, lake.read(spec).where("valid_to IS NULL").count(), "the table is as it was");
    }

    /** {@code n} versions begun on D1, the first {@code ended} of them ended on D2. */
    private static Dataset<Row> versions(TableSpec spec, int n, int ended) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create("id" + i, Date.valueOf(D1), i < ended ? Date.valueOf(D2) : null));
        }
        return SPARK.createDataFrame(rows, spec.schema());
    }

    @Test
    void checkedAheadAFailingSecondTableStopsTheRunBeforeTheFirstIsWritten() {
        LakeTables lake = TestLake.tables(TableFormat.DELTA);
        TableSpec first = spec("ahead_first");
        TableSpec second = spec("ahead_second");
        QualityCheck range = check(second, QualityCheckKind.RANGE, List.of("score"), 0.0, 0.1, null, 0, true);
        QualityCheck unique = check(first, QualityCheckKind.UNIQUE, first.keyColumns(), null, null, null, 0, true);
        QualityGatedTables run = new QualityGatedTables(
                lake,
                SPARK,
                new QualityChecks("test", Map.of(first.name(), List.of(unique), second.name(), List.of(range))),
                "run-ahead",
                "ingest",
                D1);

        Dataset<Row> firstRows = run.checkBeforeWriting(first, members(first, D1, 3, 0), Map.of("dt", D1));
        assertThrows(
                QualityGateException.class,
                () -> run.checkBeforeWriting(second, members(second, D1, 5, 0), Map.of("dt", D1)));
        assertTrue(!lake.exists(first) || lake.read(first).count() == 0, "nothing of the run is committed");
        assertTrue(run.written().isEmpty());

        // Checked ahead, the rows are written without being checked a second time.
        run.overwritePartition(first, firstRows, Map.of("dt", D1));
        assertEquals(3, lake.read(first).count());
        assertEquals(
                1,
                lake.read(QualityResults.SPEC)
                        .where("run_id = 'run-ahead' AND table_name = 'ahead_first'")
                        .count());
    }
}
