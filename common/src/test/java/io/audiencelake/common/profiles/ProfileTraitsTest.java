package io.audiencelake.common.profiles;

import static io.audiencelake.common.profiles.ProfileFrames.attribute;
import static io.audiencelake.common.profiles.ProfileFrames.event;
import static io.audiencelake.common.profiles.ProfileFrames.member;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hll_sketch_estimate;
import static org.apache.spark.sql.functions.kll_sketch_get_quantile_double;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.audiencelake.common.spark.TestLake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every trait kind on a hand-made event log whose answers are worked out in the comments. */
class ProfileTraitsTest {
    private static final LocalDate DATE = LocalDate.parse("2025-05-10");
    private static final EventColumns COLUMNS = EventColumns.of(ProfileRulesLoaderTest.CONTRACTS);
    private static final String TRAITS = """
      traits:
        - {name: purchases_1d, description: d, kind: count, where: {event_type: purchase}, window: 1d}
        - {name: purchases_7d, description: d, kind: count, where: {event_type: purchase}, window: 7d}
        - {name: purchases, description: d, kind: count, where: {event_type: purchase}}
        - {name: shoe_purchases_30d, description: d, kind: count, where: {event_type: purchase, page_category: shoes}, window: 30d}
        - {name: revenue_30d, description: d, kind: sum, of: revenue, where: {event_type: purchase}, window: 30d}
        - {name: revenue, description: d, kind: sum, of: revenue, where: {event_type: purchase}}
        - {name: aov, description: d, kind: avg, of: revenue, where: {event_type: purchase}}
        - {name: min_order, description: d, kind: min, of: revenue, where: {event_type: purchase}}
        - {name: max_order, description: d, kind: max, of: revenue, where: {event_type: purchase}}
        - {name: median_order, description: d, kind: percentile, percentile: 0.5, of: revenue, where: {event_type: purchase}}
        - {name: p90_order_30d, description: d, kind: percentile, percentile: 0.9, of: revenue, where: {event_type: purchase}, window: 30d}
        - {name: last_category, description: d, kind: last, of: page_category}
        - {name: products_30d, description: d, kind: distinct, of: product_id, window: 30d}
        - {name: days_since_purchase, description: d, kind: recency, where: {event_type: purchase}}
        - {name: days_since_visit, description: d, kind: recency}
        - {name: first_purchase, description: d, kind: first_seen, where: {event_type: purchase}}
        - {name: last_visit, description: d, kind: last_seen}
        - {name: shoe_view_share_30d, description: d, kind: share, where: {page_category: shoes}, among: {event_type: [page_view, product_view]}, window: 30d}
        - {name: shoe_purchase_share, description: d, kind: share, where: {page_category: shoes}, among: {event_type: purchase}}
        - {name: active_days_30d, description: d, kind: active_days, window: 30d}
        - {name: purchase_days, description: d, kind: active_days, where: {event_type: purchase}}
        - {name: views_per_day_30d, description: d, kind: rate, where: {event_type: [page_view, product_view]}, window: 30d}
        - {name: city, description: d, kind: attribute, of: city}
        - {name: partner_spend, description: d, kind: attribute, of: spend_12m, type: double}
        - {name: sessions_7d, description: d, kind: count, source: sessions, window: 7d}
        - {name: avg_session_seconds_7d, description: d, kind: avg, source: sessions, of: duration_seconds, window: 7d}
        - {name: converted_sessions_7d, description: d, kind: count, source: sessions, where: {converted: "true"}, window: 7d}
      """;

    @TempDir
    static Path dir;

    private static ProfileRules rules;
    private static Map<String, Row> byPerson;

    private static final ProfileFrames.Event[] EVENTS = {
        // P1, cookie c1, on the run date: one session 09:00-09:10 ending in a purchase of shoes
        event("2025-05-10T09:00:00Z", "page_view", "c1").with("page_category", "shoes"),
        event("2025-05-10T09:05:00Z", "product_view", "c1")
                .with("page_category", "shoes")
                .with("product_id", "p1"),
        event("2025-05-10T09:06:00Z", "product_view", "c1")
                .with("page_category", "shoes")
                .with("product_id", "p2"),
        event("2025-05-10T09:10:00Z", "purchase", "c1")
                .with("page_category", "shoes")
                .revenue(100.0),
        // P1, cookie c2, five days earlier: p1 again (two distinct products in all), an electronics purchase
        event("2025-05-05T20:00:00Z", "product_view", "c2")
                .with("page_category", "electronics")
                .with("product_id", "p1"),
        event("2025-05-05T20:10:00Z", "purchase", "c2")
                .with("page_category", "electronics")
                .revenue(50.5),
        // P1, cookie c2, 39 days earlier: only lifetime traits see it
        event("2025-04-01T12:00:00Z", "purchase", "c2").revenue(10.0),
        // P2, cookie c3, the day before: a visit, no purchase
        event("2025-05-09T12:00:00Z", "page_view", "c3").with("page_category", "travel")
    };

