package io.audiencelake.jobs;

import io.audiencelake.common.identity.GraphVersions;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.IdentityRules;
import io.audiencelake.common.lake.LakeTables;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Writes a hand-made graph of a day into id_graph the way the identity job does: as versions. */
final class GraphDays {
    /** The columns of one day's graph, in {@link GraphVersions#DAY_COLUMNS} order. */
    static final StructType DAY_SCHEMA =
            new StructType(Arrays.stream(IdGraph.SPEC.schema().fields())
                    .filter(f -> GraphVersions.DAY_COLUMNS.contains(f.name()))
                    .toArray(StructField[]::new));

    private GraphDays() {}

    static void write(LakeTables lake, List<Row> day, String date) {
        write(lake, SparkSession.active().createDataFrame(day, DAY_SCHEMA), date);
    }

    /** {@code day} holds at least the day's columns (others are ignored); days are written in date order. */
    static void write(LakeTables lake, Dataset<Row> day, String date) {
        Dataset<Row> table = lake.exists(IdGraph.SPEC)
                ? lake.read(IdGraph.SPEC)
                : SparkSession.active().createDataFrame(List.of(), IdGraph.SPEC.schema());
        Column[] columns =
                GraphVersions.DAY_COLUMNS.stream().map(functions::col).toArray(Column[]::new);
        Dataset<Row> none = day.select(IdGraph.ID_TYPE, IdGraph.ID_VALUE).where(functions.lit(false));
        Dataset<Row> next = GraphVersions.next(
                        table,
                        day.select(columns),
                        LocalDate.parse(date),
                        IdentityRules.Expiry.DEFAULTS.historyDays(),
                        none)
                .localCheckpoint();
        lake.replace(IdGraph.SPEC, next);
    }
}
