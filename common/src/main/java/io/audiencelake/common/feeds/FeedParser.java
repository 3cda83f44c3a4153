package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Splits numbered lines into the contract's columns, all still text (an empty field is absent). Adds {@value #MALFORMED}
 * (the line could not be split as the format says) and {@value #EXTRA} (columns the contract does
 * not know: schema drift, kept rather than lost). A header line is not a row.
 *
 * <p>Delimited files are grouped by header, so files whose columns come in another order, or with
 * extra columns, still parse by name. Files must already have been checked for missing required
 * columns ({@link #missingRequired}).
 */
public final class FeedParser {
    public static final String MALFORMED = "_malformed";
    public static final String EXTRA = "_extra";
    /**
     * A properly quoted field (RFC 4180: quotes inside are doubled). Possessive quantifiers: Java's regex
     * engine recurses once per repetition of a greedy group, so {@code (?:[^"]|"")*} overflowed the stack on a
     * quoted field of a few thousand characters, and Spark treats StackOverflowError as fatal to the JVM.
     */
    private static final String QUOTED = "\"(?:[^\"]++|\"\")*+\"";

    private static final String CORRUPT = "_corrupt_record";
    private static final MapType TEXT_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

    private FeedParser() {}

    /**
     * The header's fields (delimited feeds), as a reader of that feed splits its first line, each named as the
     * contract names it where the two differ only in case and separators ({@code Login-Email} is
     * {@code login_email}): a column must not slip past its contract, and with it its personal data, for
     * being spelt differently. An empty name becomes {@code column_<position>}; a repeated unknown name gets
     * {@code _<n>} (a repeated contract column is {@link #repeatedContractColumns}: the file fails).
     */
    public static List<String> headerFields(FeedContract contract, String firstLine) {
        Map<String, String> byCanonical = new HashMap<>();
        contract.columnNames().forEach(c -> byCanonical.put(canonical(c), c));
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int position = 0;
        for (String name : rawHeader(contract, firstLine)) {
            position++;
            String resolved = name.isEmpty() ? "column_" + position : byCanonical.getOrDefault(canonical(name), name);
            String unique = resolved;
            for (int n = 2; !seen.add(unique); n++) {
                unique = resolved + "_" + n;
            }
            out.add(unique);
        }
        return out;
    }

    /** Contract columns that a header names more than once (in any spelling): which one holds the value is unknowable. */
    public static List<String> repeatedContractColumns(FeedContract contract, String firstLine) {
        Map<String, String> byCanonical = new HashMap<>();
        contract.columnNames().forEach(c -> byCanonical.put(canonical(c), c));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String name : rawHeader(contract, firstLine)) {
            String known = byCanonical.get(canonical(name));
            if (known != null) {
                counts.merge(known, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .toList();
    }

    private static List<String> rawHeader(FeedContract contract, String firstLine) {
        List<String> out = new ArrayList<>();
        String line = firstLine.startsWith("\uFEFF") ? firstLine.substring(1) : firstLine;
        for (String f : line.split(Pattern.quote(String.valueOf(contract.delimiter())), -1)) {
            String name = f.trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).trim();
            }
            out.add(name);
        }
        return out;
    }

    /** A column name without case or separators: {@code Login-Email}, {@code LOGIN_EMAIL} and {@code login email} agree. */
    static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }

    /** Required contract columns a file's header lacks; non-empty means the file fails as a whole. */
    public static List<String> missingRequired(FeedContract contract, List<String> header) {
        return contract.requiredColumns().stream()
                .filter(c -> !header.contains(c))
                .toList();
    }

    /** Header columns the contract does not know: reported, and kept in {@value #EXTRA}. */
    public static List<String> extraColumns(FeedContract contract, List<String> header) {
        return header.stream().filter(c -> !contract.columnNames().contains(c)).toList();
    }

    /**
     * Parses the lines of one feed. {@code headers} gives each delimited file's header fields (by
     * {@link FeedLines#FILE}); it is ignored for JSON lines.
     */
    public static Dataset<Row> parse(FeedContract contract, Dataset<Row> lines, Map<String, List<String>> headers) {
        return switch (contract.format()) {
            case JSONL -> json(contract, lines);
            case PARQUET -> parquet(contract, lines);
            case CSV, TSV -> delimited(contract, lines, headers);
            case REGEX -> regex(contract, lines);
        };
    }

    /**
     * Lines of a {@code format: regex} feed: each column is its named group of the contract's pattern (an empty
     * group is absent); a line the pattern does not match as a whole is malformed. Every column is a group or
     * absent (the contract was checked), so nothing is extra.
     *
     * <p>The pattern runs once per line: a matching line is rewritten to a marker and its groups joined by a
     * separator ({@code regexp_replace} with {@code $n} references; Spark has no function that returns every group
     * of one match), which is then split. A line that does not match is left as it was, so it lacks the marker. A
     * line that itself holds the marker or separator character (a control character no log writes, but input is
     * hostile) is read group by group instead, with one evaluation per column, so no line is misread.
     */
    private static Dataset<Row> regex(FeedContract contract, Dataset<Row> lines) {
        String whole = contract.pattern().wholeLine();
        Column text = col(FeedLines.TEXT);
        List<String> columns = contract.columnNames();
        StringBuilder template = new StringBuilder(REGEX_MARK);
        List<Integer> slots = new ArrayList<>();
        for (String c : columns) {
            int group = contract.pattern().group(c);
            if (group > 0) {
                template.append(slots.isEmpty() ? "" : REGEX_SEPARATOR)
                        .append('$')
                        .append(group);
                slots.add(group);
            }
        }
        Column plain = not(text.contains(REGEX_MARK)).and(not(text.contains(REGEX_SEPARATOR)));
        // Each step a projection of its own: Spark does not merge a projection into the next when that would evaluate
        // an expensive expression (the pattern) once per use, and within one expression it would evaluate the
        // rewrite once for the test and again for the split.
        Column rewritten = col("_rewritten");
        Dataset<Row> matched = lines.withColumn("_plain", plain)
                .withColumn(
                        "_rewritten", when(col("_plain"), regexp_replace(text, lit(whole), lit(template.toString()))))
                .withColumn(
                        "_groups",
                        when(
                                rewritten.startsWith(REGEX_MARK),
                                split(substring(rewritten, 2, Integer.MAX_VALUE), REGEX_SEPARATOR, -1)));
        return matched.select(regexColumns(contract, slots).toArray(Column[]::new));
    }

    /**
     * Each contract column from its group: split out of a plain line's rewrite, extracted again from a line that
     * holds the marker; empty groups as nulls; a line the pattern does not match is malformed.
     */
    private static List<Column> regexColumns(FeedContract contract, List<Integer> slots) {
        String whole = contract.pattern().wholeLine();
        Column text = col(FeedLines.TEXT);
        List<Column> out = base();
        for (String c : contract.columnNames()) {
            int group = contract.pattern().group(c);
            if (group == 0) {
                out.add(lit(null).cast(DataTypes.StringType).as(c));
                continue;
            }
            Column value = when(col("_plain"), element_at(col("_groups"), slots.indexOf(group) + 1))
                    .otherwise(regexp_extract(text, whole, group));
            out.add(when(value.notEqual(lit("")), value).as(c));
        }
        out.add(when(col("_plain"), col("_groups").isNull())
                .otherwise(not(text.rlike(whole)))
                .as(MALFORMED));
        out.add(lit(null).cast(TEXT_MAP).as(EXTRA));
        return out;
    }

    /** Marks a line the pattern matched, once rewritten to its groups; {@link #REGEX_SEPARATOR} parts them. */
    private static final String REGEX_MARK = "\u0001";

    private static final String REGEX_SEPARATOR = "\u0002";

    /** Rows of {@link FeedLines#readParquet}: columns by name, the unknown ones as extras; never malformed. */
    private static Dataset<Row> parquet(FeedContract contract, Dataset<Row> rows) {
        StructType record = (StructType) rows.schema().apply(FeedLines.RECORD).dataType();
        List<String> present = List.of(record.fieldNames());
        List<Column> out = base();
        for (String c : contract.columnNames()) {
            out.add(
                    present.contains(c)
                            ? col(FeedLines.RECORD + ".`" + c + "`").as(c)
                            : lit(null).cast(DataTypes.StringType).as(c));
        }
        out.add(lit(false).as(MALFORMED));
        List<Column> extras = new ArrayList<>();
        for (String extra : extraColumns(contract, present)) {
            extras.add(lit(extra));
            extras.add(col(FeedLines.RECORD + ".`" + extra + "`"));
        }
        out.add(
                extras.isEmpty()
                        ? lit(null).cast(TEXT_MAP).as(EXTRA)
                        : PiiText.unknownColumns(
                                        contract.unknownColumns(),
                                        org.apache.spark.sql.functions.map(extras.toArray(Column[]::new)))
                                .as(EXTRA));
        return rows.select(out.toArray(Column[]::new));
    }

    private static Dataset<Row> json(FeedContract contract, Dataset<Row> lines) {
        List<StructField> fields = new ArrayList<>();
        for (String c : contract.columnNames()) {
            fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(CORRUPT, DataTypes.StringType, true));
        Map<String, String> options = Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT);
        Column parsed = from_json(col(FeedLines.TEXT), new StructType(fields.toArray(StructField[]::new)), options);
        Column all = from_json(col(FeedLines.TEXT), TEXT_MAP, Map.of());
        Column known = lit(contract.columnNames().toArray(String[]::new));
        List<Column> out = base();
        for (String c : contract.columnNames()) {
            out.add(parsed.getField(c).as(c));
        }
        Column malformed = parsed.isNull()
                .or(parsed.getField(CORRUPT).isNotNull())
                .or(not(trim(col(FeedLines.TEXT)).startsWith("{")));
        out.add(malformed.as(MALFORMED));
        out.add(PiiText.unknownColumns(
                        contract.unknownColumns(),
                        map_filter(all, (k, v) -> not(org.apache.spark.sql.functions.array_contains(known, k))))
                .as(EXTRA));
        return lines.select(out.toArray(Column[]::new));
    }

    private static Dataset<Row> delimited(
            FeedContract contract, Dataset<Row> lines, Map<String, List<String>> headers) {
        Map<List<String>, List<String>> filesByHeader = new LinkedHashMap<>();
        headers.forEach((file, header) ->
                filesByHeader.computeIfAbsent(header, h -> new ArrayList<>()).add(file));
        if (!contract.header()) {
            // Without a header line, fields come in the contract's column order, in every file.
            filesByHeader.clear();
            filesByHeader.put(contract.columnNames(), null);
        }
        Map<String, String> options = new HashMap<>();
        options.put("sep", String.valueOf(contract.delimiter()));
        options.put("mode", "PERMISSIVE");
        // RFC 4180: a quote inside a quoted field is doubled (Spark defaults to backslash escapes).
        options.put("escape", "\"");
        Dataset<Row> body = contract.header() ? lines.where(col(FeedLines.LINE).gt(1)) : lines;
        Dataset<Row> result = null;
        for (Map.Entry<List<String>, List<String>> group : filesByHeader.entrySet()) {
            Dataset<Row> files = group.getValue() == null
                    ? body
                    : body.where(col(FeedLines.FILE).isin(group.getValue().toArray()));
            Dataset<Row> part =
                    files.select(withHeader(contract, group.getKey(), options).toArray(Column[]::new));
            result = result == null ? part : result.unionByName(part);
        }
        if (result == null) {
            throw new IllegalArgumentException(contract.id() + ": no file header given for a delimited feed");
        }
        return result;
    }

    /** The columns of lines of files sharing one header: by name, the unknown ones as extras. */
    private static List<Column> withHeader(FeedContract contract, List<String> header, Map<String, String> options) {
        List<StructField> fields = new ArrayList<>();
        for (String h : header) {
            fields.add(DataTypes.createStructField(h, DataTypes.StringType, true));
        }
        Column parsed =
                from_csv(col(FeedLines.TEXT), lit(new StructType(fields.toArray(StructField[]::new)).toDDL()), options);
        List<Column> out = base();
        for (String c : contract.columnNames()) {
            out.add(
                    header.contains(c)
                            ? parsed.getField(c).as(c)
                            : lit(null).cast(DataTypes.StringType).as(c));
        }
        out.add(wrongShape(col(FeedLines.TEXT), contract.delimiter(), header.size())
                .as(MALFORMED));
        List<Column> extras = new ArrayList<>();
        for (String extra : extraColumns(contract, header)) {
            extras.add(lit(extra));
            extras.add(parsed.getField(extra));
        }
        out.add(
                extras.isEmpty()
                        ? lit(null).cast(TEXT_MAP).as(EXTRA)
                        : PiiText.unknownColumns(contract.unknownColumns(), map(extras.toArray(Column[]::new)))
                                .as(EXTRA));
        return out;
    }

    /**
     * A line whose field count differs from the header's, or with a quote outside a properly quoted
     * field (an unclosed quote, a line cut short): the CSV reader would silently pad or drop fields.
     */
    static Column wrongShape(Column line, char delimiter, int fields) {
        Column unquoted = regexp_replace(line, QUOTED, "");
        Column count = size(split(unquoted, Pattern.quote(String.valueOf(delimiter)), -1));
        return count.notEqual(lit(fields)).or(unquoted.contains("\""));
    }

    private static List<Column> base() {
        List<Column> out = new ArrayList<>();
        out.add(col(FeedLines.FILE));
        out.add(col(FeedLines.LINE));
        out.add(col(FeedLines.TEXT));
        out.add(col(FeedLines.LINE_PROBLEM));
        return out;
    }
}
