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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of hostile but ordinary inputs, each with the outcome a user relies on, ingested on Delta and on
 * Iceberg: no file stops another, no row kills the JVM, every row read is kept, a duplicate or quarantined
 * (each with its reason), and no clear email, phone or IP address reaches a table. Every file of the corpus
 * lands on one date, so one run per format meets them all together, as a night would.
 */
class HostileFeedsTest {
    private static final String DATE = "2025-05-02";
    private static final String CRM_HEADER =
            "customer_id,email,phone,first_name,last_name,street,postcode,city,country,"
                    + "birth_date,gender,signup_date,updated_at";
    /** Clear personal values the corpus puts in places the contracts do not expect them. */
    private static final List<String> SECRETS = List.of(
            "ann@example.com",
            "drift@example.com",
            "bob.lee@example.org",
            "jösé@exämple.de",
            "json.key@example.com",
            "url@example.com",
            "07911 123456",
            "7911123456",
            "+447700900321",
            "203.0.113.7",
            "2001:db8::77",
            "longlabel@",
            "quarantined@example.net",
            "dee@example.com");

    @TempDir
    Path dir;

    /** Per file (its name): what happens to it. */
    private final Map<String, String> expectedStatus = new TreeMap<>();
    /** Per input: the feed and the reason it must be quarantined for, found in the quarantine. */
    private final List<String[]> expectedReasons = new ArrayList<>();

