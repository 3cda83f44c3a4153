package io.audiencelake.common.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class FeedParserTest {
  private static final FeedContract CRM = FeedTestData.contract("crm", FeedTestData.CRM);
  private static final FeedContract WEB = FeedTestData.contract("web", FeedTestData.EVENTS);

  private static List<Row> rows(org.apache.spark.sql.Dataset<Row> ds) {
    return ds.orderBy(FeedLines.FILE, FeedLines.LINE).collectAsList();
  }

  @Test
  void csvFieldsByHeaderNameWithEmptyMissingAndExtraFieldsTold() {
    List<String> header = List.of("customer_id", "country", "email", "updated_at", "loyalty_tier");
    var lines = FeedTestData.lines("f1", String.join(",", header),
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
    assertEquals(Map.of("loyalty_tier", "gold"), scala.jdk.javaapi.CollectionConverters.asJava(
        first.<scala.collection.Map<String, String>>getAs(FeedParser.EXTRA)));
    assertNull(r.get(1).getAs("country"), "an empty field is absent");
    assertEquals("x,y\"z", r.get(1).getAs("email"));
    assertEquals(false, r.get(1).getAs(FeedParser.MALFORMED));
    assertEquals(true, r.get(2).getAs(FeedParser.MALFORMED), "too few fields");
    assertEquals(true, r.get(3).getAs(FeedParser.MALFORMED), "too many fields");
    assertEquals(true, r.get(4).getAs(FeedParser.MALFORMED), "unclosed quote");
    assertEquals(List.of(2L, 3L, 4L, 5L, 6L), r.stream().map(x -> x.<Long>getAs(FeedLines.LINE)).toList());
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
    var lines = FeedTestData.lines("w",
        "{\"id\":\"e1\",\"ts\":\"2025-01-01T10:00:00Z\",\"type\":\"view\",\"revenue\":12.5,\"new_key\":\"x\"}",
        "{\"id\":\"e2\",\"ts\":\"2025-01-01T10:00:00Z\",\"ty",
        "not json at all",
        "[1,2]");
    List<Row> r = rows(FeedParser.parse(WEB, lines, Map.of()));
    assertEquals("12.5", r.get(0).getAs("revenue"));
    assertEquals(false, r.get(0).getAs(FeedParser.MALFORMED));
    assertEquals(Map.of("new_key", "x"), scala.jdk.javaapi.CollectionConverters.asJava(
        r.get(0).<scala.collection.Map<String, String>>getAs(FeedParser.EXTRA)));
    assertTrue(r.get(1).<Boolean>getAs(FeedParser.MALFORMED));
    assertTrue(r.get(2).<Boolean>getAs(FeedParser.MALFORMED));
    assertTrue(r.get(3).<Boolean>getAs(FeedParser.MALFORMED));
  }
}
