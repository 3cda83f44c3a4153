package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class FeedParserTest {
    private static final FeedContract CRM = FeedTestData.contract("crm", FeedTestData.CRM);
    private static final FeedContract WEB = FeedTestData.contract("web", FeedTestData.EVENTS);

    private static List<Row> rows(Dataset<Row> ds) {
        return ds.orderBy(FeedLines.FILE, FeedLines.LINE).collectAsList();
    }

    @Test
    void csvFieldsByHeaderNameWithEmptyMissingAndExtraFieldsTold() {
        List<String> header = List.of("customer_id", "country", "email", "updated_at", "loyalty_tier");
        var lines = FeedTestData.lines(
                "f1",
                String.join(",", header),
                "C1,GB,a@b.com,2025-01-01T00:00:00Z,gold",
                "C2,,\"x,y\"\"z\",2025-01-01T00:00:00Z,",
                "C3,GB,a@b.com",
                "C4,GB,a@b.com,2025-01-01T00:00:00Z,gold,surplus",
                "C5,GB,\"a@b.com,2025-01-01T00:00:00Z,gold");
        List<Row> r = rows(FeedParser.parse(CRM, lines, Map.of("f1", header)));
        assertEquals(5, r.size(), "the header is not a row");
        Row first = r.get(0);
        assertEquals("C1", first.getAs("customer_id"));
        assertEquals("a@b.com", first.getAs("email"));
        assertNull(first.getAs("phone"), "a contract column missing from the header is absent");
        assertEquals(false, first.getAs(FeedParser.MALFORMED));
        assertEquals(
                Map.of("loyalty_tier", "gold"),
                CollectionConverters.asJava(first.<scala.collection.Map<String, String>>getAs(FeedParser.EXTRA)));
        assertNull(r.get(1).getAs("country"), "an empty field is absent");
        assertEquals("x,y\"z", r.get(1).getAs("email"));
        assertEquals(false, r.get(1).getAs(FeedParser.MALFORMED));
        assertEquals(true, r.get(2).getAs(FeedParser.MALFORMED), "too few fields");
        assertEquals(true, r.get(3).getAs(FeedParser.MALFORMED), "too many fields");
        assertEquals(true, r.get(4).getAs(FeedParser.MALFORMED), "unclosed quote");
        assertEquals(
                List.of(2L, 3L, 4L, 5L, 6L),
                r.stream().map(x -> x.<Long>getAs(FeedLines.LINE)).toList());
    }

    @Test
    void headerChecksFindMissingRequiredAndExtraColumns() {
        List<String> header = FeedParser.headerFields(CRM, "customer_id,\"email\",loyalty_tier");
        assertEquals(List.of("customer_id", "email", "loyalty_tier"), header);
        assertEquals(List.of("updated_at"), FeedParser.missingRequired(CRM, header));
        assertEquals(List.of("loyalty_tier"), FeedParser.extraColumns(CRM, header));
    }

    @Test
    void jsonLinesWithNumbersMalformedLinesAndUnknownKeys() {
        var lines = FeedTestData.lines(
                "w",
                "{\"id\":\"e1\",\"ts\":\"2025-01-01T10:00:00Z\",\"type\":\"view\",\"revenue\":12.5,\"new_key\":\"x\"}",
                "{\"id\":\"e2\",\"ts\":\"2025-01-01T10:00:00Z\",\"ty",
                "not json at all",
                "[1,2]");
        List<Row> r = rows(FeedParser.parse(WEB, lines, Map.of()));
        assertEquals("12.5", r.get(0).getAs("revenue"));
        assertEquals(false, r.get(0).getAs(FeedParser.MALFORMED));
        assertEquals(
                Map.of("new_key", "x"),
                CollectionConverters.asJava(r.get(0).<scala.collection.Map<String, String>>getAs(FeedParser.EXTRA)));
        assertTrue(r.get(1).<Boolean>getAs(FeedParser.MALFORMED));
        assertTrue(r.get(2).<Boolean>getAs(FeedParser.MALFORMED));
        assertTrue(r.get(3).<Boolean>getAs(FeedParser.MALFORMED));
    }

    /** The shipped combined-log contract over lines in the format Apache httpd and NGINX write. */
    @Test
    void regexFeedsFillColumnsFromNamedGroupsAndAWholeLineMustMatch() {
        Path example = Path.of(System.getProperty("user.dir")).getParent().resolve("conf/examples/web_access.yaml");
        FeedContract web = FeedContracts.loadFile(example);
        var lines = FeedTestData.lines(
                "access.log",
                "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /images/kibana.png HTTP/1.1\" 200 203023 "
                        + "\"http://semicomplete.com/\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) Chrome/32.0\"",
                "66.249.73.135 - alice [17/May/2015:10:05:40 +0200] \"HEAD /robots.txt HTTP/1.0\" 304 - \"-\" "
                        + "\"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)\"",
                "10.0.0.1 - - [17/May/2015:10:05:40 +0000] \"GET /a\"b HTTP/1.1\" 200 1 \"-\" \"x\"",
                "garbage",
                // Control characters the parser uses inside: such a line is still read exactly, whether it matches or
                // not.
                "10.0.0.2 - - [17/May/2015:10:05:41 +0000] \"GET /b HTTP/1.1\" 200 5 \"-\" \"agent\u0001one\u0002\"",
                "\u0001garbage\u0002");
        List<Row> r = rows(FeedParser.parse(web, lines, Map.of()));
        assertEquals("83.149.9.216", r.get(0).getAs("client_ip"));
        assertNull(r.get(0).getAs("remote_user"), "'-' is no value");
        assertEquals("17/May/2015:10:05:03 +0000", r.get(0).getAs("request_time"));
        assertEquals("GET", r.get(0).getAs("method"));
        assertEquals("/images/kibana.png", r.get(0).getAs("path"));
        assertEquals("HTTP/1.1", r.get(0).getAs("protocol"));
        assertEquals("203023", r.get(0).getAs("bytes"));
        assertEquals("http://semicomplete.com/", r.get(0).getAs("referrer"));
        assertEquals(false, r.get(0).getAs(FeedParser.MALFORMED));
        assertEquals("alice", r.get(1).getAs("remote_user"));
        assertNull(r.get(1).getAs("bytes"));
        assertNull(r.get(1).getAs("referrer"));
        assertEquals(false, r.get(1).getAs(FeedParser.MALFORMED));
        assertEquals(true, r.get(2).getAs(FeedParser.MALFORMED), "a quote inside the request line");
        assertEquals(true, r.get(3).getAs(FeedParser.MALFORMED));
        assertEquals(false, r.get(4).getAs(FeedParser.MALFORMED));
        assertEquals("/b", r.get(4).getAs("path"));
        assertEquals("agent\u0001one\u0002", r.get(4).getAs("user_agent"));
        assertEquals(true, r.get(5).getAs(FeedParser.MALFORMED));
        assertNull(r.get(5).getAs("client_ip"));

        List<Row> clean = FeedCleaner.clean(web, FeedParser.parse(web, lines, Map.of()), LocalDate.of(2015, 5, 17))
                .orderBy(FeedLines.LINE)
                .collectAsList();
        assertEquals(
                Timestamp.valueOf("2015-05-17 08:05:40"),
                clean.get(1).getAs("request_time"),
                "the log's zone offset is applied (UTC)");
        assertEquals(304, clean.get(1).<Integer>getAs("status"));
    }

    @Test
    void aRegexContractNamesItsMistakes() {
        List<String> columns = List.of("client_ip", "user_agent");
        assertEquals(
                Arrays.asList("a", null, "userAgent"),
                LinePattern.capturingGroups("(?<a>x)(y)(?:z)(?=w)[(](?<userAgent>.)\\("));
        assertEquals(
                2,
                LinePattern.compile("(?<clientip>\\S++) (?<useragent>.*+)", columns)
                        .group("user_agent"));
        assertTrue(Assertions.assertThrows(
                        IllegalArgumentException.class, () -> LinePattern.compile("(?<ip>\\S++)", columns))
                .getMessage()
                .contains("group 'ip' names no column"));
        assertTrue(Assertions.assertThrows(
                        IllegalArgumentException.class, () -> LinePattern.compile("(?<clientip>[a-", columns))
                .getMessage()
                .startsWith("not a regular expression"));
        assertEquals(
                "two groups fill column 'client_ip'",
                Assertions.assertThrows(
                                IllegalArgumentException.class,
                                () -> LinePattern.compile("(?<clientip>a)(?<clientIp>b)", columns))
                        .getMessage());
    }
}