    @BeforeAll
    static void build() throws IOException {
        Path file = dir.resolve("traits.yaml");
        Files.writeString(file, TRAITS);
        rules = ProfileRulesLoader.load(file, ProfileRulesLoaderTest.CONTRACTS);
        Dataset<Row> events = ProfileFrames.events(EVENTS);
        Dataset<Row> attributes = ProfileFrames.attributes(
                attribute("email", "e1", "city", "Paris", "2025-05-01T00:00:00Z"),
                attribute("email", "e1", "city", "Lyon", "2025-05-08T00:00:00Z"),
                attribute("partner_id", "x1", "spend_12m", "12.5", "2025-05-02T00:00:00Z"),
                attribute("email", "e3", "city", "Nice", "2025-05-03T00:00:00Z"));
        Dataset<Row> graph = ProfileFrames.graph(
                DATE.toString(),
                member("P1", "cookie", "c1"),
                member("P1", "cookie", "c2"),
                member("P1", "email", "e1"),
                member("P1", "partner_id", "x1"),
                member("P2", "cookie", "c3"),
                member("P3", "email", "e3"));
        byPerson = new HashMap<>();
        for (Row r : profiles(rules, events, attributes, graph).collectAsList()) {
            byPerson.put(r.getAs(ProfileTraits.PERSON_ID), r);
        }
    }

    /** The job's transformations without its tables: partials, lifetime fold, windows, sessions, roll-up. */
    static Dataset<Row> profiles(ProfileRules rules, Dataset<Row> events, Dataset<Row> attributes, Dataset<Row> graph) {
        List<Measure> measures = ProfileTraits.measures(rules.traits());
        Dataset<Row> partials = ProfileActivity.of(events, attributes, measures, COLUMNS, rules.sketchPrecision());
        Dataset<Row> lifetime =
                ProfileLifetime.fold(null, partials, ProfileTraits.lifetimeMeasures(rules.traits()), DATE);
        Dataset<Row> sessions = Sessionisation.sessions(events, rules.sessions(), COLUMNS);
        return ProfileTraits.of(
                graph,
                lifetime,
                ProfileTraits.windowed(partials, rules.traits(), DATE),
                ProfileTraits.SessionTraits.of(sessions, graph, rules.traits(), DATE),
                rules,
                DATE);
    }

    private static <T> T value(String person, String trait) {
        return byPerson.get(person).getAs(trait);
    }

    @Test
    void everyPersonOfTheGraphGetsOneRowWithBuiltInColumns() {
        assertEquals(3, byPerson.size());
        assertEquals(4L, (long) value("P1", ProfileTraits.IDENTIFIERS));
        assertEquals(2L, (long) value("P1", ProfileTraits.DEVICES));
        assertEquals(0L, (long) value("P3", ProfileTraits.DEVICES));
        assertEquals(Date.valueOf(DATE), value("P3", ProfileTraits.DT));
    }

    @Test
    void countsFollowTheirWindowAndFilterAcrossThePersonsDevices() {
        assertEquals(1L, (long) value("P1", "purchases_1d"));
        assertEquals(2L, (long) value("P1", "purchases_7d"));
        assertEquals(3L, (long) value("P1", "purchases"));
        assertEquals(1L, (long) value("P1", "shoe_purchases_30d"));
        assertEquals(0L, (long) value("P2", "purchases"));
        assertEquals(0L, (long) value("P3", "purchases_7d"));
    }

