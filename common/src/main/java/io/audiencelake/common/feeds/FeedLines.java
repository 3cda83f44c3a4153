package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.forall;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_valid_utf8;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.storage.LandingArea;
import io.audiencelake.common.storage.LandingInventory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Reads feed files as text lines, each with its file and 1-based line number, so that a bad line
 * can be quarantined with where it came from and what it said.
 *
 * <p>Plain files are read splittably; a gzip file is one split, so after reading, lines are
 * repartitioned to spread the rest of the job over the cluster. Line numbers cost no extra pass:
 * within a split, {@code monotonically_increasing_id} is consecutive, and a small aggregate over
 * splits (one row per split) gives each split's first line. The scanned lines are persisted
 * (memory, then disk) so the files are read once although numbering uses them twice; callers
 * release them with {@code spark.catalog().clearCache()} when the feed is written.
 */
public final class FeedLines {
    public static final String FILE = "source_file";
    public static final String LINE = "line_number";
    public static final String TEXT = "value";
    /** What is wrong with the line as bytes ({@value #LINE_TOO_LONG}, {@value #BAD_ENCODING}), or null. */
    public static final String LINE_PROBLEM = "_line_problem";

    public static final String LINE_TOO_LONG = "line_too_long";
    public static final String BAD_ENCODING = "bad_encoding";
    /** How much of a too-long line the quarantine keeps. */
    static final int KEPT_OF_LONG_LINE = 1000;
    /** Parquet only: the row's columns as text. */
    public static final String RECORD = "_record";

    private static final String BLOCK = "_block_start";
    private static final String ID = "_id";

    private FeedLines() {}

    /**
     * Reads text lines. A line longer than {@code maxLineBytes} keeps only its first
     * {@value #KEPT_OF_LONG_LINE} characters (parsing and masking it whole could exhaust an executor) and is
     * marked {@value #LINE_TOO_LONG}; a line with bytes that are not UTF-8 is marked {@value #BAD_ENCODING}
     * (its text made valid, with U+FFFD in their place); a byte-order mark is dropped.
     */
    public static Dataset<Row> read(SparkSession spark, List<String> paths, int maxLineBytes) {
        Column text = col(TEXT);
        Column tooLong = octet_length(text).gt(lit(maxLineBytes));
        Dataset<Row> raw = spark.read()
                .text(paths.stream().map(FeedLines::literal).toArray(String[]::new))
                .select(
                        when(
                                        tooLong,
                                        concat(
                                                substring(make_valid_utf8(text), 1, KEPT_OF_LONG_LINE),
                                                lit(" [cut: "),
                                                octet_length(text),
                                                lit(" bytes]")))
                                .otherwise(regexp_replace(make_valid_utf8(text), "^\uFEFF", ""))
                                .as(TEXT),
                        when(tooLong, lit(LINE_TOO_LONG))
                                .when(not(is_valid_utf8(text)), lit(BAD_ENCODING))
                                .as(LINE_PROBLEM),
                        landingPath(paths).as(FILE),
                        col("_metadata.file_block_start").as(BLOCK),
                        monotonically_increasing_id().as(ID));
        boolean unsplittable = paths.stream().anyMatch(p -> p.endsWith(".gz"));
        if (unsplittable) {
            raw = raw.repartition(spark.sparkContext().defaultParallelism() * 2);
        }
        return numbered(raw.persist(StorageLevel.MEMORY_AND_DISK()));
    }

