import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Single-node reference for scripts/bench-ingest that does the same kind of work as the ingest job on the same
 * landing files of one date: parse each feed, cast its typed fields (a row whose required field does not parse is
 * counted as quarantined), normalise and SHA-256 its personal fields (emails lower-cased and trimmed, phones to
 * digits, names), hash IP addresses, drop repeated events within the delivery, and write each feed's rows to
 * Parquet. What it leaves out, so the ratio is read as a lower bound of our overhead: user-agent parsing (ingest
 * parses the distinct agents with Yauaa), file-and-line lineage, quarantine text masking, table commits and the
 * manifest.
 *
 * Usage: java -cp duckdb_jdbc.jar DuckDbIngestReference.java <landing root> <date> <threads> [<output folder>]
 * Prints one line per feed and "duckdb total rows N seconds S rows_per_second R".
 */
public class DuckDbIngestReference {
  /** Feed, reader, the typed and hashed projection, the condition a kept row meets, and the dedupe key. */
  private record Feed(String name, String reader, String projection, String valid, String key) {}

  private static final String EMAIL = "sha256(lower(trim(%s)))";
  private static final String PHONE = "sha256(nullif(regexp_replace(%s, '[^0-9]', '', 'g'), ''))";

  public static void main(String[] args) throws Exception {
    String landing = args[0];
    String date = args[1];
    String threads = args.length > 2 ? args[2] : "2";
    Path out = Path.of(args.length > 3 ? args[3] : Files.createTempDirectory("duckdb-ingest").toString());
    Files.createDirectories(out);
    Feed[] feeds = {
        new Feed("clickstream", "read_json('%s/clickstream/dt=%s/*.jsonl.gz', format='newline_delimited', "
            + "ignore_errors=true, columns={event_id:'VARCHAR', event_time:'VARCHAR', cookie_id:'VARCHAR', "
            + "maid:'VARCHAR', user_agent:'VARCHAR', ip:'VARCHAR', event_type:'VARCHAR', login_email:'VARCHAR', "
            + "revenue:'VARCHAR', page_url:'VARCHAR', page_category:'VARCHAR', referrer:'VARCHAR'})",
            "event_id, try_cast(event_time AS TIMESTAMPTZ) AS event_time, lower(event_type) AS event_type, cookie_id, "
                + "maid, user_agent, sha256(ip) AS ip_hash, sha256(regexp_replace(ip, '\\.[0-9]+$', '')) AS ip_prefix, "
                + EMAIL.formatted("login_email") + " AS login_email, try_cast(revenue AS DOUBLE) AS revenue, "
                + "page_url, page_category, referrer",
            "event_time IS NOT NULL AND event_type IS NOT NULL AND (cookie_id IS NOT NULL OR maid IS NOT NULL)",
            "event_id"),
        new Feed("crm", "read_csv('%s/crm/dt=%s/*.csv', header=true, all_varchar=true, ignore_errors=true)",
            "customer_id, " + EMAIL.formatted("email") + " AS email, " + PHONE.formatted("phone") + " AS phone, "
                + EMAIL.formatted("first_name") + " AS first_name, " + EMAIL.formatted("last_name") + " AS last_name, "
                + "street, upper(replace(postcode, ' ', '')) AS postcode, city, upper(country) AS country, "
                + "try_cast(birth_date AS DATE) AS birth_date, gender, try_cast(signup_date AS DATE) AS signup_date, "
                + "try_cast(updated_at AS TIMESTAMPTZ) AS updated_at",
            "customer_id IS NOT NULL AND updated_at IS NOT NULL", null),
        new Feed("partner", "read_csv('%s/partner/dt=%s/*.tsv.gz', header=true, delim='\t', all_varchar=true, "
            + "ignore_errors=true)",
            "partner_user_id, " + EMAIL.formatted("email") + " AS email, " + EMAIL.formatted("first_name")
                + " AS first_name, " + EMAIL.formatted("last_name") + " AS last_name, "
                + "upper(replace(postcode, ' ', '')) AS postcode, try_cast(birth_year AS INTEGER) AS birth_year, "
                + "try_cast(purchases_12m AS INTEGER) AS purchases_12m, try_cast(spend_12m AS DOUBLE) AS spend_12m, "
                + "string_split(top_categories, '|') AS top_categories, try_cast(updated_at AS DATE) AS updated_at",
            "partner_user_id IS NOT NULL AND updated_at IS NOT NULL", null),
        new Feed("thirdparty", "read_csv('%s/thirdparty/dt=%s/*.csv.gz', header=true, delim='|', all_varchar=true, "
            + "ignore_errors=true)",
            "id_type, id_value, segment_id, segment_name, try_cast(confidence AS DOUBLE) AS confidence, "
                + "try_cast(observed_date AS DATE) AS observed_date",
            "id_value IS NOT NULL AND observed_date IS NOT NULL AND confidence BETWEEN 0 AND 1", null),
        new Feed("consent", "read_csv('%s/consent/dt=%s/*.csv', header=true, all_varchar=true, ignore_errors=true)",
            "subject_type, CASE WHEN subject_type = 'email' THEN " + EMAIL.formatted("subject_value")
                + " ELSE subject_value END AS subject_value, purpose, lower(status) AS status, "
                + "try_cast(recorded_at AS TIMESTAMPTZ) AS recorded_at, source",
            "subject_value IS NOT NULL AND recorded_at IS NOT NULL AND status IN ('granted', 'denied')", null)};
    long total = 0;
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads=" + threads);
      s.execute("SET temp_directory='" + out.resolve("tmp") + "'");
      s.execute("SET preserve_insertion_order=false");
      for (Feed feed : feeds) {
        long feedStart = System.nanoTime();
        // One pass over the files: parsed, typed and hashed rows with their verdict, kept in DuckDB (spilling to
        // disk when large), then the kept ones written and the verdicts counted.
        s.execute("CREATE OR REPLACE TEMP TABLE parsed AS SELECT *, (" + feed.valid() + ") IS TRUE AS _valid FROM "
            + "(SELECT " + feed.projection() + " FROM " + feed.reader().formatted(landing, date) + ")");
        String kept = "SELECT * EXCLUDE (_valid) FROM parsed WHERE _valid"
            + (feed.key() == null ? "" : " QUALIFY row_number() OVER (PARTITION BY " + feed.key() + ") = 1");
        s.execute("COPY (" + kept + ") TO '" + out.resolve(feed.name() + ".parquet")
            + "' (FORMAT parquet, COMPRESSION snappy)");
        try (ResultSet r = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE NOT _valid), "
            + "(SELECT count(*) FROM read_parquet('" + out.resolve(feed.name() + ".parquet") + "')) FROM parsed")) {
          r.next();
          long read = r.getLong(1);
          long quarantined = r.getLong(2);
          long written = r.getLong(3);
          total += read;
          System.out.printf("duckdb %-12s rows %,d kept %,d duplicates %,d quarantined %,d seconds %.2f%n", feed.name(),
              read, written, read - quarantined - written, quarantined, (System.nanoTime() - feedStart) / 1e9);
        }
      }
      s.execute("DROP TABLE IF EXISTS parsed");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("duckdb total rows %d seconds %.2f rows_per_second %.0f%n", total, seconds, total / seconds);
  }
}
