import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Single-node reference for scripts/bench-ingest: DuckDB reads the same landing files of one date,
 * normalises and hashes emails, and aggregates per feed. It writes no table and checks nothing, so
 * it bounds from below what reading and parsing the same bytes costs on one machine.
 *
 * Usage: java -cp duckdb_jdbc.jar DuckDbIngestReference.java <landing root> <date> <threads>
 */
public class DuckDbIngestReference {
  public static void main(String[] args) throws Exception {
    String landing = args[0];
    String date = args[1];
    String threads = args.length > 2 ? args[2] : "2";
    String[][] feeds = {
        {"clickstream", "SELECT count(*), count(DISTINCT event_id), count(DISTINCT sha256(lower(trim(login_email)))) "
            + "FROM read_json('%s/clickstream/dt=%s/*.jsonl.gz', format='newline_delimited', ignore_errors=true, "
            + "columns={event_id:'VARCHAR', event_time:'VARCHAR', cookie_id:'VARCHAR', maid:'VARCHAR', "
            + "user_agent:'VARCHAR', ip:'VARCHAR', event_type:'VARCHAR', login_email:'VARCHAR', revenue:'VARCHAR'})"},
        {"crm", "SELECT count(*), count(DISTINCT customer_id), count(DISTINCT sha256(lower(trim(email)))) "
            + "FROM read_csv('%s/crm/dt=%s/*.csv', header=true, all_varchar=true, ignore_errors=true)"},
        {"partner", "SELECT count(*), count(DISTINCT partner_user_id), count(DISTINCT sha256(lower(trim(email)))) "
            + "FROM read_csv('%s/partner/dt=%s/*.tsv.gz', header=true, delim='\t', all_varchar=true, ignore_errors=true)"},
        {"thirdparty", "SELECT count(*), count(DISTINCT id_value), count(DISTINCT segment_id) "
            + "FROM read_csv('%s/thirdparty/dt=%s/*.csv.gz', header=true, delim='|', all_varchar=true, ignore_errors=true)"},
        {"consent", "SELECT count(*), count(DISTINCT subject_value), count(DISTINCT sha256(lower(trim(subject_value)))) "
            + "FROM read_csv('%s/consent/dt=%s/*.csv', header=true, all_varchar=true, ignore_errors=true)"}};
    long total = 0;
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads=" + threads);
      for (String[] feed : feeds) {
        try (ResultSet r = s.executeQuery(String.format(feed[1], landing, date))) {
          r.next();
          total += r.getLong(1);
          System.out.printf("duckdb %-12s rows %,d distinct keys %,d distinct hashed ids %,d%n", feed[0], r.getLong(1),
              r.getLong(2), r.getLong(3));
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("duckdb total rows %d seconds %.2f rows_per_second %.0f%n", total, seconds, total / seconds);
  }
}