    private Path landing(String feed, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve("data/landing").resolve(feed).resolve("dt=" + DATE).resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    private Path landing(String feed, String name, String... lines) throws IOException {
        return landing(feed, name, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String event(String id, String extra) {
        return "{\"event_id\":\"" + id + "\",\"event_time\":\"2025-05-02T10:00:00Z\",\"cookie_id\":\"ck-" + id
                + "\",\"event_type\":\"page_view\"" + extra + "}";
    }

    private static String crm(String id, String email, String street, String updatedAt) {
        return id + "," + email + ",," + "Ann,Lee," + street + ",E1 1AA,London,GB,1980-01-01,F,2020-01-01," + updatedAt;
    }

    private void writeCorpus() throws IOException {
        // 1-13: clickstream rows, one file.
        String hugeLine = event("e-huge", ",\"page_url\":\"https://shop.example/" + "x".repeat(1_100_000) + "\"");
        byte[] latin1 =
                (event("e-latin1", ",\"page_category\":\"caf\u00e9\"") + "\n").getBytes(StandardCharsets.ISO_8859_1);
        String events = String.join(
                        "\n",
                        event("e1", ""),
                        event("e1", ""), // a redelivered event: duplicate
                        event("e-labels", ",\"login_email\":\"longlabel@" + "a.".repeat(5000) + "com\""),
                        event("e-big-revenue", ",\"revenue\":1e33"),
                        event("e-nan", ",\"revenue\":\"NaN\""),
                        hugeLine,
                        "{\"event_id\":\"e-broken\",\"note\":\"quarantined@example.net\",", // not JSON; its email must
                        // be masked
                        event("e-bad-ip", ",\"ip\":\"999.1.1.1\""),
                        event("e-json-key", ",\"Email\":\"json.key@example.com\""),
                        event("e-url", ",\"page_url\":\"https://shop.example/signup?email=url%40example.com&step=2\""),
                        event("e-ip-quarantined", ",\"ip\":\"203.0.113.7\",\"event_type\":\"\""),
                        event("e-ip6", ",\"ip\":\"2001:db8::77\""),
                        event("e-ok", ",\"revenue\":12.5"))
                + "\n";
        ByteArrayOutputStream clicks = new ByteArrayOutputStream();
        clicks.write(events.getBytes(StandardCharsets.UTF_8));
        clicks.write(latin1);
        landing("clickstream", "events.jsonl", clicks.toByteArray());
        expectedStatus.put("events.jsonl", FeedFiles.INGESTED);
        expectedReasons.add(new String[] {"clickstream", "invalid_email:login_email"});
        expectedReasons.add(new String[] {"clickstream", "bad_type:revenue"});
        expectedReasons.add(new String[] {"clickstream", "line_too_long"});
        expectedReasons.add(new String[] {"clickstream", "malformed"});
        expectedReasons.add(new String[] {"clickstream", "invalid_ip:ip"});
        expectedReasons.add(new String[] {"clickstream", "missing_required:event_type"});
        expectedReasons.add(new String[] {"clickstream", "bad_encoding"});

        // 14-22: a CRM extract with a byte-order mark, CRLF line ends, a long quoted field, a quoted line break,
        // drifted
        // header names.
        String header =
                "\uFEFFcustomer_id,EMAIL,phone,first_name,last_name,street,postcode,city,country,birth_date,gender,"
                        + "signup_date,Updated-At,Login_Email,Mobile";
        String crmText = String.join(
                        "\r\n",
                        header,
                        crm("C1", "ann@example.com", "\"" + "Long Street, ".repeat(250) + "\"", "2025-05-01T09:00:00Z")
                                + ",drift@example.com,07911 123456",
                        crm("C2", "bob.lee@example.org", "2 Low St", "2025-05-02T10:00:00Z") + ",,",
                        crm("C2", "bob.lee@example.org", "1 Old St", "2025-05-01T10:00:00Z")
                                + ",,", // older: the duplicate
                        crm("C3", "x@example.com", "3 St", "not-a-time")
                                + ",,+447700900321 / 07911 123456 / 203.0.113.7",
                        // A quoted field with a line break in it (an address on two lines) is one record.
                        crm("C4", "dee@example.com", "\"4 Line St\r\nBuilding B\"", "2025-05-01T09:00:00Z") + ",,")
                + "\r\n";
        landing("crm", "extract.csv", crmText.getBytes(StandardCharsets.UTF_8));
        expectedStatus.put("extract.csv", FeedFiles.INGESTED);
        expectedReasons.add(new String[] {"crm", "bad_timestamp:updated_at"});

        // 23-25: consent, the opt-out after the grant, listed first; an exact redelivery.
        landing(
                "consent",
                "consent.csv",
                "subject_type,subject_value,purpose,status,recorded_at,source",
                "email,ann@example.com,marketing,denied,2025-05-02T10:00:00Z,preference_centre",
                "email,ann@example.com,marketing,granted,2025-05-02T09:00:00Z,banner",
                "email,ann@example.com,marketing,granted,2025-05-02T09:00:00Z,banner");
        expectedStatus.put("consent.csv", FeedFiles.INGESTED);

        // 26-28: file names Hadoop would mistake for URL escapes or globs.
        landing(
                "consent",
                "day 1.csv",
                "subject_type,subject_value,purpose,status,recorded_at,source",
                "cookie,ck-space,analytics,granted,2025-05-02T08:00:00Z,banner");
        landing(
                "consent",
                "50%off.csv",
                "subject_type,subject_value,purpose,status,recorded_at,source",
                "cookie,ck-percent,analytics,granted,2025-05-02T08:00:00Z,banner");
        landing(
                "consent",
                "batch[1].csv",
                "subject_type,subject_value,purpose,status,recorded_at,source",
                "cookie,ck-bracket,analytics,granted,2025-05-02T08:00:00Z,banner");
        expectedStatus.put("day 1.csv", FeedFiles.INGESTED);
        expectedStatus.put("50%off.csv", FeedFiles.INGESTED);
        expectedStatus.put("batch[1].csv", FeedFiles.INGESTED);

        // 29-32: broken and empty files fail alone; a header alone is an empty, good file.
        byte[] gz = gzip(event("e-gz", "") + "\n" + event("e-gz2", "") + "\n");
        landing("clickstream", "truncated.jsonl.gz", Arrays.copyOf(gz, gz.length / 2));
        landing("clickstream", "fake.jsonl.gz", event("e-fake", ""));
        landing("clickstream", "good.jsonl.gz", gzip(event("e-gz-ok", "") + "\n"));
        landing("consent", "empty.csv", new byte[0]);
        landing("consent", "header-only.csv", "subject_type,subject_value,purpose,status,recorded_at,source");
        expectedStatus.put("truncated.jsonl.gz", FeedFiles.FAILED);
        expectedStatus.put("fake.jsonl.gz", FeedFiles.FAILED);
        expectedStatus.put("good.jsonl.gz", FeedFiles.INGESTED);
        expectedStatus.put("empty.csv", FeedFiles.FAILED);
        expectedStatus.put("header-only.csv", FeedFiles.INGESTED);

        // 33-36: headers with repeated or empty names; a repeated contract column and a missing one fail alone.
        landing(
                "partner",
                "repeated.tsv",
                "partner_user_id\temail\tnote\tnote\t\tupdated_at",
                "P1\tp1@example.com\ta\tb\tc\t2025-05-01",
                "P2\tp2@example.com\ta\tb\t2025-05-01"); // one field short: malformed
        landing(
                "partner",
                "twice.tsv",
                "partner_user_id\temail\tEmail\tupdated_at",
                "P3\ta@x.com\tb@x.com\t2025-05-01");
        landing("partner", "missing.tsv", "email\tupdated_at", "p4@example.com\t2025-05-01");
        expectedStatus.put("repeated.tsv", FeedFiles.INGESTED);
        expectedStatus.put("twice.tsv", FeedFiles.FAILED);
        expectedStatus.put("missing.tsv", FeedFiles.FAILED);
        expectedReasons.add(new String[] {"partner", "malformed"});

        // 37-38: third-party rows with an unknown id type and a confidence that is not a number.
        landing(
                "thirdparty",
                "segments.csv",
                "id_type|id_value|segment_id|segment_name|confidence|observed_date",
                "cookie|ck-1|s1|Sports|0.9|2025-05-01",
                "fax|123|s1|Sports|0.9|2025-05-01",
                "cookie|ck-2|s1|Sports|Infinity|2025-05-01");
        expectedStatus.put("segments.csv", FeedFiles.INGESTED);
        expectedReasons.add(new String[] {"thirdparty", "unknown_id_type:id_type"});
        expectedReasons.add(new String[] {"thirdparty", "bad_type:confidence"});

        // 39: a folder without a contract fails alone.
        landing("mystery", "m.csv", "a,b", "1,2");
        expectedStatus.put("m.csv", FeedFiles.FAILED);

        // 40-41: a headerless feed; 42-45: Parquet, corrupt, with a column whose type changed between files, and with
        // nanosecond timestamps.
        landing(
                "headerless",
                "h.csv",
                "H1,h1@example.com,2025-05-02T01:00:00Z",
                "H2,not-an-email,2025-05-02T01:00:00Z");
        expectedStatus.put("h.csv", FeedFiles.INGESTED);
        expectedReasons.add(new String[] {"headerless", "invalid_email:email"});
        landing("loyalty", "corrupt.parquet", "PAR1 this is not parquet PAR1".getBytes(StandardCharsets.UTF_8));
        expectedStatus.put("corrupt.parquet", FeedFiles.FAILED);
        expectedStatus.put("points-int.parquet", FeedFiles.INGESTED);
        expectedStatus.put("points-text.parquet", FeedFiles.INGESTED);
    }

    private Path contracts() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("contracts"));
        try (var shipped = Files.list(TestConfigs.shippedContracts())) {
            for (Path p : shipped.toList()) {
                Files.copy(p, folder.resolve(p.getFileName()));
            }
        }
        Files.writeString(
                folder.resolve("headerless.yaml"),
                String.join(
                        "\n",
                        "feed: headerless",
                        "party: second",
                        "format: csv",
                        "header: false",
                        "kind: records",
                        "timestamp: updated_at",
                        "dedupe_key: [member_id]",
                        "columns:",
                        "  - {name: member_id, type: string, required: true}",
                        "  - {name: email, type: string, pii: true}",
                        "  - {name: updated_at, type: timestamp, required: true}",
                        "identifiers: [{column: member_id, type: customer_id}, {column: email, type: email}]",
                        "attributes: {subject: member_id, columns: [updated_at]}",
                        ""));
        Files.writeString(
                folder.resolve("loyalty.yaml"),
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
                        "  - {name: points, type: int}",
                        "  - {name: updated_at, type: timestamp, required: true}",
                        "identifiers: [{column: customer_id, type: customer_id}]",
                        "attributes: {subject: customer_id, columns: [points]}",
                        ""));
        return folder;
    }

