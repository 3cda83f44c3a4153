package io.audiencelake.common.profiles;

import static io.audiencelake.common.lake.TableSpec.column;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.lake.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code profile_activity} state table and how it is built: every measure's partial per
 * identifier, event day and landing date. A run adds the partitions of the landing dates it reads;
 * windows merge the partials of their days, the lifetime state merges each new landing date once.
 * Building it is one aggregation per source (a shuffle by identifier and day); nothing is collected.
 */
public final class ProfileActivity {
    public static final String ID_TYPE = "id_type";
    public static final String ID_VALUE = "id_value";
    public static final String EVENT_DAY = "event_day";
    public static final String DT = "dt";

    private ProfileActivity() {}

    public static TableSpec spec(List<Measure> measures) {
        List<StructField> fields = new ArrayList<>(List.of(
                column(ID_TYPE, DataTypes.StringType, false, "identifier type (device id type for events)"),
                column(ID_VALUE, DataTypes.StringType, false, "identifier, as in id_graph"),
                column(EVENT_DAY, DataTypes.DateType, true, "day the rows happened (UTC)")));
        for (Measure m : measures) {
            fields.add(column(m.column(), m.partialType(), true, m.definition()));
        }
        fields.add(column(DT, DataTypes.DateType, false, "landing date the rows arrived on (partition)"));
        return new TableSpec(
                "profile_activity",
                "Running state of the profiles job: partial aggregates per identifier, event day and landing date. "
                        + "Internal; query profiles instead.",
                "profiles",
                new StructType(fields.toArray(StructField[]::new)),
                List.of(DT),
                List.of(ID_TYPE, ID_VALUE, EVENT_DAY, DT));
    }

    /** Partials of events (by device) and attributes (by subject) of the given landing dates. */
    public static Dataset<Row> of(
            Dataset<Row> events, Dataset<Row> attributes, List<Measure> measures, EventColumns columns, int precision) {
        List<Column> eventAggs = new ArrayList<>();
        List<Column> attributeAggs = new ArrayList<>();
        for (Measure m : measures) {
            if (m.source() == TraitSource.EVENTS) {
                Column value = m.of() == null ? lit(null) : columns.column(m.of());
                eventAggs.add(m.build(
                                value,
                                col(RawEvents.EVENT_TIME),
                                col(RawTables.RECORD_ID),
                                filter(m.where(), columns),
                                precision)
                        .as(m.column()));
            } else if (m.source() == TraitSource.ATTRIBUTES) {
                Column value = col(RawAttributes.VALUE).try_cast(m.type().sparkType());
                Column named =
                        m.of() == null ? lit(true) : col(RawAttributes.NAME).equalTo(lit(m.of()));
                attributeAggs.add(
                        m.build(value, col(RawAttributes.OBSERVED_AT), col(RawTables.RECORD_ID), named, precision)
                                .as(m.column()));
            }
        }
        Dataset<Row> fromEvents = grouped(
                events,
                eventAggs,
                col(RawEvents.DEVICE_ID_TYPE),
                col(RawEvents.DEVICE_ID),
                to_date(col(RawEvents.EVENT_TIME)));
        Dataset<Row> fromAttributes = grouped(
                attributes,
                attributeAggs,
                col(RawAttributes.SUBJECT_TYPE),
                col(RawAttributes.SUBJECT_ID),
                to_date(col(RawAttributes.OBSERVED_AT)));
        Dataset<Row> rows;
        if (fromEvents != null && fromAttributes != null) {
            // The same identifier can have events and attributes on one day: merge the two rows into one.
            rows = merged(
                    fromEvents.unionByName(fromAttributes, true),
                    measures,
                    List.of(col(ID_TYPE), col(ID_VALUE), col(EVENT_DAY), col(DT)));
        } else {
            rows = fromEvents != null ? fromEvents : fromAttributes;
        }
        if (rows == null) {
            throw new IllegalArgumentException("no measure of events or attributes to build");
        }
        return conform(rows, spec(measures));
    }

    /** The partials per identifier, event day and landing date, or null without any. */
    private static Dataset<Row> grouped(Dataset<Row> rows, List<Column> aggs, Column type, Column value, Column day) {
        if (aggs.isEmpty()) {
            return null;
        }
        return rows.groupBy(type.as(ID_TYPE), value.as(ID_VALUE), day.as(EVENT_DAY), col(RawTables.DT))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    /** Rows with their measures merged per key. */
    static Dataset<Row> merged(Dataset<Row> rows, List<Measure> measures, List<Column> keys) {
        List<Column> aggs = new ArrayList<>();
        for (Measure m : measures) {
            aggs.add(m.merge(col(m.column())).as(m.column()));
        }
        if (aggs.isEmpty()) {
            return rows.select(keys.toArray(Column[]::new)).distinct();
        }
        return rows.groupBy(keys.toArray(Column[]::new))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    /** The rows in the spec's column order and types (missing measures as nulls). */
    static Dataset<Row> conform(Dataset<Row> rows, TableSpec spec) {
        List<String> have = List.of(rows.columns());
        List<Column> out = new ArrayList<>();
        for (StructField f : spec.schema().fields()) {
            out.add((have.contains(f.name()) ? col(f.name()) : lit(null))
                    .cast(f.dataType())
                    .as(f.name()));
        }
        return rows.select(out.toArray(Column[]::new));
    }

    /** All of {@code where} holds: each column's text is one of its values. */
    static Column filter(Map<String, List<String>> where, EventColumns columns) {
        Column all = lit(true);
        for (Map.Entry<String, List<String>> e : where.entrySet()) {
            all = all.and(columns.column(e.getKey())
                    .cast(DataTypes.StringType)
                    .isin(e.getValue().toArray()));
        }
        return all;
    }
}
