package io.audiencelake.common.profiles;

import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Hand-made raw_events, raw_attributes and id_graph rows for profile tests. */
final class ProfileFrames {
    private ProfileFrames() {}

    /** One clickstream event; {@code landed} is its landing date (the dt partition). */
    static final class Event {
        private static int line;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final String time;
        final String type;
        final String cookie;
        String landed;
        Double revenue;
        String deviceType = "desktop";
        boolean robot;
        final String recordId = "clickstream/f.jsonl#" + (++line);

        Event(String time, String type, String cookie) {
            this.time = time;
            this.type = type;
            this.cookie = cookie;
            this.landed = time.substring(0, 10);
        }

        Event with(String column, String value) {
            attributes.put(column, value);
            return this;
        }

        Event revenue(double value) {
            revenue = value;
            return this;
        }

        Event landed(String date) {
            landed = date;
            return this;
        }

        Event device(String type) {
            deviceType = type;
            return this;
        }

        Event robot() {
            robot = true;
            return this;
        }

        Row row() {
            return RowFactory.create(
                    recordId,
                    "first",
                    Timestamp.from(Instant.parse(time)),
                    type,
                    "cookie",
                    cookie,
                    deviceType,
                    "Linux",
                    "Chrome",
                    robot,
                    "10.0.0.0/24",
                    "ip-hash",
                    revenue,
                    revenue == null ? null : "EUR",
                    attributes,
                    "s3a://landing/clickstream/f.jsonl",
                    1L,
                    "clickstream",
                    Date.valueOf(landed),
                    null);
        }
    }

    static Event event(String time, String type, String cookie) {
        return new Event(time, type, cookie);
    }

    static Dataset<Row> events(Event... events) {
        List<Row> rows = new ArrayList<>();
        for (Event e : events) {
            rows.add(e.row());
        }
        return TestLake.spark().createDataFrame(rows, RawEvents.SPEC.schema());
    }

    private static int attributeLine;

    /** One attribute value of a subject, observed at {@code time}, landed that day. */
    static Row attribute(String subjectType, String subject, String name, String value, String time) {
        return RowFactory.create(
                "crm/f.csv#" + (++attributeLine),
                "first",
                subjectType,
                subject,
                name,
                value,
                Timestamp.from(Instant.parse(time)),
                "s3a://landing/crm/f.csv",
                1L,
                "crm",
                Date.valueOf(time.substring(0, 10)));
    }

    static Dataset<Row> attributes(Row... rows) {
        return TestLake.spark().createDataFrame(List.of(rows), RawAttributes.SPEC.schema());
    }

    /** id_graph rows: each entry is {person, id_type, id_value}. */
    static Dataset<Row> graph(String date, String[]... members) {
        List<Row> rows = new ArrayList<>();
        for (String[] m : members) {
            rows.add(RowFactory.create(
                    m[0],
                    m[1],
                    m[2],
                    m[1].equals("email"),
                    Timestamp.from(Instant.parse("2025-01-01T00:00:00Z")),
                    Timestamp.from(Instant.parse(date + "T00:00:00Z")),
                    (long) members.length,
                    false,
                    Date.valueOf(date)));
        }
        return TestLake.spark().createDataFrame(rows, IdGraph.SPEC.schema());
    }

    static String[] member(String person, String type, String value) {
        return new String[] {person, type, value};
    }
}