    /**
     * Joins the lines of a delimited record whose quoted field holds line breaks (RFC 4180) into one line,
     * numbered by its first line, with {@code \n} between the parts. A line with an odd number of quote
     * characters opens such a record and the next such line in its file closes it. The joined record is kept
     * only when every quote in it belongs to a quoted field that starts and ends at field boundaries, it has
     * at most {@value #MAX_RECORD_LINES} lines and {@code maxLineBytes} bytes, and no part had a byte problem;
     * otherwise its lines stay as they were (and a stray quote is quarantined, as before, by the parser).
     * Files without such lines cost one count over the cached lines.
     */
    public static Dataset<Row> joinQuotedNewlines(Dataset<Row> lines, char delimiter, int maxLineBytes) {
        Column quotes = length(col(TEXT)).minus(length(regexp_replace(col(TEXT), "\"", "")));
        Dataset<Row> odd = lines.where(pmod(quotes, lit(2)).equalTo(1)).select(col(FILE), col(LINE));
        long openers = odd.count();
        if (openers == 0) {
            return lines;
        }
        Dataset<Row> pairs = openersAndClosers(odd);
        boolean few = openers < 100_000;
        if (few) {
            // Kept on the driver: the plan below reads the lines three times, and would find the pairs again each time.
            pairs = lines.sparkSession().createDataFrame(pairs.collectAsList(), pairs.schema());
        }
        Dataset<Row> spans = pairs.select(
                col(FILE),
                col("_start"),
                explode(sequence(col("_start"), col("_close"))).as(LINE));
        // At most MAX_RECORD_LINES rows per opener: small enough to broadcast unless a file is full of them.
        Dataset<Row> tagged = lines.join(few ? broadcast(spans) : spans, new String[] {FILE, LINE}, "left");
        Dataset<Row> grouped = tagged.where(col("_start").isNotNull())
                .groupBy(col(FILE), col("_start"))
                .agg(array_sort(collect_list(struct(col(LINE), col(TEXT), col(LINE_PROBLEM))))
                        .as("_parts"))
                .withColumn(TEXT, concat_ws("\n", transform(col("_parts"), p -> p.getField(TEXT))));
        Column joinable = joinable(delimiter, maxLineBytes);
        Dataset<Row> joined = grouped.where(joinable)
                .select(
                        col(FILE),
                        col("_start").as(LINE),
                        col(TEXT),
                        lit(null).cast(DataTypes.StringType).as(LINE_PROBLEM));
        Dataset<Row> apart = grouped.where(not(joinable))
                .select(col(FILE), explode(col("_parts")).as("_p"))
                .select(
                        col(FILE),
                        col("_p." + LINE).as(LINE),
                        col("_p." + TEXT).as(TEXT),
                        col("_p." + LINE_PROBLEM).as(LINE_PROBLEM));
        return tagged.where(col("_start").isNull())
                .drop("_start")
                .unionByName(joined)
                .unionByName(apart);
    }

    /**
     * Lines with an odd number of quotes paired in file order, each opener with the next closer when it is
     * within {@code MAX_RECORD_LINES}. Only the odd lines are ordered per file: few, even in a huge file.
     */
    private static Dataset<Row> openersAndClosers(Dataset<Row> odd) {
        WindowSpec inFile = Window.partitionBy(col(FILE)).orderBy(col(LINE));
        return odd.withColumn("_rank", row_number().over(inFile))
                .withColumn("_close", lead(col(LINE), 1).over(inFile))
                .where(pmod(col("_rank"), lit(2))
                        .equalTo(1)
                        .and(col("_close").isNotNull())
                        .and(col("_close").minus(col(LINE)).lt(lit(MAX_RECORD_LINES))))
                .select(col(FILE), col(LINE).as("_start"), col("_close"));
    }

    /**
     * Whether the joined lines form one record: every field properly quoted, not over the line limit, and no
     * part with a problem of its own.
     */
    private static Column joinable(char delimiter, int maxLineBytes) {
        String d = Pattern.quote(String.valueOf(delimiter));
        Column wellQuoted = not(regexp_replace(col(TEXT), "(?<=^|" + d + ")\"(?:[^\"]++|\"\")*+\"(?=" + d + "|$)", "")
                .contains("\""));
        return wellQuoted
                .and(octet_length(col(TEXT)).leq(lit(maxLineBytes)))
                .and(forall(col("_parts"), p -> p.getField(LINE_PROBLEM).isNull()));
    }

    /** The most lines one record with quoted line breaks may span; a longer "record" is a stray quote. */
    public static final int MAX_RECORD_LINES = 100;

