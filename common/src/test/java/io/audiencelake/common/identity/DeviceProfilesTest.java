package io.audiencelake.common.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class DeviceProfilesTest {
    private static final LocalDate DAY1 = LocalDate.of(2025, 3, 1);
    private static final LocalDate DAY2 = DAY1.plusDays(1);
    private static final LocalDate DAY3 = DAY1.plusDays(2);
    private static final String EVENTS = "device_id_type string, device_id string, event_time timestamp, "
            + "ip_hash string, ip_prefix string, os string, browser string, device_type string, is_robot boolean, "
            + "dt date, attributes map<string, string>";

    private static Object[] event(LocalDate day, String device, int hour, String ip, String os, boolean robot) {
        return new Object[] {
            device == null ? null : "cookie",
            device,
            Timestamp.valueOf(day.atTime(hour, 0)),
            ip,
            "net-" + ip.substring(0, Math.min(4, ip.length())),
            os,
            "Safari",
            "mobile",
            robot,
            Date.valueOf(day),
            null
        };
    }

    /**
     * A device with 100 addresses on day 1, 10 smaller ones on day 2 and, on day 3, its latest event (a new OS)
     * and a crawler's event under its id; another device on day 2 only; an event without a device.
     */
    private static List<Object[]> eventRows() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 100; i < 200; i++) {
            rows.add(event(DAY1, "c1", 10, String.format("ip%03d", i), "iOS 16", false));
        }
        for (int i = 0; i < 10; i++) {
            rows.add(event(DAY2, "c1", 8, String.format("ip%03d", i), "iOS 16", false));
        }
        rows.add(event(DAY3, "c1", 23, "ip500", "iOS 17", false));
        rows.add(event(DAY3, "c1", 23, "aaa", "Crawler", true));
        rows.add(event(DAY2, "c2", 12, "ip900", "Android", false));
        rows.add(event(DAY2, null, 12, "ip901", "Android", false));
        return rows;
    }

    private static Dataset<Row> events() {
        return Frames.of(EVENTS, eventRows().toArray(Object[][]::new));
    }

    /**
     * The profiles worked out by hand from the event rows, per device: its smallest addresses and networks,
     * events per hour, and the system of its latest event, over the {@code lookback} days up to {@code date}.
     */
    private static Map<String, String> byHand(List<Object[]> rows, LocalDate date, int lookback) {
        Map<String, List<Object[]>> byDevice = new TreeMap<>();
        for (Object[] r : rows) {
            LocalDate day = ((Date) r[9]).toLocalDate();
            if (r[1] != null && !(Boolean) r[8] && !day.isAfter(date) && day.isAfter(date.minusDays(lookback))) {
                byDevice.computeIfAbsent((String) r[1], k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, String> out = new TreeMap<>();
        byDevice.forEach((device, events) -> {
            double[] hours = new double[24];
            events.forEach(e -> hours[((Timestamp) e[2]).toLocalDateTime().getHour()]++);
            Object[] latest = events.stream()
                    .max(Comparator.comparing(e -> (Timestamp) e[2]))
                    .orElseThrow();
            out.put(
                    device,
                    smallest(events, 3) + " " + smallest(events, 4) + " " + Arrays.toString(hours) + " " + latest[5]);
        });
        return out;
    }

    private static List<String> smallest(List<Object[]> events, int field) {
        return events.stream()
                .map(e -> (String) e[field])
                .distinct()
                .sorted()
                .limit(DeviceProfiles.MAX_ADDRESSES)
                .toList();
    }

    private static Map<String, String> summaries(Dataset<Row> profiles) {
        Map<String, String> out = new TreeMap<>();
        for (Row r : profiles.collectAsList()) {
            List<Double> hours = r.getList(r.fieldIndex(DeviceProfiles.HOURS));
            out.put(
                    r.getAs(IdentifierNodes.ID_VALUE),
                    r.getList(r.fieldIndex(DeviceProfiles.IPS)) + " " + r.getList(r.fieldIndex(DeviceProfiles.NETWORKS))
                            + " "
                            + Arrays.toString(hours.stream()
                                    .mapToDouble(Double::doubleValue)
                                    .toArray()) + " "
                            + r.getAs(DeviceProfiles.OS));
        }
        return out;
    }

    @Test
    void profilesFromDailyPartialsAreWhatTheEventsOfTheWindowSay() {
        Dataset<Row> events = events();
        // As daily runs make them: day 1's partials by one run, days 2 and 3 by the next.
        Dataset<Row> partials =
                DeviceProfiles.days(events, DAY1, DAY1).unionByName(DeviceProfiles.days(events, DAY2, DAY3));
        assertEquals(4, partials.count(), "one partial per device and day with events, crawlers and no-id left out");
        for (int lookback : List.of(3, 2, 1)) {
            Map<String, String> expected = byHand(eventRows(), DAY3, lookback);
            assertEquals(expected, summaries(DeviceProfiles.fromDays(partials, DAY3, lookback)), lookback + " days");
        }
        assertEquals(Set.of("c1", "c2"), byHand(eventRows(), DAY3, 3).keySet());
    }

    @Test
    void aProfileKeepsTheSmallestAddressesCountsHoursAndTakesTheLatestEventsSystem() {
        Row c1 = DeviceProfiles.fromDays(DeviceProfiles.days(events(), DAY1, DAY3), DAY3, 3)
                .where("id_value = 'c1'")
                .first();
        List<String> ips = c1.getList(c1.fieldIndex(DeviceProfiles.IPS));
        assertEquals(DeviceProfiles.MAX_ADDRESSES, ips.size());
        assertEquals("ip000", ips.get(0));
        assertEquals("ip153", ips.get(ips.size() - 1), "the smallest 64 of all days' addresses");
        assertFalse(ips.contains("aaa"), "a crawler's address is not the device's");
        List<Double> hours = c1.getList(c1.fieldIndex(DeviceProfiles.HOURS));
        assertEquals(24, hours.size());
        assertEquals(100.0, hours.get(10));
        assertEquals(10.0, hours.get(8));
        assertEquals(1.0, hours.get(23));
        assertEquals("iOS 17", c1.getAs(DeviceProfiles.OS));

        Row recent = DeviceProfiles.fromDays(DeviceProfiles.days(events(), DAY1, DAY3), DAY3, 2)
                .where("id_value = 'c1'")
                .first();
        assertEquals(11, recent.getList(recent.fieldIndex(DeviceProfiles.IPS)).size(), "day 1 is outside 2 days");
    }

    private static Object[] visit(String device, String time, String ip, String category, String os) {
        return new Object[] {
            "cookie",
            device,
            Timestamp.valueOf("2025-03-01 " + time),
            ip,
            "net",
            os,
            "Safari",
            "mobile",
            false,
            Date.valueOf(DAY1),
            category == null ? null : Map.of("page_category", category)
        };
    }

    private static Map<String, Row> profiles(Object[]... rows) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : DeviceProfiles.fromDays(DeviceProfiles.days(Frames.of(EVENTS, rows), DAY1, DAY1), DAY1, 1)
                .collectAsList()) {
            out.put(r.getAs(IdentifierNodes.ID_VALUE), r);
        }
        return out;
    }

    private static Set<Object> shared(Row a, Row b, String field) {
        Set<Object> out = new HashSet<>(a.getList(a.fieldIndex(field)));
        out.retainAll(b.getList(b.fieldIndex(field)));
        return out;
    }

    @Test
    void aDevicesSessionsEndAfterHalfAnHourIdleAndTheLatestComeFirst() {
        Map<String, Row> p = profiles(
                visit("phone", "10:00:00", "home", "shoes", "iOS"),
                visit("phone", "10:20:00", "carrier", "shoes", "iOS"),
                visit("phone", "10:45:00", "home", "shoes", "iOS"),
                visit("phone", "12:00:00", "home", "books", "iOS"),
                visit("laptop", "10:50:00", "home", "shoes", "Mac OS"));
        // Minutes since the epoch of a time on day 1, as the events' timestamps carry it.
        ToLongFunction<String> at = t -> Timestamp.valueOf("2025-03-01 " + t).getTime() / 60_000;
        List<Row> phone = p.get("phone").getList(p.get("phone").fieldIndex(DeviceProfiles.SESSIONS));
        // 10:00, 10:20 and 10:45 are one session (no 30 idle minutes), whatever the network; 12:00 another.
        assertEquals(2, phone.size(), phone::toString);
        assertEquals(at.applyAsLong("12:00:00"), phone.get(0).getLong(0));
        assertEquals(at.applyAsLong("12:00:00"), phone.get(0).getLong(1));
        assertEquals(at.applyAsLong("10:00:00"), phone.get(1).getLong(0));
        assertEquals(at.applyAsLong("10:45:00"), phone.get(1).getLong(1));
        List<Row> laptop = p.get("laptop").getList(p.get("laptop").fieldIndex(DeviceProfiles.SESSIONS));
        assertEquals(
                List.of(at.applyAsLong("10:50:00")),
                laptop.stream().map(r -> r.getLong(0)).toList());
    }

    @Test
    void devicesUsedMinutesApartOnOneAddressShareAVisitAndNotHoursApartOrElsewhere() {
        Map<String, Row> p = profiles(
                visit("phone", "10:29:00", "home", "shoes", "iOS"),
                visit("laptop", "10:36:00", "home", "shoes", "Mac OS"),
                visit("tablet", "14:00:00", "home", "books", "Android"),
                visit("other", "10:30:00", "cafe", null, "Windows NT"));
        // 10:29 and 10:36 fall on two sides of a half hour of one grid, in one half hour of the other.
        assertEquals(
                1,
                shared(p.get("phone"), p.get("laptop"), DeviceProfiles.VISITS).size());
        assertEquals(Set.of(), shared(p.get("phone"), p.get("tablet"), DeviceProfiles.VISITS), "hours apart");
        assertEquals(Set.of(), shared(p.get("phone"), p.get("other"), DeviceProfiles.VISITS), "another address");
        // Apple's iOS and macOS are one platform.
        assertEquals("apple", p.get("phone").getAs(DeviceProfiles.PLATFORM));
        assertEquals("apple", p.get("laptop").getAs(DeviceProfiles.PLATFORM));
        assertEquals("google", p.get("tablet").getAs(DeviceProfiles.PLATFORM));
        assertEquals("microsoft", p.get("other").getAs(DeviceProfiles.PLATFORM));
        // One event's category in one topic bucket; the same category, the same bucket.
        List<Double> phone = p.get("phone").getList(p.get("phone").fieldIndex(DeviceProfiles.TOPICS));
        assertEquals(DeviceProfiles.TOPIC_BUCKETS, phone.size());
        assertEquals(1.0, phone.stream().mapToDouble(Double::doubleValue).sum());
        assertEquals(phone, p.get("laptop").getList(p.get("laptop").fieldIndex(DeviceProfiles.TOPICS)));
        assertEquals(
                0.0,
                p.get("other").<Double>getList(p.get("other").fieldIndex(DeviceProfiles.TOPICS)).stream()
                        .mapToDouble(Double::doubleValue)
                        .sum(),
                "no category, no topic");
    }
}