    @Test
    void sumsAveragesMinimaAndMaximaOfOrderValues() {
        assertEquals(150.5, value("P1", "revenue_30d"), 1e-9);
        assertEquals(160.5, value("P1", "revenue"), 1e-9);
        assertEquals(53.5, value("P1", "aov"), 1e-9);
        assertEquals(10.0, value("P1", "min_order"), 1e-9);
        assertEquals(100.0, value("P1", "max_order"), 1e-9);
        assertEquals(0.0, value("P2", "revenue"), 1e-9);
        assertNull(value("P2", "aov"));
        assertNull(value("P2", "max_order"));
    }

    @Test
    void percentilesOfOrderValuesMergeAcrossDevicesAndDays() {
        // P1's orders: 10 (39 days ago, c2), 50.5 (5 days ago, c2), 100 (today, c1), each in its own day's sketch.
        assertEquals(50.5, value("P1", "median_order"), 1e-9);
        assertEquals(100.0, value("P1", "p90_order_30d"), 1e-9);
        assertNull(value("P2", "median_order"));
        assertNull(value("P3", "p90_order_30d"));
    }

    @Test
    void lastDistinctRecencyAndFirstAndLastSeen() {
        assertEquals("shoes", value("P1", "last_category"));
        assertEquals("travel", value("P2", "last_category"));
        assertEquals(2L, (long) value("P1", "products_30d"));
        assertEquals(0L, (long) value("P2", "products_30d"));
        assertEquals(0L, (long) value("P1", "days_since_purchase"));
        assertNull(value("P2", "days_since_purchase"));
        assertEquals(1L, (long) value("P2", "days_since_visit"));
        assertEquals(Timestamp.from(Instant.parse("2025-04-01T12:00:00Z")), value("P1", "first_purchase"));
        assertEquals(Timestamp.from(Instant.parse("2025-05-10T09:10:00Z")), value("P1", "last_visit"));
        assertNull(value("P3", "last_visit"));
    }

    @Test
    void sharesAndRatesDescribeTasteAcrossThePersonsDevicesNotVolume() {
        // P1's views in 30 days: three of shoes on c1 today, one of electronics on c2 five days ago.
        assertEquals(0.75, value("P1", "shoe_view_share_30d"), 1e-9);
        // P2 viewed travel only: a share of 0, not missing; P3 has no events at all: missing.
        assertEquals(0.0, value("P2", "shoe_view_share_30d"), 1e-9);
        assertNull(value("P3", "shoe_view_share_30d"));
        // Lifetime purchases of P1: shoes, electronics and one without a category.
        assertEquals(1.0 / 3, value("P1", "shoe_purchase_share"), 1e-9);
        assertNull(value("P2", "shoe_purchase_share"));
        // Active days: 2025-05-10 and 2025-05-05 in the window (the 2025-04-01 purchase is outside it).
        assertEquals(2L, (long) value("P1", "active_days_30d"));
        assertEquals(3L, (long) value("P1", "purchase_days"));
        assertEquals(1L, (long) value("P2", "active_days_30d"));
        assertEquals(0L, (long) value("P3", "active_days_30d"));
        // Four views over two active days; P2's one view on its one day.
        assertEquals(2.0, value("P1", "views_per_day_30d"), 1e-9);
        assertEquals(1.0, value("P2", "views_per_day_30d"), 1e-9);
        assertNull(value("P3", "views_per_day_30d"));
    }

    @Test
    void declaredAttributesTakeTheLatestColumnTyped() {
        assertEquals("Lyon", value("P1", "city"));
        assertEquals(12.5, value("P1", "partner_spend"), 1e-9);
        assertEquals("Nice", value("P3", "city"));
        assertNull(value("P2", "city"));
    }

    @Test
    void sessionTraitsCountTheSessionsOfAllThePersonsDevicesInTheWindow() {
        assertEquals(2L, (long) value("P1", "sessions_7d"));
        assertEquals(600.0, value("P1", "avg_session_seconds_7d"), 1e-9);
        assertEquals(2L, (long) value("P1", "converted_sessions_7d"));
        assertEquals(1L, (long) value("P2", "sessions_7d"));
        assertEquals(0L, (long) value("P2", "converted_sessions_7d"));
        assertEquals(0L, (long) value("P3", "sessions_7d"));
    }