    private void writeParquet(Path config) throws IOException {
        Path landing = dir.resolve("data/landing/loyalty/dt=" + DATE);
        LakeCheck.inSession(config, TableFormat.DELTA, lake -> {
            SparkSession spark = SparkSession.active();
            spark.sql("SELECT 'L1' AS customer_id, 40 AS points, TIMESTAMP'2025-05-02 01:00:00' AS updated_at")
                    .coalesce(1)
                    .write()
                    .parquet(landing.resolve("points-int").toString());
            spark.sql("SELECT 'L2' AS customer_id, 'forty' AS points, TIMESTAMP'2025-05-02 01:00:00' AS updated_at")
                    .coalesce(1)
                    .write()
                    .parquet(landing.resolve("points-text").toString());
        });
        for (String name : List.of("points-int", "points-text")) {
            LakeCheck.singleParquetFile(landing.resolve(name), landing.resolve(name + ".parquet"));
        }
        // Nanosecond timestamps (pandas and Arrow write them), which Spark cannot read: this file fails alone.
        MessageType nanos = MessageTypeParser.parseMessageType(
                "message loyalty { required binary customer_id (STRING); required int32 points; "
                        + "required int64 updated_at (TIMESTAMP(NANOS,true)); }");
        Path written = Files.createDirectories(dir.resolve("nanos")).resolve("points-nanos.parquet");
        try (var writer = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(written.toUri()))
                .withType(nanos)
                .withConf(new Configuration())
                .build()) {
            writer.write(new SimpleGroupFactory(nanos)
                    .newGroup()
                    .append("customer_id", "L3")
                    .append("points", 7)
                    .append("updated_at", 1_746_147_600_000_000_000L));
        }
        Files.move(written, landing.resolve("points-nanos.parquet"));
        expectedStatus.put("points-nanos.parquet", FeedFiles.FAILED);
        expectedReasons.add(new String[] {"loyalty", "bad_type:points"});
    }

    @Test
    void aCorpusOfHostileInputsStopsNoFileAndLeaksNoPersonalDataOnDeltaAndIceberg() throws IOException {
        Path config = TestConfigs.local(dir);
        Files.writeString(
                config,
                Files.readString(config)
                        .replace(
                                "feed_contracts: " + TestConfigs.shippedContracts(), "feed_contracts: " + contracts()));
        writeCorpus();
        writeParquet(config);

        for (TableFormat format : TableFormat.values()) {
            StringWriter logs = new StringWriter();
            CliRun run;
            try (LogCapture capture = new LogCapture(logs)) {
                run = CliRun.of(
                        "ingest",
                        "-c",
                        config.toString(),
                        "-d",
                        DATE,
                        "--set",
                        "lake.table_format=" + format.name().toLowerCase(Locale.ROOT));
            }
            assertTrue(
                    logs.toString().contains("events.jsonl: read 14 = kept 5 + duplicates 1 + quarantined 8"),
                    "the capture holds the job's INFO lines: "
                            + logs.toString().lines().limit(20).toList());
            for (String secret : SECRETS) {
                assertTrue(!logs.toString().contains(secret), format + ": no clear " + secret + " in the log");
            }
            assertEquals(1, run.exitCode(), "bad files make the run fail, after the rest is committed: " + run.err());
            for (Map.Entry<String, String> e : expectedStatus.entrySet()) {
                if (e.getValue().equals(FeedFiles.FAILED)) {
                    assertTrue(
                            run.err().contains(e.getKey() + ":"),
                            "the run names the failed file " + e.getKey() + ": " + run.err());
                }
            }
            for (String secret : SECRETS) {
                assertTrue(
                        !run.err().contains(secret) && !run.out().contains(secret),
                        "no clear " + secret + " in the output");
            }
            LakeCheck.inSession(config, format, lake -> check(lake, format));
        }
    }

    private void check(LakeTables lake, TableFormat format) {
        Map<String, String> status = new TreeMap<>();
        for (Row f : lake.read(FeedFiles.SPEC).collectAsList()) {
            String name = Path.of(f.<String>getAs(FeedFiles.PATH).replaceFirst("^file:/+", "/"))
                    .getFileName()
                    .toString();
            status.put(name, f.getAs(FeedFiles.STATUS));
            if (FeedFiles.INGESTED.equals(f.getAs(FeedFiles.STATUS))) {
                assertEquals(
                        f.<Long>getAs(FeedFiles.ROWS_READ),
                        f.<Long>getAs(FeedFiles.ROWS_KEPT)
                                + f.<Long>getAs(FeedFiles.ROWS_DUPLICATE)
                                + f.<Long>getAs(FeedFiles.ROWS_QUARANTINED),
                        format + ": rows read = kept + duplicates + quarantined: " + f);
            } else {
                assertTrue(
                        f.<String>getAs(FeedFiles.ERROR) != null
                                && !f.<String>getAs(FeedFiles.ERROR).isBlank(),
                        "a failed file says why: " + f);
            }
        }
        assertEquals(expectedStatus, status, format + ": each file's outcome");
        Row events = lake.read(FeedFiles.SPEC)
                .where(col(FeedFiles.PATH).endsWith("events.jsonl"))
                .first();
        assertEquals(
                List.of(14L, 5L, 1L, 8L),
                List.of(
                        events.<Long>getAs(FeedFiles.ROWS_READ),
                        events.<Long>getAs(FeedFiles.ROWS_KEPT),
                        events.<Long>getAs(FeedFiles.ROWS_DUPLICATE),
                        events.<Long>getAs(FeedFiles.ROWS_QUARANTINED)),
                format + ": the clickstream's balance");

        List<String> reasons = lake.read(Quarantine.SPEC).collectAsList().stream()
                .map(r -> r.<String>getAs(RawTables.FEED) + " " + r.<String>getAs(Quarantine.REASON))
                .toList();
        for (String[] expected : expectedReasons) {
            assertTrue(
                    reasons.contains(expected[0] + " " + expected[1]), format + ": " + expected[1] + " in " + reasons);
        }

        // Latest wins: the CRM's later row of C2 is kept; both consent records stay, so the opt-out is known.
        Row c2 = lake.read(RawAttributes.SPEC)
                .where("subject_id = 'C2' AND name = 'street'")
                .first();
        assertEquals(
                sha("2 low st"), c2.getAs(RawAttributes.VALUE), "the row updated later wins, though it comes first");
        List<String> consent = lake
                .read(RawAttributes.SPEC)
                .where("feed = 'consent' AND name = 'consent.marketing'")
                .orderBy(RawAttributes.OBSERVED_AT)
                .collectAsList()
                .stream()
                .map(r -> r.<String>getAs(RawAttributes.VALUE))
                .toList();
        assertEquals(
                List.of("granted", "denied"), consent, "every consent record is kept; the redelivery is a duplicate");
        assertEquals(
                3,
                lake.read(RawIdentifiers.SPEC)
                        .where("id_value IN ('ck-space', 'ck-percent', 'ck-bracket')")
                        .count());

        assertEquals(
                1,
                lake.read(RawAttributes.SPEC)
                        .where("subject_id = 'C4' AND name = 'street'")
                        .count(),
                format + ": a quoted field with a line break is one record, not two malformed lines");

        // Drifted columns: the header's EMAIL is the contract's email; Login_Email and Mobile are hashed.
        Row c1 = lake.read(RawIdentifiers.SPEC)
                .where("id_type = 'email' AND id_value = '" + sha("ann@example.com") + "'")
                .where("feed = 'crm'")
                .first();
        assertEquals("crm", c1.getAs(RawTables.FEED));
        Map<String, String> drift = new LinkedHashMap<>();
        lake.read(RawAttributes.SPEC)
                .where("subject_id = 'C1' AND name IN ('Login_Email', 'Mobile')")
                .collectAsList()
                .forEach(r -> drift.put(r.getAs(RawAttributes.NAME), r.getAs(RawAttributes.VALUE)));
        assertEquals(Map.of("Login_Email", sha("drift@example.com"), "Mobile", sha("07911 123456")), drift);
        Row url = lake.read(RawEvents.SPEC)
                .where("attributes['event_id'] = 'e-url'")
                .first();
        assertEquals(
                "https://shop.example/signup?email=[pii]&step=2",
                url.<scala.collection.Map<String, String>>getAs(RawEvents.ATTRIBUTES)
                        .get("page_url")
                        .get());

        for (TableSpec table :
                List.of(RawEvents.SPEC, RawAttributes.SPEC, RawIdentifiers.SPEC, Quarantine.SPEC, FeedFiles.SPEC)) {
            // One pass per table: every row as JSON, searched for every secret at once.
            Column row = org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.struct(col("*")));
            Column any = org.apache.spark.sql.functions.lit(false);
            for (String secret : SECRETS) {
                any = any.or(row.contains(secret));
            }
            List<String> leaks = lake.read(table).select(row.as("v")).where(any).limit(5).collectAsList().stream()
                    .map(r -> r.getString(0))
                    .toList();
            assertEquals(List.of(), leaks, format + ": no clear email, phone or IP in " + table.name());
        }
        assertTrue(lake.read(Quarantine.SPEC)
                        .where(col(Quarantine.RAW).contains("[email]"))
                        .count()
                > 0);
        assertTrue(lake.read(Quarantine.SPEC)
                        .where(col(Quarantine.RAW).contains("[phone]"))
                        .count()
                > 0);
        assertTrue(lake.read(Quarantine.SPEC)
                        .where(col(Quarantine.RAW).contains("[ip]"))
                        .count()
                > 0);
    }

    /**
     * Captures what the job logs (audiencelake at INFO, everything else at the test's WARN) while it runs, to
     * show that no clear personal value reaches a log either.
     */
    private static final class LogCapture implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        private final Appender appender;
        private final Level level;

        LogCapture(Writer target) {
            appender = WriterAppender.newBuilder()
                    .setName("hostile-feeds-capture")
                    .setTarget(target)
                    .setLayout(PatternLayout.newBuilder()
                            .withPattern("%p %c{1}: %m%n%ex")
                            .build())
                    .build();
            appender.start();
            context.getConfiguration().addAppender(appender);
            context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
            level = context.getConfiguration()
                    .getLoggerConfig("io.audiencelake")
                    .getLevel();
            Configurator.setLevel("io.audiencelake", Level.INFO);
            context.updateLoggers();
        }

        @Override
        public void close() {
            context.getConfiguration().getRootLogger().removeAppender(appender.getName());
            Configurator.setLevel("io.audiencelake", level);
            context.updateLoggers();
            appender.stop();
        }
    }

    private static String sha(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
