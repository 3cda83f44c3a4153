import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Single-node reference for scripts/bench-profiles: DuckDB reads the same raw_events and id_graph
 * Parquet files the profiles job reads (a table written once per date, so every file is current),
 * cuts sessions with the same window functions and computes the shipped traits.yaml's event and session
 * traits per person over all history up to the date, like `profiles --rebuild`. It writes no table.
 *
 * Usage: java -cp duckdb_jdbc.jar DuckDbProfilesReference.java <delta tables folder> <date> <threads> [graph parquet folder]
 */
public class DuckDbProfilesReference {
  public static void main(String[] args) throws Exception {
    String tables = args[0];
    String date = args[1];
    String threads = args.length > 2 ? args[2] : "2";
    // id_graph keeps versions: the graph as of the date, written as plain Parquet by scripts/bench-profiles.
    String graph = args.length > 3 ? args[3] : tables + "/../../../graph-asof";
    String d = "DATE '" + date + "'";
    String[] steps = {
        "SET threads=" + threads,
        "SET TimeZone='UTC'",
        "CREATE TEMP TABLE ev AS SELECT device_id_type AS t, device_id AS v, event_time AS ts, record_id, event_type, "
            + "device_type, revenue, attributes['page_category'] AS cat, attributes['product_id'] AS prod, "
            + "attributes['page_url'] AS page, attributes['referrer'] AS ref, attributes['campaign'] AS camp "
            + "FROM read_parquet('" + tables + "/raw_events/**/*.parquet', hive_partitioning=true) "
            + "WHERE dt <= " + d + " AND device_id IS NOT NULL AND NOT coalesce(is_robot, false)",
        "CREATE TEMP TABLE g AS SELECT id_type AS t, id_value AS v, person_id FROM read_parquet('" + graph
            + "/*.parquet')",
        "CREATE TEMP TABLE s AS WITH w AS (SELECT *, CASE WHEN lag(ts) OVER o IS NULL "
            + "OR epoch(ts) - epoch(lag(ts) OVER o) > 1800 OR (camp IS NOT NULL AND camp IS DISTINCT FROM lag(camp) OVER o) "
            + "THEN 1 ELSE 0 END AS starts FROM ev WINDOW o AS (PARTITION BY t, v, ts::DATE ORDER BY ts, record_id)), "
            + "n AS (SELECT *, sum(starts) OVER (PARTITION BY t, v, ts::DATE ORDER BY ts, record_id ROWS UNBOUNDED PRECEDING) "
            + "AS seq FROM w) SELECT t, v, ts::DATE AS day, seq, min(ts) AS start, epoch(max(ts)) - epoch(min(ts)) AS duration, "
            + "count(*) AS events, count(page) AS pages, arg_min(page, ts) AS entry, arg_max(page, ts) AS exit, "
            + "arg_min(ref, ts) AS ref, bool_or(event_type = 'purchase') AS converted, coalesce(sum(revenue), 0) AS revenue "
            + "FROM n WHERE ts::DATE <= " + d + " GROUP BY ALL",
        "CREATE TEMP TABLE p AS WITH e AS (SELECT g.person_id, ev.* FROM ev JOIN g USING (t, v)), "
            + "x AS (SELECT person_id, "
            + "count(*) FILTER (WHERE ts::DATE > " + d + " - 7) AS events_7d, "
            + "count(*) FILTER (WHERE event_type IN ('page_view', 'product_view', 'app_open') AND ts::DATE > " + d + " - 30) AS page_views_30d, "
            + "count(*) FILTER (WHERE event_type = 'search' AND ts::DATE > " + d + " - 30) AS searches_30d, "
            + d + " - max(ts)::DATE AS days_since_last_visit, arg_max(device_type, ts) AS last_device_type, "
            + "arg_max(camp, ts) FILTER (WHERE camp IS NOT NULL) AS last_campaign, "
            + "count(DISTINCT cat) FILTER (WHERE ts::DATE > " + d + " - 30) AS categories_viewed_30d, "
            + "count(DISTINCT prod) FILTER (WHERE event_type = 'product_view' AND ts::DATE > " + d + " - 90) AS products_viewed_90d, "
            + "arg_max(cat, ts) FILTER (WHERE cat IS NOT NULL) AS last_category_viewed, "
            + "count(*) FILTER (WHERE cat = 'shoes' AND ts::DATE > " + d + " - 30) AS shoe_views_30d, "
            + "count(*) FILTER (WHERE cat = 'electronics' AND ts::DATE > " + d + " - 30) AS electronics_views_30d, "
            + "count(*) FILTER (WHERE cat = 'travel' AND ts::DATE > " + d + " - 30) AS travel_views_30d, "
            + "count(*) FILTER (WHERE event_type = 'add_to_cart' AND ts::DATE > " + d + " - 30) AS carts_30d, "
            + "count(*) FILTER (WHERE event_type = 'purchase' AND ts::DATE = " + d + ") AS purchases_1d, "
            + "count(*) FILTER (WHERE event_type = 'purchase' AND ts::DATE > " + d + " - 30) AS purchases_30d, "
            + "count(*) FILTER (WHERE event_type = 'purchase' AND ts::DATE > " + d + " - 90) AS purchases_90d, "
            + "count(*) FILTER (WHERE event_type = 'purchase') AS purchases, "
            + "count(*) FILTER (WHERE event_type = 'purchase' AND cat = 'shoes' AND ts::DATE > " + d + " - 30) AS shoe_purchases_30d, "
            + "coalesce(sum(revenue) FILTER (WHERE event_type = 'purchase' AND ts::DATE > " + d + " - 30), 0) AS revenue_30d, "
            + "coalesce(sum(revenue) FILTER (WHERE event_type = 'purchase' AND ts::DATE > " + d + " - 90), 0) AS revenue_90d, "
            + "coalesce(sum(revenue) FILTER (WHERE event_type = 'purchase'), 0) AS revenue, "
            + "avg(revenue) FILTER (WHERE event_type = 'purchase') AS avg_order_value, "
            + "max(revenue) FILTER (WHERE event_type = 'purchase') AS max_order_value, "
            + "min(revenue) FILTER (WHERE event_type = 'purchase') AS min_order_value, "
            + "quantile_disc(revenue, 0.5) FILTER (WHERE event_type = 'purchase') AS median_order_value, "
            + d + " - max(ts) FILTER (WHERE event_type = 'purchase')::DATE AS days_since_last_purchase, "
            + "min(ts) FILTER (WHERE event_type = 'purchase') AS first_purchase_at, "
            + "max(ts) FILTER (WHERE event_type = 'purchase') AS last_purchase_at FROM e GROUP BY person_id), "
            + "y AS (SELECT g.person_id, count(*) FILTER (WHERE day > " + d + " - 7) AS sessions_7d, "
            + "count(*) FILTER (WHERE day > " + d + " - 30) AS sessions_30d, "
            + "avg(duration) FILTER (WHERE day > " + d + " - 30) AS avg_session_seconds_30d, "
            + "count(*) FILTER (WHERE converted AND day > " + d + " - 30) AS converted_sessions_30d "
            + "FROM s JOIN g USING (t, v) WHERE day <= " + d + " GROUP BY g.person_id), "
            + "people AS (SELECT person_id, count(*) AS identifiers FROM g GROUP BY person_id) "
            + "SELECT * FROM people LEFT JOIN x USING (person_id) LEFT JOIN y USING (person_id)"};
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      for (String step : steps) {
        st.execute(step);
      }
      try (ResultSet r = st.executeQuery("SELECT (SELECT count(*) FROM ev), (SELECT count(*) FROM s), "
          + "(SELECT count(*) FROM p), (SELECT sum(purchases) FROM p), (SELECT sum(sessions_7d) FROM p)")) {
        r.next();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("duckdb total events %d sessions %d persons %d purchases %d sessions_7d %d seconds %.2f%n",
            r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), seconds);
      }
    }
  }
}
