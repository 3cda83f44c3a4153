package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.profiles.ProfileLifetime;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.Sessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profiles job over three days of hand-made tables, with late events and a person merge: folding
 * each day into the running state gives exactly what a rebuild from all history gives.
 */
class ProfilesJobTest {
    private static final String D1 = "2025-06-01";
    private static final String D2 = "2025-06-02";
    private static final String D3 = "2025-06-03";

    @TempDir
    Path dir;

    private int line;

    private Row event(String time, String type, String cookie, Double revenue, String category, String landed) {
        return event(time, type, cookie, revenue, category, landed, "s3a://landing/clickstream/f");
    }

    private Row event(
            String time, String type, String cookie, Double revenue, String category, String landed, String file) {
        return RowFactory.create(
                "clickstream/f#" + (++line),
                "first",
                Timestamp.from(Instant.parse(time)),
                type,
                "cookie",
                cookie,
                "desktop",
                "Linux",
                "Chrome",
                false,
                "10.0.0.0/24",
                "h",
                revenue,
                revenue == null ? null : "EUR",
                category == null
                        ? Map.of("page_url", "/home")
                        : Map.of("page_url", "/c/" + category, "page_category", category),
                file,
                (long) line,
                "clickstream",
                Date.valueOf(landed),
                null);
    }