    /**
     * Reads Parquet files whose schemas are alike; each row becomes a "line": its position in its
     * file, its text the row as JSON, and every column as text in {@value #RECORD} (a struct).
     */
    public static Dataset<Row> readParquet(SparkSession spark, List<String> paths) {
        Dataset<Row> data =
                spark.read().parquet(paths.stream().map(FeedLines::literal).toArray(String[]::new));
        List<Column> asText = new ArrayList<>();
        for (String c : data.columns()) {
            asText.add(col("`" + c + "`").cast(DataTypes.StringType).as(c));
        }
        Dataset<Row> raw = data.select(
                to_json(struct(col("*"))).as(TEXT),
                lit(null).cast(DataTypes.StringType).as(LINE_PROBLEM),
                struct(asText.toArray(Column[]::new)).as(RECORD),
                landingPath(paths).as(FILE),
                col("_metadata.file_block_start").as(BLOCK),
                monotonically_increasing_id().as(ID));
        return numbered(raw.persist(StorageLevel.MEMORY_AND_DISK()));
    }

    /**
     * A landing path as Spark reads it literally: Hadoop would take {@code [}, {@code ]}, braces, {@code *}
     * and {@code ?} in a file name as a glob, so they are escaped.
     */
    public static String literal(String path) {
        return path.replaceAll("([\\\\\\[\\]{}*?])", "\\\\$1");
    }

    /**
     * The listed path of the file a row came from. Spark reports files URL-encoded ({@code b%20c.csv} for
     * {@code b c.csv}), so the small map of the listed paths translates back to the spelling the listing,
     * the manifest and the lineage columns use.
     */
    static Column landingPath(List<String> paths) {
        List<Column> pairs = new ArrayList<>();
        for (String p : paths) {
            pairs.add(lit(LandingArea.canonical(new Path(p).toUri().toString())));
            pairs.add(lit(p));
        }
        Column read = LandingInventory.canonical(col("_metadata.file_path"));
        return coalesce(element_at(map(pairs.toArray(Column[]::new)), read), read);
    }

    /**
     * Adds line numbers from split starts and ids. The splits' first ids and line counts (one row per split: a
     * few thousand for a terabyte) are aggregated once and kept on the driver; every later action over the lines
     * then joins that small local table. Left as a broadcast subquery, it was aggregated again by each action and
     * each branch of a plan that reads the lines: 6 times in one delimited feed's classification, 60 Spark jobs
     * per feed.
     */
    static Dataset<Row> numbered(Dataset<Row> raw) {
        List<Row> splits = new ArrayList<>(raw.groupBy(col(FILE), col(BLOCK))
                .agg(min(col(ID)).as("_first_id"), count(lit(1)).as("_lines"))
                .collectAsList());
        splits.sort(Comparator.<Row, String>comparing(r -> r.getString(0)).thenComparingLong(r -> r.getLong(1)));
        List<Row> starts = new ArrayList<>();
        String file = null;
        long before = 0;
        for (Row r : splits) {
            if (!r.getString(0).equals(file)) {
                file = r.getString(0);
                before = 0;
            }
            // A line's number: the lines of the file's earlier splits, plus its place in its own split.
            starts.add(RowFactory.create(file, r.getLong(1), before - r.getLong(2) + 1));
            before += r.getLong(3);
        }
        Dataset<Row> offsets = raw.sparkSession()
                .createDataFrame(
                        starts,
                        new StructType()
                                .add(FILE, DataTypes.StringType)
                                .add(BLOCK, DataTypes.LongType)
                                .add("_offset", DataTypes.LongType));
        List<Column> out =
                new ArrayList<>(List.of(col(FILE), col("_offset").plus(col(ID)).as(LINE), col(TEXT)));
        for (String c : raw.columns()) {
            if (!List.of(FILE, TEXT, BLOCK, ID).contains(c)) {
                out.add(col(c));
            }
        }
        return raw.join(broadcast(offsets), new String[] {FILE, BLOCK}).select(out.toArray(Column[]::new));
    }
}
