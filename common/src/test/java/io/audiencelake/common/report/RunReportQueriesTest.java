package io.audiencelake.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The report's questions to the lake, on small in-memory tables with known answers. */
class RunReportQueriesTest {
    private static final SparkSession SPARK = TestLake.spark();
    private static final LocalDate D1 = LocalDate.of(2025, 9, 1);
    private static final LocalDate D2 = LocalDate.of(2025, 9, 2);
    private static final ReportWindow WINDOW = new ReportWindow(D2, 2);

    /** A frame of {@code columns} ("name:type" with type string, long, date) and rows of values. */
    private static Dataset<Row> frame(String columns, Object[]... rows) {
        List<StructField> fields = new ArrayList<>();
        for (String c : columns.split(",")) {
            String[] nameType = c.trim().split(":");
            DataType type = switch (nameType[1]) {
                case "long" -> DataTypes.LongType;
                case "date" -> DataTypes.DateType;
                case "double" -> DataTypes.DoubleType;
                case "int" -> DataTypes.IntegerType;
                default -> DataTypes.StringType;
            };
            fields.add(DataTypes.createStructField(nameType[0], type, true));
        }
        List<Row> out = new ArrayList<>();
        for (Object[] r : rows) {
            Object[] cells = r.clone();
            for (int i = 0; i < cells.length; i++) {
                if (cells[i] instanceof LocalDate d) {
                    cells[i] = Date.valueOf(d);
                }
            }
            out.add(RowFactory.create(cells));
        }
        return SPARK.createDataFrame(out, new StructType(fields.toArray(StructField[]::new)));
    }

    private static List<String> rows(Dataset<Row> result) {
        return result.collectAsList().stream()
                .map(r -> {
                    List<String> cells = new ArrayList<>();
                    for (int i = 0; i < r.size(); i++) {
                        cells.add(String.valueOf(r.get(i)));
                    }
                    return String.join("|", cells);
                })
                .toList();
    }

    @Test
    void feedDaysSumTheWindowsFilesPerDateAndFeedAndCountFailures() {
        Dataset<Row> files = frame(
                "feed:string, dt:date, status:string, rows_read:long, rows_kept:long, "
                        + "rows_duplicate:long, rows_quarantined:long",
                new Object[] {"crm", D2, "ingested", 10L, 7L, 1L, 2L},
                new Object[] {"crm", D2, "failed", 0L, 0L, 0L, 0L},
                new Object[] {"crm", D2, "ingested", 5L, 5L, 0L, 0L},
                new Object[] {"crm", D1, "ingested", 3L, 3L, 0L, 0L},
                new Object[] {"crm", D1.minusDays(1), "ingested", 99L, 99L, 0L, 0L});
        assertEquals(
                List.of("2025-09-01|crm|1|0|3|3|0|0", "2025-09-02|crm|3|1|15|12|1|2"),
                rows(RunReportQueries.feedDays(files, WINDOW)));
    }

    @Test
    void responsesAreCountedPerDestinationCampaignAndKindInTheWindowOnly() {
        Dataset<Row> events = frame(
                        "feed:string, dt:date, event_type:string, dest:string, campaign:string",
                        new Object[] {"destination_responses", D2, "opened", "email_tool", "june"},
                        new Object[] {"destination_responses", D2, "opened", "email_tool", "june"},
                        new Object[] {"destination_responses", D1, "unsubscribed", "email_tool", "june"},
                        new Object[] {"destination_responses", D1.minusDays(1), "opened", "email_tool", "june"},
                        new Object[] {"clickstream", D2, "opened", "email_tool", "june"})
                .withColumn(
                        "attributes",
                        org.apache.spark.sql.functions.map(
                                org.apache.spark.sql.functions.lit("destination_id"),
                                org.apache.spark.sql.functions.col("dest"),
                                org.apache.spark.sql.functions.lit("campaign"),
                                org.apache.spark.sql.functions.col("campaign")))
                .drop("dest", "campaign");
        assertEquals(
                List.of("email_tool|june|opened|2", "email_tool|june|unsubscribed|1"),
                rows(RunReportQueries.responses(events, WINDOW, 10)),
                "a day before the window and another feed's events are left out");
    }