    /**
     * A file dropped into day 1's landing folder after profiles had folded day 1 and day 2, found by
     * {@code ingest --since}: its rows sit under day 1, and feed_files says when it was ingested.
     */
    private void landLate(Path file) {
        String path = "s3a://landing/clickstream/dt=" + D1 + "/resent.jsonl";
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            SparkSession spark = SparkSession.active();
            lake.append(
                    RawEvents.SPEC,
                    spark.createDataFrame(
                            List.of(event("2025-06-01T15:00:00Z", "purchase", "c3", 7.0, "books", D1, path)),
                            RawEvents.SPEC.schema()));
            lake.merge(
                    FeedFiles.SPEC,
                    spark.createDataFrame(
                            List.of(RowFactory.create(
                                    path,
                                    "clickstream",
                                    Date.valueOf(D1),
                                    100L,
                                    Timestamp.from(Instant.now()),
                                    FeedFiles.INGESTED,
                                    1L,
                                    1L,
                                    0L,
                                    0L,
                                    null,
                                    null,
                                    "ingest-run-of-day-3",
                                    Timestamp.from(Instant.now()),
                                    null,
                                    0L)),
                            FeedFiles.SPEC.schema()));
        });
    }

    private Row city(String email, String city, String day) {
        return RowFactory.create(
                "crm/f#" + (++line),
                "first",
                "email",
                email,
                "city",
                city,
                Timestamp.from(Instant.parse(day + "T06:00:00Z")),
                "s3a://landing/crm/f",
                (long) line,
                "crm",
                Date.valueOf(day));
    }

    private static Row member(String day, String person, String type, String value) {
        return RowFactory.create(
                person,
                type,
                value,
                type.equals("email"),
                Timestamp.from(Instant.parse(D1 + "T00:00:00Z")),
                Timestamp.from(Instant.parse(day + "T00:00:00Z")),
                1L,
                false);
    }

    private static void write(LakeTables lake, TableSpec spec, List<Row> rows, String day) {
        SparkSession spark = SparkSession.active();
        lake.overwritePartition(spec, spark.createDataFrame(rows, spec.schema()), Map.of("dt", Date.valueOf(day)));
    }

    /** Day by day: what landed that day (late events included) and the identity graph of the day. */
    private void land(Path file) {
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            write(
                    lake,
                    RawEvents.SPEC,
                    List.of(
                            event("2025-06-01T09:00:00Z", "page_view", "c1", null, "shoes", D1),
                            event("2025-06-01T09:05:00Z", "purchase", "c1", 10.0, "shoes", D1),
                            event("2025-06-01T18:00:00Z", "page_view", "c2", null, "travel", D1)),
                    D1);
            write(
                    lake,
                    RawEvents.SPEC,
                    List.of(
                            event("2025-06-02T10:00:00Z", "page_view", "c1", null, "shoes", D2),
                            event("2025-06-02T11:00:00Z", "page_view", "c3", null, null, D2)),
                    D2);
            write(
                    lake,
                    RawEvents.SPEC,
                    List.of(
                            event("2025-06-03T08:00:00Z", "purchase", "c1", 30.0, "shoes", D3),
                            // late: c1's second page of its 06-02 session, and a purchase c2 made on 06-01
                            event("2025-06-02T10:10:00Z", "page_view", "c1", null, "books", D3),
                            event("2025-06-01T12:00:00Z", "purchase", "c2", 5.0, "travel", D3)),
                    D3);
            write(lake, RawAttributes.SPEC, List.of(city("e1", "Paris", D1)), D1);
            write(lake, RawAttributes.SPEC, List.of(city("e1", "Lyon", D3)), D3);
            GraphDays.write(
                    lake,
                    List.of(
                            member(D1, "P1", "cookie", "c1"),
                            member(D1, "P1", "email", "e1"),
                            member(D1, "P2", "cookie", "c2")),
                    D1);
            GraphDays.write(
                    lake,
                    List.of(
                            member(D2, "P1", "cookie", "c1"),
                            member(D2, "P1", "email", "e1"),
                            member(D2, "P2", "cookie", "c2"),
                            member(D2, "P3", "cookie", "c3")),
                    D2);
            // On day 3 identity merged c2 into P1.
            GraphDays.write(
                    lake,
                    List.of(
                            member(D3, "P1", "cookie", "c1"),
                            member(D3, "P1", "email", "e1"),
                            member(D3, "P1", "cookie", "c2"),
                            member(D3, "P3", "cookie", "c3")),
                    D3);
        });
    }

    private static List<String> sorted(Dataset<Row> rows) {
        List<String> out = new ArrayList<>();
        rows.collectAsList().forEach(r -> out.add(r.toString()));
        out.sort(null);
        return out;
    }

    private static void run(String conf, String... extra) {
        List<String> args = new ArrayList<>(List.of("profiles", "-c", conf));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void dailyFoldsWithLateEventsEqualARebuildAndChangedTraitsNeedOne() throws IOException {
        Path file = TestConfigs.local(dir);
        String conf = file.toString();
        land(file);
        run(conf, "-d", D1);
        run(conf, "-d", D2);
        landLate(file);
        run(conf, "-d", D3);
        List<String>[] folded = new List[2];
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            Dataset<Row> profiles =
                    lake.read(spec(lake, "profiles")).where(col("dt").equalTo(D3));
            folded[0] = sorted(profiles);
            folded[1] = sorted(lake.read(Sessions.SPEC));
            Map<String, Row> byPerson = new HashMap<>();
            profiles.collectAsList().forEach(r -> byPerson.put(r.getAs("person_id"), r));
            assertEquals(2, byPerson.size(), "one row per person of the day's graph");
            Row p1 = byPerson.get("P1");
            // c1's two purchases and c2's late one, counted for P1 since identity merged c2 into it
            assertEquals(3L, p1.<Long>getAs("purchases"));
            assertEquals(45.0, p1.<Double>getAs("revenue"), 1e-9);
            assertEquals(0L, p1.<Long>getAs("days_since_last_purchase"));
            assertEquals(1L, p1.<Long>getAs("purchases_1d"));
            assertEquals("Lyon", p1.getAs("city"));
            assertEquals(3L, p1.<Long>getAs("identifiers"));
            assertEquals(2L, p1.<Long>getAs("devices"));
            assertEquals(
                    5L, p1.<Long>getAs("sessions_7d"), "c1 on 06-01, 06-02, 06-03; c2 at 12:00 and 18:00 on 06-01");
            // c3's purchase came in a file that landed late under day 1: folded in on day 3, counted once.
            assertEquals(1L, byPerson.get("P3").<Long>getAs("purchases"));
            assertEquals(7.0, byPerson.get("P3").<Double>getAs("revenue"), 1e-9);
            assertNull(byPerson.get("P3").getAs("city"));
            // The late page view joined c1's session of 06-02 instead of making a new one.
            Row late = lake.read(Sessions.SPEC)
                    .where(col(Sessions.DEVICE_ID)
                            .equalTo("c1")
                            .and(col(Sessions.DT).equalTo(D2)))
                    .first();
            assertEquals(2L, late.<Long>getAs(Sessions.EVENTS));
            assertEquals("/c/books", late.getAs(Sessions.EXIT_PAGE));
            assertEquals(
                    1,
                    lake.read(Sessions.SPEC)
                            .where(col(Sessions.DEVICE_ID)
                                    .equalTo("c1")
                                    .and(col(Sessions.DT).equalTo(D2)))
                            .count());
            // Day 1's profiles are kept as they were on day 1 (before the late purchase landed).
            Row p2day1 = lake.read(spec(lake, "profiles"))
                    .where(col("dt").equalTo(D1).and(col("person_id").equalTo("P2")))
                    .first();
            assertEquals(0L, p2day1.<Long>getAs("purchases"));
        });

        run(conf, "-d", D3, "--rebuild");
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            assertEquals(
                    folded[0],
                    sorted(lake.read(spec(lake, "profiles")).where(col("dt").equalTo(D3))),
                    "incremental = rebuild for profiles");
            assertEquals(folded[1], sorted(lake.read(Sessions.SPEC)), "incremental = rebuild for sessions");
        });

        // A new trait changes the running state: the fold is refused until a rebuild.
        Path traits = dir.resolve("traits.yaml");
        Files.writeString(
                traits,
                Files.readString(TestConfigs.shippedContracts().resolveSibling("traits.yaml"))
                        .replace("state_retention_days: 7", "state_retention_days: 1")
                        .replace(
                                "traits:\n",
                                "traits:\n  - {name: books_views_7d, description: Book page views in the last 7 days,"
                                        + " kind: count, where: {page_category: books}, window: 7d}\n"));
        String set = "traits=" + traits;
        CliRun refused = CliRun.of("profiles", "-c", conf, "-d", D3, "--set", set);
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(
                refused.err().contains("trait definitions changed")
                        && refused.err().contains("--rebuild"),
                refused.err());
        // Rebuild as of day 2, then fold day 3 in: one-day retention leaves day 3's snapshot only.
        run(conf, "-d", D2, "--rebuild", "--set", set);
        run(conf, "-d", D3, "--set", set);
        // A rerun of the date of the only snapshot rebuilds it; nothing later depends on it.
        run(conf, "-d", D3, "--set", set);
        LakeCheck.inSession(file, TableFormat.DELTA, lake -> {
            Dataset<Row> profiles = lake.read(spec(lake, "profiles"));
            Row p1 = profiles.where(col("dt").equalTo(D3).and(col("person_id").equalTo("P1")))
                    .first();
            assertEquals(1L, p1.<Long>getAs("books_views_7d"));
            assertEquals(3L, p1.<Long>getAs("purchases"));
            assertEquals(45.0, p1.<Double>getAs("revenue"), 1e-9);
            // Older snapshots stay readable; the new column is empty there.
            assertNull(profiles.where(col("dt").equalTo(D1).and(col("person_id").equalTo("P1")))
                    .first()
                    .getAs("books_views_7d"));
            assertEquals(
                    List.of("[" + D3 + "]"),
                    sorted(lake.read(ProfileLifetime.spec(List.of()))
                            .select("dt")
                            .distinct()));
        });
        // Day 1 comes before the state now: a silent rebuild would replace it, so the run is refused.
        CliRun early = CliRun.of("profiles", "-c", conf, "-d", D1, "--set", set);
        assertEquals(2, early.exitCode(), early.err());
        assertTrue(early.err().contains("the running state starts after " + D1), early.err());
    }

    @Test
    void withoutAnIdentityGraphTheJobFailsWithAClearMessage() throws IOException {
        CliRun r = CliRun.of("profiles", "-c", TestConfigs.local(dir).toString(), "-d", D1);
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("no id_graph table: run identity --date " + D1 + " first"), r.err());
    }

    /** The profiles table as the shipped traits.yaml defines it (reads see every column the table has). */
    private static TableSpec spec(LakeTables lake, String name) {
        Path conf = TestConfigs.shippedContracts();
        return Profiles.spec(ProfileRulesLoader.load(
                conf.resolveSibling("traits.yaml"), FeedContracts.load(conf).values()));
    }
}