    /**
     * The state with each quantile sketch as its quartiles and each HyperLogLog sketch as its estimate: a union's
     * bytes depend on the order sketches were merged in (what it answers does not, exactly so at these sizes).
     */
    private static Dataset<Row> comparable(Dataset<Row> state, List<Measure> measures) {
        Dataset<Row> out = state;
        for (Measure m : measures) {
            if (m.partial() == Measure.Partial.SKETCH || m.partial() == Measure.Partial.DAYS) {
                out = out.withColumn(m.column(), hll_sketch_estimate(col(m.column())));
            } else if (m.partial() == Measure.Partial.QUANTILES) {
                Column sketch = col(m.column());
                out = out.withColumn(
                        m.column(),
                        array(
                                kll_sketch_get_quantile_double(sketch, lit(0.25)),
                                kll_sketch_get_quantile_double(sketch, lit(0.5)),
                                kll_sketch_get_quantile_double(sketch, lit(0.75))));
            }
        }
        return out;
    }

    @Test
    void foldingRunByRunEqualsOneFoldOfEverythingAndEventsAheadOfTheirDayWait() {
        List<Measure> measures = ProfileTraits.lifetimeMeasures(rules.traits());
        List<ProfileFrames.Event> all = new ArrayList<>(List.of(EVENTS));
        // Landed on 05-09 but stamped 05-11 (a clock ahead): no run up to 05-10 may count it.
        all.add(event("2025-05-11T01:00:00Z", "purchase", "c3").revenue(7.0).landed("2025-05-09"));
        // Landed on 05-10 for 05-09 (late): the 05-10 run counts it.
        all.add(event("2025-05-09T23:00:00Z", "purchase", "c3").revenue(3.0).landed("2025-05-10"));
        Dataset<Row> partials = ProfileActivity.of(
                        ProfileFrames.events(all.toArray(ProfileFrames.Event[]::new)),
                        ProfileFrames.attributes(),
                        measures,
                        COLUMNS,
                        rules.sketchPrecision())
                .localCheckpoint();
        Dataset<Row> state = null;
        LocalDate previous = null;
        for (String run : List.of("2025-04-01", "2025-05-05", "2025-05-09", "2025-05-10")) {
            LocalDate date = LocalDate.parse(run);
            state = ProfileLifetime.fold(state, partials.where(ProfileLifetime.due(previous, date)), measures, date)
                    .localCheckpoint();
            previous = date;
        }
        Dataset<Row> once = ProfileLifetime.fold(null, partials.where(ProfileLifetime.due(null, DATE)), measures, DATE);
        assertEquals(3, once.count());
        assertEquals(
                0,
                comparable(once, measures)
                        .exceptAll(comparable(state, measures))
                        .count());
        assertEquals(
                0,
                comparable(state, measures)
                        .exceptAll(comparable(once, measures))
                        .count());
        Dataset<Row> graph = ProfileFrames.graph(DATE.toString(), member("P2", "cookie", "c3"));
        Row p2 = ProfileTraits.of(graph, state, null, null, rules, DATE).first();
        assertEquals(1L, p2.<Long>getAs("purchases"), "the late purchase counts, the one ahead of its day waits");
        assertEquals(3.0, p2.<Double>getAs("revenue"), 1e-9);
    }

    @Test
    void rfmScoresAreQuintilesAmongBuyersWithFiveBest() {
        Dataset<Row> people = TestLake.spark()
                .createDataFrame(
                        IntStream.rangeClosed(1, 10)
                                .mapToObj(i -> RowFactory.create("p" + i, i <= 9 ? (long) i : null, (long) i, i * 10.0))
                                .toList(),
                        StructType.fromDDL("person_id string, r bigint, f bigint, m double"));
        ProfileRules.Rfm rfm = new ProfileRules.Rfm("r", "f", "m");
        double[][] cuts = RfmScores.cuts(people, rfm);
        Map<String, Row> scored = new HashMap<>();
        RfmScores.scored(people, rfm, cuts).collectAsList().forEach(r -> scored.put(r.getString(0), r));
        // Buyers p1..p9: p1 bought most recently but least often and least; p9 the other way round.
        assertEquals(5, (int) scored.get("p1").<Integer>getAs(RfmScores.RECENCY));
        assertEquals(1, (int) scored.get("p1").<Integer>getAs(RfmScores.FREQUENCY));
        assertEquals("511", scored.get("p1").getAs(RfmScores.SCORE));
        assertEquals("155", scored.get("p9").getAs(RfmScores.SCORE));
        assertNull(scored.get("p10").getAs(RfmScores.SCORE));
    }
}