    @Test
    void quarantineReasonsAreTheDatesMostFrequentWithOneRowPastTheCap() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(new Object[] {"crm", D2, "malformed"});
        }
        rows.add(new Object[] {"crm", D2, "invalid_email:email"});
        rows.add(new Object[] {"partner", D2, "bad_date:birth"});
        rows.add(new Object[] {"partner", D2, "bad_date:birth"});
        rows.add(new Object[] {"crm", D1, "other_day"});
        Dataset<Row> quarantine = frame("feed:string, dt:date, reason:string", rows.toArray(Object[][]::new));
        assertEquals(
                List.of("crm|malformed|5", "partner|bad_date:birth|2"),
                rows(RunReportQueries.quarantineReasons(quarantine, D2, 1)),
                "the cap is 1: one row past it tells it cut");
    }

    @Test
    void segmentDaysKeepTheLargestSegmentsOnTheDateThenByPeak() {
        Dataset<Row> stats = frame(
                "segment_id:string, name:string, source:string, size:long, adds:long, removes:long, " + "dt:date",
                new Object[] {"big", "Big", "rule", 90L, 0L, 0L, D1},
                new Object[] {"big", "Big", "rule", 100L, 10L, 0L, D2},
                new Object[] {"small", "Small", "rule", 5L, 0L, 0L, D2},
                new Object[] {"gone", "Gone", "rule", 500L, 0L, 0L, D1},
                new Object[] {"big", "Big lookalike", "lookalike", 1L, 1L, 0L, D2});
        assertEquals(
                List.of("2025-09-01|big|Big|rule|90|0|0|null", "2025-09-02|big|Big|rule|100|10|0|null"),
                rows(RunReportQueries.segmentDays(stats, WINDOW, 1)),
                "stats from before control groups have no control size");
        assertEquals(
                List.of("2025-09-01|big|Big|rule|90|0|0|9", "2025-09-02|big|Big|rule|100|10|0|10"),
                rows(RunReportQueries.segmentDays(
                        stats.withColumn(
                                "control_size", stats.col("size").divide(10).cast("long")),
                        WINDOW,
                        1)),
                "and after, the control members of each date");
        // Segments of the date come first, largest first; one without a size on the date (gone) comes after them.
        assertEquals(
                List.of("big|rule", "small|rule"),
                rows(RunReportQueries.segmentDays(stats, WINDOW, 2)
                        .select("segment_id", "source")
                        .distinct()
                        .orderBy("segment_id")));
        assertEquals(
                List.of("big|lookalike", "big|rule", "gone|rule", "small|rule"),
                rows(RunReportQueries.segmentDays(stats, WINDOW, 4)
                        .select("segment_id", "source")
                        .distinct()
                        .orderBy("segment_id", "source")));
        assertEquals(
                List.of("big|lookalike", "big|rule", "small|rule"),
                rows(RunReportQueries.segmentDays(stats, WINDOW, 3)
                        .select("segment_id", "source")
                        .distinct()
                        .orderBy("segment_id", "source")));
        assertEquals(List.of("4"), rows(RunReportQueries.segmentCount(stats, WINDOW)));
    }

    @Test
    void theHeatMapsSegmentsAreTheLargestOfTheOverlapListAndTheirPairs() {
        Dataset<Row> overlaps = frame(
                "segment_a:string, segment_b:string, persons:long, dt:date",
                new Object[] {"a", "a", 30L, D2},
                new Object[] {"b", "b", 8L, D2},
                new Object[] {"c", "c", 40L, D2},
                new Object[] {"a", "b", 2L, D2},
                new Object[] {"a", "c", 5L, D2},
                new Object[] {"z", "z", 99L, D1});
        assertEquals(List.of("c", "a"), rows(RunReportQueries.overlapSegments(overlaps, D2, 2)));
        assertEquals(
                List.of("a|a|30", "a|c|5", "c|c|40"),
                rows(RunReportQueries.overlaps(overlaps, D2, List.of("c", "a")).orderBy("segment_a", "segment_b")));
    }

    @Test
    void modelVersionsAreThoseTrainedForTheDateOrBeforeNewestFirst() {
        Dataset<Row> runs = frame(
                "model_id:string, version:int, trained_for:date",
                new Object[] {"m", 1, D1},
                new Object[] {"m", 2, D2},
                new Object[] {"m", 3, D2.plusDays(1)},
                new Object[] {"n", 1, D1});
        assertEquals(
                List.of("m|2|2025-09-02", "m|1|2025-09-01", "n|1|2025-09-01"),
                rows(RunReportQueries.modelVersions(runs, D2, 10)));
    }

    @Test
    void identityMetricsAreTheShownOnesOfTheWindow() {
        Dataset<Row> metrics = frame(
                "metric:string, dimension:string, value:double, dt:date",
                new Object[] {"persons", "", 10.0, D2},
                new Object[] {"m_probability", "devices/ip", 0.5, D2},
                new Object[] {"person_size", "2", 4.0, D1},
                new Object[] {"persons", "", 9.0, D1.minusDays(1)});
        assertEquals(
                List.of("2025-09-01|person_size|2|4.0", "2025-09-02|persons||10.0"),
                rows(RunReportQueries.identityMetrics(metrics, WINDOW)));
    }
}
