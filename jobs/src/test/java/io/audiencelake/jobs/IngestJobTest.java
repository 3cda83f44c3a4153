package io.audiencelake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.feeds.RawTables;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.runs.JobRuns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest job end to end through the command line, on generated messy feeds and hand-made drift. */
class IngestJobTest {
    private static final String DATE = "2025-05-02";
    private static final String EMAIL_IN_CLEAR = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\\.[A-Za-z]{2,}";

    @TempDir
    Path dir;

    private Path config() throws IOException {
        return TestConfigs.local(dir);
    }

    private void inSession(Path file, TableFormat format, Consumer<LakeTables> check) {
        LakeCheck.inSession(file, format, check);
    }

    private static Map<String, Long> counts(LakeTables lake) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (TableSpec t : List.of(RawEvents.SPEC, RawIdentifiers.SPEC, RawAttributes.SPEC, Quarantine.SPEC)) {
            out.put(t.name(), lake.read(t).count());
        }
        return out;
    }

    @Test
    void generatedFeedsAreIngestedOnceWithEveryRowAccountedForAndNoPersonalDataInClear() throws IOException {
        Path file = config();
        String conf = file.toString();
        assertEquals(0, CliRun.of("generate", "-c", conf, "-d", DATE).exitCode());
        CliRun first = CliRun.of("ingest", "-c", conf, "-d", DATE);
        assertEquals(0, first.exitCode(), first.err());
        assertEquals(
                0,
                CliRun.of("ingest", "-c", conf, "-d", DATE, "--set", "lake.table_format=iceberg")
                        .exitCode());

        Map<String, Map<String, Long>> byFormat = new LinkedHashMap<>();
        for (TableFormat format : TableFormat.values()) {
            inSession(file, format, lake -> {
                List<Row> files =
                        lake.read(FeedFiles.SPEC).orderBy(FeedFiles.FEED).collectAsList();
                assertEquals(5, files.size());
                long read = 0;
                long quarantined = 0;
                long keptEvents = 0;
                for (Row f : files) {
                    assertEquals(FeedFiles.INGESTED, f.getAs(FeedFiles.STATUS), f.toString());
                    long r = f.getAs(FeedFiles.ROWS_READ);
                    assertEquals(
                            r,
                            f.<Long>getAs(FeedFiles.ROWS_KEPT)
                                    + f.<Long>getAs(FeedFiles.ROWS_DUPLICATE)
                                    + f.<Long>getAs(FeedFiles.ROWS_QUARANTINED),
                            "rows read = kept + duplicates + quarantined: " + f);
                    read += r;
                    quarantined += f.<Long>getAs(FeedFiles.ROWS_QUARANTINED);
                    if (f.getAs(FeedFiles.FEED).equals("clickstream")) {
                        keptEvents = f.getAs(FeedFiles.ROWS_KEPT);
                        assertTrue(
                                f.<Long>getAs(FeedFiles.ROWS_DUPLICATE) > 0
                                        && f.<Long>getAs(FeedFiles.ROWS_QUARANTINED) > 0,
                                "the generated clickstream has duplicates and bad lines: " + f);
                    }
                }
                try {
                    long lines = 0;
                    for (String feed : List.of("clickstream", "consent", "crm", "partner", "thirdparty")) {
                        try (var paths = Files.list(dir.resolve("data/landing/" + feed + "/dt=" + DATE))) {
                            for (Path p : paths.filter(
                                            x -> !x.getFileName().toString().startsWith("."))
                                    .toList()) {
                                long n = p.toString().endsWith(".gz")
                                        ? new String(
                                                        new GZIPInputStream(Files.newInputStream(p)).readAllBytes(),
                                                        StandardCharsets.UTF_8)
                                                .lines()
                                                .count()
                                        : Files.readAllLines(p).size();
                                lines += feed.equals("clickstream") ? n : n - 1;
                            }
                        }
                    }
                    assertEquals(lines, read, "every data line of every file is read");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Map<String, Long> c = counts(lake);
                assertEquals(keptEvents, c.get("raw_events"));
                assertEquals(quarantined, c.get("quarantine"));
                assertEquals(
                        0,
                        lake.read(RawIdentifiers.SPEC)
                                .where("id_type in ('email', 'phone') and not id_value rlike '^[0-9a-f]{64}$'")
                                .count());
                assertEquals(
                        0,
                        lake.read(RawAttributes.SPEC)
                                .where(col(RawAttributes.VALUE).rlike(EMAIL_IN_CLEAR))
                                .count());
                assertEquals(
                        0,
                        lake.read(Quarantine.SPEC)
                                .where(col(Quarantine.RAW).rlike(EMAIL_IN_CLEAR))
                                .count(),
                        "quarantined lines have their emails masked");
                byFormat.put(format.name(), c);
            });
        }
        assertEquals(byFormat.get("DELTA"), byFormat.get("ICEBERG"), "both formats hold the same rows");

        // A second run for the date finds every file ingested and changes nothing.
        CliRun again = CliRun.of("ingest", "-c", conf, "-d", DATE);
        assertEquals(0, again.exitCode(), again.err());
        inSession(file, TableFormat.DELTA, lake -> {
            assertEquals(byFormat.get("DELTA"), counts(lake));
            List<Row> runs = lake.read(JobRuns.SPEC)
                    .where("job = 'ingest'")
                    .orderBy(JobRuns.STARTED_AT)
                    .collectAsList();
            assertEquals(2, runs.size());
            assertEquals(0L, runs.get(1).<Long>getAs(JobRuns.ROWS_IN));
            assertEquals(
                    5L,
                    runs.get(1)
                            .<scala.collection.Map<String, Long>>getAs(JobRuns.COUNTS)
                            .get("files.already_ingested")
                            .get());
            assertEquals(
                    runs.get(0).<Long>getAs(JobRuns.ROWS_IN),
                    runs.get(0).<Long>getAs(JobRuns.ROWS_OUT)
                            + runs.get(0).<Long>getAs(JobRuns.ROWS_QUARANTINED)
                            + runs.get(0)
                                    .<scala.collection.Map<String, Long>>getAs(JobRuns.COUNTS)
                                    .get("clickstream.duplicates")
                                    .get()
                            + runs.get(0)
                                    .<scala.collection.Map<String, Long>>getAs(JobRuns.COUNTS)
                                    .get("crm.duplicates")
                                    .get()
                            + runs.get(0)
                                    .<scala.collection.Map<String, Long>>getAs(JobRuns.COUNTS)
                                    .get("partner.duplicates")
                                    .get()
                            + runs.get(0)
                                    .<scala.collection.Map<String, Long>>getAs(JobRuns.COUNTS)
                                    .get("thirdparty.duplicates")
                                    .get()
                            + runs.get(0)
                                    .<scala.collection.Map<String, Long>>getAs(JobRuns.COUNTS)
                                    .get("consent.duplicates")
                                    .get());
        });
    }

    private Path landing(String relative, String... lines) throws IOException {
        Path p = dir.resolve("data/landing").resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, String.join("\n", lines) + "\n");
    }

    @Test
    void driftIsKeptOrRefusedPerFileAndLaterFilesJoinTheDate() throws IOException {
        Path file = config();
        String header = "customer_id,email,phone,first_name,last_name,street,postcode,city,country,birth_date,gender,"
                + "signup_date,updated_at";
        landing(
                "crm/dt=" + DATE + "/a.csv",
                header + ",loyalty_tier",
                "C1,ann@x.com,07911 123456,Ann,Lee,1 High St,E1 1AA,London,GB,1980-01-01,F,2020-01-01,2025-05-02T01:00:00Z,gold",
                "C2,bob@x.com,,Bob,Lee,1 High St,E1 1AA,London,GB,1981-01-01,M,2020-01-01,2025-05-02T01:00:00Z,");
        landing("crm/dt=" + DATE + "/b.csv", "email,phone", "x@y.com,07911 123456");
        landing(
                "clickstream/dt=" + DATE + "/e.jsonl",
                "{\"event_id\":\"1\",\"event_time\":\"2025-05-02T10:00:00Z\",\"cookie_id\":\"ck1\",\"event_type\":\"page_view\"}");

        CliRun run = CliRun.of("ingest", "-c", file.toString(), "-d", DATE);
        assertEquals(1, run.exitCode(), "a failed file makes the run fail: " + run.err());
        assertTrue(run.err().contains("b.csv: lacks required column(s) [customer_id, updated_at]"), run.err());

        landing(
                "crm/dt=" + DATE + "/c.csv",
                header,
                "C3,cy@x.com,,Cy,Lee,1 High St,E1 1AA,London,GB,1982-01-01,M,2020-01-01,2025-05-02T01:00:00Z");
        assertEquals(1, CliRun.of("ingest", "-c", file.toString(), "-d", DATE).exitCode(), "b.csv still fails");

        inSession(file, TableFormat.DELTA, lake -> {
            Map<String, String> status = new LinkedHashMap<>();
            for (Row r : lake.read(FeedFiles.SPEC).orderBy(FeedFiles.PATH).collectAsList()) {
                status.put(
                        Path.of(r.<String>getAs(FeedFiles.PATH)).getFileName().toString(), r.getAs(FeedFiles.STATUS));
            }
            assertEquals(
                    Map.of("a.csv", "ingested", "b.csv", "failed", "c.csv", "ingested", "e.jsonl", "ingested"), status);
            Row a = lake.read(FeedFiles.SPEC)
                    .where(col(FeedFiles.PATH).endsWith("a.csv"))
                    .first();
            assertEquals(List.of("loyalty_tier"), a.getList(a.fieldIndex(FeedFiles.EXTRA_COLUMNS)));
            List<Row> tiers =
                    lake.read(RawAttributes.SPEC).where("name = 'loyalty_tier'").collectAsList();
            assertEquals(
                    List.of("C1=gold"),
                    tiers.stream()
                            .map(r -> r.getAs(RawAttributes.SUBJECT_ID) + "=" + r.getAs(RawAttributes.VALUE))
                            .toList());
            assertEquals(
                    List.of("C1", "C2", "C3"),
                    lake
                            .read(RawIdentifiers.SPEC)
                            .where("id_type = 'customer_id'")
                            .orderBy(RawIdentifiers.ID_VALUE)
                            .collectAsList()
                            .stream()
                            .map(r -> r.<String>getAs(RawIdentifiers.ID_VALUE))
                            .toList(),
                    "a's rows survive the run that added c's, once each");
            assertEquals(1, lake.read(RawEvents.SPEC).count());
        });
    }

    @Test
    void anEventDeliveredAgainOnALaterDayOrInARenamedFileIsADuplicate() throws IOException {
        Path file = config();
        String d1 = "2025-05-01";
        Function<String, String> event = id -> "{\"event_id\":\"" + id
                + "\",\"event_time\":\"2025-05-01T23:59:00Z\",\"cookie_id\":\"ck1\",\"event_type\":\"page_view\"}";
        landing("clickstream/dt=" + d1 + "/a.jsonl", event.apply("e1"), event.apply("e2"));
        assertEquals(0, CliRun.of("ingest", "-c", file.toString(), "-d", d1).exitCode());
        // Day 2: e2 again (late redelivery), e3 new, and a renamed copy holding e3.
        landing("clickstream/dt=" + DATE + "/b.jsonl", event.apply("e2"), event.apply("e3"));
        landing("clickstream/dt=" + DATE + "/b-copy.jsonl", event.apply("e3"));
        CliRun day2 = CliRun.of("ingest", "-c", file.toString(), "-d", DATE);
        assertEquals(0, day2.exitCode(), day2.err());
        // A later run of day 2 finds e3 once more, in a file of another name.
        landing("clickstream/dt=" + DATE + "/c.jsonl", event.apply("e3"));
        assertEquals(0, CliRun.of("ingest", "-c", file.toString(), "-d", DATE).exitCode());
        // Rerunning a day changes nothing: a file's own earlier rows are no redelivery.
        assertEquals(0, CliRun.of("ingest", "-c", file.toString(), "-d", DATE).exitCode());
        inSession(file, TableFormat.DELTA, lake -> {
            Map<String, String> balance = new TreeMap<>();
            for (Row f : lake.read(FeedFiles.SPEC).collectAsList()) {
                balance.put(
                        Path.of(f.<String>getAs(FeedFiles.PATH).replaceFirst("^file:/+", "/"))
                                .getFileName()
                                .toString(),
                        f.getAs(FeedFiles.ROWS_READ) + "=" + f.getAs(FeedFiles.ROWS_KEPT) + "+"
                                + f.getAs(FeedFiles.ROWS_DUPLICATE));
            }
            // Within a run the first by file name wins: b-copy.jsonl sorts before b.jsonl.
            assertEquals(
                    Map.of("a.jsonl", "2=2+0", "b.jsonl", "2=0+2", "b-copy.jsonl", "1=1+0", "c.jsonl", "1=0+1"),
                    balance);
            assertEquals(
                    List.of("e1", "e2", "e3"),
                    lake
                            .read(RawEvents.SPEC)
                            .orderBy(RawEvents.EVENT_TIME, "attributes.event_id")
                            .collectAsList()
                            .stream()
                            .map(r -> r.<scala.collection.Map<String, String>>getAs(RawEvents.ATTRIBUTES)
                                    .get("event_id")
                                    .get())
                            .sorted()
                            .toList(),
                    "each event once");
        });

        // A file that arrives late on the first date is found by a run of the second that looks back.
        landing("clickstream/dt=" + d1 + "/late.jsonl", event.apply("e9"));
        CliRun late = CliRun.of("ingest", "-c", file.toString(), "-d", DATE, "--since", d1);
        assertEquals(0, late.exitCode(), late.err());
        inSession(
                file,
                TableFormat.DELTA,
                lake -> assertEquals(
                        List.of(Date.valueOf(d1)),
                        lake.read(RawEvents.SPEC).where("attributes['event_id'] = 'e9'").collectAsList().stream()
                                .map(r -> r.getDate(r.fieldIndex("dt")))
                                .toList(),
                        "ingested under its own landing date"));
        // The nightly pipeline finds one too when told to look back.
        landing("clickstream/dt=" + d1 + "/later.jsonl", event.apply("e10"));
        CliRun nightly =
                CliRun.of("pipeline", "-c", file.toString(), "-d", DATE, "--to", "ingest", "--lookback-days", "1");
        assertEquals(0, nightly.exitCode(), nightly.err());
        inSession(
                file,
                TableFormat.DELTA,
                lake -> assertEquals(
                        1,
                        lake.read(RawEvents.SPEC)
                                .where("attributes['event_id'] = 'e10' AND dt = '" + d1 + "'")
                                .count(),
                        "the pipeline's ingest looked back a day"));

        // A file changed after it was ingested is an error naming it, not a silent skip.
        landing("clickstream/dt=" + DATE + "/c.jsonl", event.apply("e3"), event.apply("e4"));
        CliRun changed = CliRun.of("ingest", "-c", file.toString(), "-d", DATE);
        assertEquals(1, changed.exitCode(), changed.err());
        assertTrue(changed.err().contains("c.jsonl: changed after it was ingested"), changed.err());
    }

    @Test
    void parquetFilesAreIngestedByColumnNameAndOneWithoutARequiredColumnFails() throws IOException {
        Path contracts = Files.createDirectories(dir.resolve("contracts"));
        Files.writeString(
                contracts.resolve("loyalty.yaml"),
                String.join(
                        "\n",
                        "feed: loyalty",
                        "party: first",
                        "format: parquet",
                        "kind: records",
                        "timestamp: updated_at",
                        "dedupe_key: [customer_id]",
                        "columns:",
                        "  - {name: customer_id, type: string, required: true}",
                        "  - {name: email, type: string, pii: true}",
                        "  - {name: points, type: int}",
                        "  - {name: updated_at, type: timestamp, required: true}",
                        "identifiers: [{column: customer_id, type: customer_id}, {column: email, type: email}]",
                        "attributes: {subject: customer_id, columns: [points]}",
                        ""));
        Path file = config();
        Files.writeString(
                file,
                Files.readString(file)
                        .replace("feed_contracts: " + TestConfigs.shippedContracts(), "feed_contracts: " + contracts));
        Path landing = dir.resolve("data/landing/loyalty/dt=" + DATE);
        inSession(file, TableFormat.DELTA, lake -> {
            SparkSession spark = SparkSession.active();
            spark.sql("SELECT 'L1' AS customer_id, ' Ann@X.com ' AS email, 40 AS points, "
                            + "TIMESTAMP'2025-05-02 01:00:00' AS updated_at, 'gold' AS tier "
                            + "UNION ALL SELECT 'L2', 'not-an-email', 5, TIMESTAMP'2025-05-02 02:00:00', 'silver'")
                    .coalesce(1)
                    .write()
                    .parquet(landing.resolve("good").toString());
            spark.sql("SELECT 'x@y.com' AS email, 1 AS points")
                    .coalesce(1)
                    .write()
                    .parquet(landing.resolve("bad").toString());
        });
        // Spark wrote folders; landing files sit directly in the date folder.
        for (String name : List.of("good", "bad")) {
            LakeCheck.singleParquetFile(landing.resolve(name), landing.resolve(name + ".parquet"));
        }
        CliRun run = CliRun.of("ingest", "-c", file.toString(), "-d", DATE);
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("bad.parquet: lacks required column(s) [customer_id, updated_at]"), run.err());
        inSession(file, TableFormat.DELTA, lake -> {
            Row good = lake.read(FeedFiles.SPEC)
                    .where(col(FeedFiles.PATH).endsWith("good.parquet"))
                    .first();
            assertEquals(
                    List.of(2L, 1L, 1L),
                    List.of(
                            good.<Long>getAs(FeedFiles.ROWS_READ),
                            good.<Long>getAs(FeedFiles.ROWS_KEPT),
                            good.<Long>getAs(FeedFiles.ROWS_QUARANTINED)));
            Row q = lake.read(Quarantine.SPEC).first();
            assertEquals("invalid_email:email", q.getAs(Quarantine.REASON));
            assertEquals(2L, q.<Long>getAs(RawTables.LINE_NUMBER), "rows are numbered within their file");
            assertEquals(
                    List.of("points=40", "tier=gold"),
                    lake.read(RawAttributes.SPEC).orderBy(RawAttributes.NAME).collectAsList().stream()
                            .map(r -> r.getAs(RawAttributes.NAME) + "=" + r.getAs(RawAttributes.VALUE))
                            .toList());
            assertEquals(
                    1,
                    lake.read(RawIdentifiers.SPEC)
                            .where("id_type = 'email' and id_value rlike '^[0-9a-f]{64}$'")
                            .count());
        });
    }
}
