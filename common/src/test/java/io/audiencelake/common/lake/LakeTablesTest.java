package io.audiencelake.common.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lake-table contract, proved on real Delta and Iceberg tables in one session. */
class LakeTablesTest {
    private static final SparkSession SPARK = TestLake.spark();
    private static final StructType SCHEMA = new StructType(new StructField[] {
        TableSpec.column("person_id", DataTypes.StringType, false, "the person"),
        TableSpec.column("score", DataTypes.LongType, true, "a number"),
        TableSpec.column("dt", DataTypes.DateType, false, "run date")
    });
    private static final LocalDate D1 = LocalDate.of(2024, 6, 1);
    private static final LocalDate D2 = LocalDate.of(2024, 6, 2);

    private static TableSpec spec(String name) {
        return new TableSpec(name, "Test table " + name, "testing", SCHEMA, List.of("dt"), List.of("person_id", "dt"));
    }

    private static Dataset<Row> rows(LocalDate dt, Object... idAndScore) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < idAndScore.length; i += 2) {
            out.add(RowFactory.create(idAndScore[i], ((Number) idAndScore[i + 1]).longValue(), Date.valueOf(dt)));
        }
        return SPARK.createDataFrame(out, SCHEMA);
    }

    private static List<String> contents(Dataset<Row> ds) {
        return ds.orderBy("dt", "person_id").collectAsList().stream()
                .map(r -> r.getString(0) + "=" + r.getLong(1) + "@" + r.getDate(2))
                .collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void createCarriesCommentAndOwnerAndIsIdempotent(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("created_" + format.name().toLowerCase(Locale.ROOT));
        lake.create(table);
        lake.create(table);
        assertTrue(lake.exists(table));
        Map<String, String> props = lake.properties(table);
        assertEquals("Test table " + table.name(), props.get("comment"));
        assertEquals("audience-platform", props.get(LakeTables.PROPERTY_OWNER));
        assertEquals("testing", props.get(LakeTables.PROPERTY_DOMAIN));
        assertEquals(0, lake.read(table).count());
        Dataset<Row> described = SPARK.sql("DESCRIBE TABLE " + lake.qualifiedName(table));
        assertEquals(
                "the person", described.where("col_name = 'person_id'").first().getString(2));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void overwritePartitionReplacesOnlyThatDateAndIsIdempotent(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("partitioned_" + format.name().toLowerCase(Locale.ROOT));
        Map<String, Object> day1 = Map.of("dt", D1);
        lake.overwritePartition(table, rows(D1, "a", 1, "b", 2), day1);
        lake.overwritePartition(table, rows(D2, "c", 3), Map.of("dt", D2));
        lake.overwritePartition(table, rows(D1, "a", 10, "d", 4), day1);
        List<String> once = contents(lake.read(table));
        lake.overwritePartition(table, rows(D1, "a", 10, "d", 4), day1);
        assertEquals(List.of("a=10@2024-06-01", "d=4@2024-06-01", "c=3@2024-06-02"), once);
        assertEquals(once, contents(lake.read(table)));
        assertEquals(once, contents(SPARK.table(lake.qualifiedName(table))));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void overwriteOfSeveralPartitionsAtOnceLeavesTheOthers(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("several_" + format.name().toLowerCase(Locale.ROOT));
        LocalDate d3 = LocalDate.of(2024, 6, 3);
        lake.overwritePartition(table, rows(D1, "a", 1), Map.of("dt", D1));
        lake.overwritePartition(table, rows(D2, "b", 2), Map.of("dt", D2));
        lake.overwritePartition(table, rows(d3, "c", 3), Map.of("dt", d3));
        lake.overwritePartition(table, rows(D1, "x", 10).union(rows(d3, "y", 30)), Map.of("dt", List.of(D1, d3)));
        assertEquals(List.of("x=10@2024-06-01", "b=2@2024-06-02", "y=30@2024-06-03"), contents(lake.read(table)));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void overwriteRefusesRowsOfAnotherPartitionAndKeepsTheTable(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("guarded_" + format.name().toLowerCase(Locale.ROOT));
        lake.overwritePartition(table, rows(D1, "a", 1), Map.of("dt", D1));
        assertThrows(Exception.class, () -> lake.overwritePartition(table, rows(D2, "x", 9), Map.of("dt", D1)));
        assertEquals(List.of("a=1@2024-06-01"), contents(lake.read(table)));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void mergeUpdatesMatchingKeysAndInsertsTheRest(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("merged_" + format.name().toLowerCase(Locale.ROOT));
        lake.merge(table, rows(D1, "a", 1, "b", 2));
        lake.merge(table, rows(D1, "b", 20, "c", 3));
        lake.merge(table, rows(D1, "b", 20, "c", 3));
        assertEquals(List.of("a=1@2024-06-01", "b=20@2024-06-01", "c=3@2024-06-01"), contents(lake.read(table)));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void readsEarlierVersionsByVersionAndByTime(TableFormat format) throws InterruptedException {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("travel_" + format.name().toLowerCase(Locale.ROOT));
        lake.append(table, rows(D1, "a", 1));
        List<TableVersion> afterFirst = lake.history(table);
        Instant between = afterFirst.get(afterFirst.size() - 1).committedAt().plusMillis(1);
        // Commit times have millisecond resolution: make sure the next commit is strictly later.
        while (!Instant.now().isAfter(between.plusMillis(5))) {
            Thread.onSpinWait();
        }
        lake.merge(table, rows(D1, "a", 2, "b", 3));
        List<TableVersion> history = lake.history(table);
        assertEquals(afterFirst.size() + 1, history.size());
        long first = afterFirst.get(afterFirst.size() - 1).version();
        assertEquals(List.of("a=1@2024-06-01"), contents(lake.readVersion(table, first)));
        assertEquals(List.of("a=1@2024-06-01"), contents(lake.readAsOf(table, between)));
        assertEquals(List.of("a=2@2024-06-01", "b=3@2024-06-01"), contents(lake.read(table)));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void replaceSwapsSchemaAndRowsAtOnce(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("replaced_" + format.name().toLowerCase(Locale.ROOT));
        lake.overwritePartition(table, rows(D1, "a", 1, "b", 2), Map.of("dt", D1));
        StructType wider = SCHEMA.add(TableSpec.column("label", DataTypes.StringType, true, "a new column"));
        TableSpec next = new TableSpec(
                table.name(), table.description(), table.domain(), wider, List.of("dt"), List.of("person_id", "dt"));
        Dataset<Row> replacement = SPARK.createDataFrame(
                List.of(RowFactory.create("c", 3L, Date.valueOf(D2), "x")),
                new StructType()
                        .add("person_id", DataTypes.StringType)
                        .add("score", DataTypes.LongType)
                        .add("dt", DataTypes.DateType)
                        .add("label", DataTypes.StringType));
        lake.replace(next, replacement);
        Dataset<Row> now = lake.read(next);
        assertEquals(List.of(wider.fieldNames()), List.of(now.columns()));
        assertEquals(List.of("c=3@" + D2), contents(now.select("person_id", "score", "dt")));
        assertEquals("testing", lake.properties(next).get(LakeTables.PROPERTY_DOMAIN));
        // The version before the replace is still there for time travel.
        assertEquals(
                List.of("a=1@" + D1, "b=2@" + D1),
                contents(lake.readVersion(
                        next,
                        lake.history(next).get(lake.history(next).size() - 2).version())));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void addMissingColumnsKeepsOlderRowsAndRefusesATypeChange(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        TableSpec table = spec("evolved_" + format.name().toLowerCase(Locale.ROOT));
        lake.overwritePartition(table, rows(D1, "a", 1), Map.of("dt", D1));
        StructType wider = SCHEMA.add(TableSpec.column("label", DataTypes.StringType, true, "it's a 'quoted' comment"));
        TableSpec next = new TableSpec(
                table.name(), table.description(), table.domain(), wider, List.of("dt"), List.of("person_id", "dt"));
        lake.addMissingColumns(next);
        lake.addMissingColumns(next);
        Dataset<Row> now = lake.read(next);
        assertEquals(List.of("person_id", "score", "dt", "label"), List.of(now.columns()));
        assertEquals(1, now.where("label IS NULL AND person_id = 'a'").count());
        Dataset<Row> described = SPARK.sql("DESCRIBE TABLE " + lake.qualifiedName(next));
        assertEquals(
                "it's a 'quoted' comment",
                described.where("col_name = 'label'").first().getString(2));
        StructType changed = new StructType(new StructField[] {
            SCHEMA.fields()[0],
            TableSpec.column("score", DataTypes.DoubleType, true, "now a double"),
            SCHEMA.fields()[2]
        });
        IllegalStateException e = Assertions.assertThrows(
                IllegalStateException.class,
                () -> lake.addMissingColumns(new TableSpec(
                        table.name(),
                        table.description(),
                        table.domain(),
                        changed,
                        List.of("dt"),
                        List.of("person_id", "dt"))));
        assertTrue(e.getMessage().contains("score is bigint in the table but double"), e.getMessage());
    }
}
