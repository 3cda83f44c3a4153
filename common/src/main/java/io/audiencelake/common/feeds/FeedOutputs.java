package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;

/**
 * From cleaned rows to what ingest writes: each row classified as kept, duplicate or quarantined
 * ({@link #classify}), then the rows of {@code raw_events}, {@code raw_identifiers},
 * {@code raw_attributes} and {@code quarantine}. Pure transformations: no I/O.
 */
public final class FeedOutputs {
    public static final String STATUS = "_status";
    public static final String KEPT = "kept";
    public static final String DUPLICATE = "duplicate";
    public static final String QUARANTINED = "quarantined";
    public static final String SUPPRESSED = "suppressed";
    private static final MapType TEXT_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

    private FeedOutputs() {}

    /**
     * Adds {@value #STATUS}: quarantined when the row has a problem; otherwise duplicate for all but
     * one row of each dedupe key: the first by file and line, or with {@code keep: latest} the one with the
     * latest contract timestamp (the last by file and line among equals), so an opt-out recorded after a
     * grant is the one kept. The window shuffles by key; rows with problems get a key of their own so they
     * never pile up in one partition.
     */
    public static Dataset<Row> classify(FeedContract contract, Dataset<Row> cleaned) {
        Column good = size(col(FeedCleaner.PROBLEMS)).equalTo(0);
        List<Column> key = new ArrayList<>();
        key.add(good);
        List<String> dedupe = contract.dedupeKey().isEmpty() ? List.of(FeedLines.TEXT) : contract.dedupeKey();
        for (String k : dedupe) {
            key.add(when(good, Normalise.column(k).cast(DataTypes.StringType))
                    .otherwise(concat_ws(":", col(FeedLines.FILE), col(FeedLines.LINE))));
        }
        Column[] order = contract.keep() == DuplicateKeep.LATEST
                ? new Column[] {
                    col(FeedCleaner.OBSERVED_AT).desc_nulls_last(),
                    col(FeedLines.FILE).desc(),
                    col(FeedLines.LINE).desc()
                }
                : new Column[] {col(FeedLines.FILE), col(FeedLines.LINE)};
        Column rank =
                row_number().over(Window.partitionBy(key.toArray(Column[]::new)).orderBy(order));
        return cleaned.withColumn(
                STATUS,
                when(good.equalTo(false), lit(QUARANTINED))
                        .when(rank.gt(1), lit(DUPLICATE))
                        .otherwise(lit(KEPT)));
    }

    /**
     * Sets {@value #STATUS} to {@value #SUPPRESSED} for every row that carries one of the {@code suppressed}
     * identifiers (id_type, id_value, as stored), whatever it was: an erased person's rows never reach a table
     * again, not even the quarantine. One exploded pass over the rows' identifiers, joined with the list.
     */
    public static Dataset<Row> suppress(FeedContract contract, Dataset<Row> classified, Dataset<Row> suppressed) {
        Column[] ids = identifierStructs(contract);
        Dataset<Row> list = suppressed.toDF("_t", "_v");
        Dataset<Row> hits = classified
                .select(
                        col(FeedLines.FILE),
                        col(FeedLines.LINE),
                        explode(array(ids)).as("_id"))
                .where(col("_id.v").isNotNull())
                .join(list, col("_id.t").equalTo(col("_t")).and(col("_id.v").equalTo(col("_v"))), "left_semi")
                .select(col(FeedLines.FILE), col(FeedLines.LINE))
                .distinct()
                .withColumn("_suppressed", lit(true));
        return classified
                .join(hits, new String[] {FeedLines.FILE, FeedLines.LINE}, "left")
                .withColumn(STATUS, when(col("_suppressed"), lit(SUPPRESSED)).otherwise(col(STATUS)))
                .drop("_suppressed");
    }

    /** The row's dedupe key as one value (128 bits of SHA-256 of its parts); null for a contract without one. */
    public static Column dedupeKey(FeedContract contract) {
        if (contract.dedupeKey().isEmpty()) {
            return lit(null).cast(DataTypes.StringType);
        }
        List<Column> parts = new ArrayList<>();
        for (String k : contract.dedupeKey()) {
            parts.add(Normalise.column(k).cast(DataTypes.StringType));
        }
        return substring(sha2(concat_ws("\u0001", parts.toArray(Column[]::new)), 256), 1, 32);
    }

    /**
     * Kept rows whose dedupe key an earlier delivery already holds ({@code earlierKeys}: one column of
     * {@link #dedupeKey}s from {@code raw_events} of the window's landing dates, other files than these) become
     * duplicates: the same event delivered again on a later day, or in a renamed file, is counted once.
     */
    public static Dataset<Row> seenBefore(FeedContract contract, Dataset<Row> classified, Dataset<Row> earlierKeys) {
        Dataset<Row> seen = earlierKeys.toDF("_seen_key").distinct().withColumn("_seen", lit(true));
        return classified
                .withColumn("_key", dedupeKey(contract))
                .join(seen, col("_key").equalTo(col("_seen_key")), "left")
                .withColumn(
                        STATUS,
                        when(col(STATUS).equalTo(KEPT).and(col("_seen").isNotNull()), lit(DUPLICATE))
                                .otherwise(col(STATUS)))
                .drop("_key", "_seen_key", "_seen");
    }

    /** A stable id for a source row: its file and line. */
    public static Column recordId() {
        return substring(sha2(concat_ws(":", col(FeedLines.FILE), col(FeedLines.LINE)), 256), 1, 32);
    }

    private static List<Column> lineage(FeedContract contract, LocalDate dt) {
        return List.of(
                col(FeedLines.FILE).as(RawTables.SOURCE_FILE),
                col(FeedLines.LINE).as(RawTables.LINE_NUMBER),
                lit(contract.id()).as(RawTables.FEED),
                lit(Date.valueOf(dt)).as(RawTables.DT));
    }

    private static Column party(FeedContract contract) {
        return lit(contract.party().name().toLowerCase(Locale.ROOT)).as(RawTables.PARTY);
    }

    private static Dataset<Row> kept(Dataset<Row> classified) {
        return classified.where(col(STATUS).equalTo(KEPT));
    }

    /**
     * Rows for {@code raw_events}. {@code userAgents} is {@link UserAgentParser#parse} of the kept
     * rows' distinct user agents; it is small (user agents repeat) and broadcast.
     */
    public static Dataset<Row> events(
            FeedContract contract, Dataset<Row> classified, Dataset<Row> userAgents, LocalDate dt) {
        EventFields e = contract.event();
        Dataset<Row> rows = kept(classified);
        if (e.userAgent() != null) {
            Dataset<Row> ua = userAgents.withColumnRenamed(UserAgentParser.USER_AGENT, "_ua");
            rows = rows.join(broadcast(ua), rows.col(e.userAgent()).equalTo(ua.col("_ua")), "left");
        }
        Column[] device = device(contract);
        Column deviceType = device[0];
        Column deviceId = device[1];
        Column attributes = eventAttributes(contract);
        List<Column> out = new ArrayList<>(List.of(
                recordId().as(RawTables.RECORD_ID),
                party(contract),
                col(FeedCleaner.OBSERVED_AT).as(RawEvents.EVENT_TIME),
                Normalise.column(e.type()).as(RawEvents.EVENT_TYPE),
                deviceType.as(RawEvents.DEVICE_ID_TYPE),
                deviceId.as(RawEvents.DEVICE_ID),
                optional(e.userAgent() != null, UserAgentParser.DEVICE_TYPE, DataTypes.StringType)
                        .as(RawEvents.DEVICE_TYPE),
                optional(e.userAgent() != null, UserAgentParser.OS, DataTypes.StringType)
                        .as(RawEvents.OS),
                optional(e.userAgent() != null, UserAgentParser.BROWSER, DataTypes.StringType)
                        .as(RawEvents.BROWSER),
                optional(e.userAgent() != null, UserAgentParser.IS_ROBOT, DataTypes.BooleanType)
                        .as(RawEvents.IS_ROBOT),
                optional(e.ip() != null, FeedCleaner.IP_PREFIX, DataTypes.StringType)
                        .as(RawEvents.IP_PREFIX),
                optional(e.ip() != null, FeedCleaner.IP_HASH, DataTypes.StringType)
                        .as(RawEvents.IP_HASH),
                (e.revenue() == null ? lit(null).cast(DataTypes.DoubleType) : Normalise.column(e.revenue()))
                        .as(RawEvents.REVENUE),
                (e.currency() == null ? lit(null).cast(DataTypes.StringType) : Normalise.column(e.currency()))
                        .as(RawEvents.CURRENCY),
                attributes.as(RawEvents.ATTRIBUTES)));
        out.addAll(lineage(contract, dt));
        out.add(dedupeKey(contract).as(RawEvents.DEDUPE_KEY));
        return rows.select(out.toArray(Column[]::new));
    }

    /** The event's device: (type, id) of the first of the feed's cookie and ad-id columns that has a value. */
    private static Column[] device(FeedContract contract) {
        List<IdentifierColumn> devices = contract.identifiers().stream()
                .filter(i -> i.type() == IdType.COOKIE || i.type() == IdType.MAID)
                .toList();
        Column deviceId = lit(null).cast(DataTypes.StringType);
        Column deviceType = lit(null).cast(DataTypes.StringType);
        for (int i = devices.size() - 1; i >= 0; i--) {
            Column id = col(FeedCleaner.ID_PREFIX + devices.get(i).column());
            deviceId = when(id.isNotNull(), id).otherwise(deviceId);
            deviceType = when(id.isNotNull(), lit(devices.get(i).type().key())).otherwise(deviceType);
        }
        return new Column[] {deviceType, deviceId};
    }

    /**
     * The event's other columns as text (not the event fields, personal data or identifiers), with the columns the
     * contract does not name; empty values left out.
     */
    private static Column eventAttributes(FeedContract contract) {
        EventFields e = contract.event();
        Set<String> special = new HashSet<>();
        special.add(contract.timestamp());
        for (String s : new String[] {e.type(), e.userAgent(), e.ip(), e.revenue(), e.currency()}) {
            special.add(s);
        }
        List<Column> pairs = new ArrayList<>();
        for (FeedColumn c : contract.columns()) {
            if (!special.contains(c.name()) && !c.pii() && !contract.isIdentifier(c.name())) {
                pairs.add(lit(c.name()));
                pairs.add(text(c));
            }
        }
        Column declared = pairs.isEmpty() ? map().cast(TEXT_MAP) : map(pairs.toArray(Column[]::new));
        return map_filter(
                map_concat(declared, coalesce(col(FeedParser.EXTRA), map().cast(TEXT_MAP))), (k, v) -> v.isNotNull());
    }

    private static Column optional(boolean present, String column, DataType type) {
        return present ? col(column) : lit(null).cast(type);
    }

    /** Each identifier column of a cleaned row as a struct of its type ({@code t}) and stored value ({@code v}). */
    private static Column[] identifierStructs(FeedContract contract) {
        return contract.identifiers().stream()
                .map(id -> struct(
                        col(FeedCleaner.ID_TYPE_PREFIX + id.column()).as("t"),
                        col(FeedCleaner.ID_PREFIX + id.column()).as("v")))
                .toArray(Column[]::new);
    }

    /** Rows for {@code raw_identifiers}: every identifier of every kept row, in one pass. */
    public static Dataset<Row> identifiers(FeedContract contract, Dataset<Row> classified, LocalDate dt) {
        Column[] ids = identifierStructs(contract);
        List<Column> out = new ArrayList<>(List.of(
                col(RawTables.RECORD_ID),
                col(RawTables.PARTY),
                col("_id.t").as(RawIdentifiers.ID_TYPE),
                col("_id.v").as(RawIdentifiers.ID_VALUE),
                col("_id.t").isin("email", "phone").as(RawIdentifiers.HASHED),
                col(FeedCleaner.OBSERVED_AT).as(RawIdentifiers.OBSERVED_AT)));
        out.addAll(List.of(
                col(RawTables.SOURCE_FILE), col(RawTables.LINE_NUMBER), col(RawTables.FEED), col(RawTables.DT)));
        List<Column> exploded = new ArrayList<>(List.of(
                recordId().as(RawTables.RECORD_ID),
                party(contract),
                col(FeedCleaner.OBSERVED_AT),
                explode(array(ids)).as("_id")));
        exploded.addAll(lineage(contract, dt));
        return kept(classified)
                .select(exploded.toArray(Column[]::new))
                .where(col("_id.v").isNotNull())
                .select(out.toArray(Column[]::new));
    }

    /**
     * Rows for {@code raw_attributes} of an events feed whose event types change consent ({@code event.consent}): each
     * such kept event is a consent record {@code consent.<purpose> = <status>} of every identifier on its row, at
     * the event's time, so export's latest-record-wins reading sees a destination's unsubscribe like a preference
     * centre's opt-out. Null when the feed declares none.
     */
    public static Dataset<Row> consentRecords(FeedContract contract, Dataset<Row> classified, LocalDate dt) {
        EventFields e = contract.event();
        if (e == null || e.consent().isEmpty()) {
            return null;
        }
        Column type = lower(trim(Normalise.column(e.type())));
        Column name = null;
        Column value = null;
        for (var change : e.consent().entrySet()) {
            Column is = type.equalTo(lit(change.getKey()));
            name = name == null
                    ? when(is, lit("consent." + change.getValue().purpose()))
                    : name.when(is, lit("consent." + change.getValue().purpose()));
            value = value == null
                    ? when(is, lit(change.getValue().status()))
                    : value.when(is, lit(change.getValue().status()));
        }
        Column[] ids = identifierStructs(contract);
        List<Column> exploded = new ArrayList<>(List.of(
                recordId().as(RawTables.RECORD_ID),
                party(contract),
                name.as(RawAttributes.NAME),
                value.as(RawAttributes.VALUE),
                col(FeedCleaner.OBSERVED_AT).as(RawAttributes.OBSERVED_AT),
                explode(array(ids)).as("_id")));
        exploded.addAll(lineage(contract, dt));
        return kept(classified)
                .where(name.isNotNull())
                .select(exploded.toArray(Column[]::new))
                .where(col("_id.v").isNotNull())
                .withColumn(RawAttributes.SUBJECT_TYPE, col("_id.t"))
                .withColumn(RawAttributes.SUBJECT_ID, col("_id.v"))
                .select(attributeColumns());
    }

    /** raw_attributes' columns in the table's order. */
    private static Column[] attributeColumns() {
        return Arrays.stream(RawAttributes.SPEC.schema().fieldNames())
                .map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new);
    }

    /**
     * Rows for {@code raw_attributes}: named columns, or name/value pairs, of each kept row's subject;
     * a named column marked {@code similarity} also gets its q-gram encoding under {@code <name>.qgrams}.
     */
    public static Dataset<Row> attributes(
            FeedContract contract, Dataset<Row> classified, LocalDate dt, String linkageKey) {
        AttributeFields a = contract.attributes();
        List<Column> values = attributeValues(contract, linkageKey);
        // Columns the contract does not know (schema drift) are attributes too, under their own names.
        Column extras = transform(
                map_entries(coalesce(col(FeedParser.EXTRA), map().cast(TEXT_MAP))),
                e -> struct(e.getField("key").as("n"), e.getField("value").as("v")));
        List<Column> exploded = new ArrayList<>(List.of(
                recordId().as(RawTables.RECORD_ID),
                party(contract),
                col(FeedCleaner.ID_TYPE_PREFIX + a.subject()).as(RawAttributes.SUBJECT_TYPE),
                col(FeedCleaner.ID_PREFIX + a.subject()).as(RawAttributes.SUBJECT_ID),
                explode(concat(array(values.toArray(Column[]::new)), extras)).as("_attr"),
                col(FeedCleaner.OBSERVED_AT).as(RawAttributes.OBSERVED_AT)));
        exploded.addAll(lineage(contract, dt));
        return kept(classified)
                .select(exploded.toArray(Column[]::new))
                .where(col("_attr.v")
                        .isNotNull()
                        .and(col(RawAttributes.SUBJECT_ID).isNotNull()))
                .withColumn(RawAttributes.NAME, col("_attr.n"))
                .withColumn(RawAttributes.VALUE, col("_attr.v"))
                .select(attributeColumns());
    }

    /**
     * A record's declared attributes as (name, value) structs: from the name and value columns of a long feed, or
     * one per attribute column of a wide feed (with its keyed q-gram encoding when the column asks for one).
     */
    private static List<Column> attributeValues(FeedContract contract, String linkageKey) {
        AttributeFields a = contract.attributes();
        List<Column> values = new ArrayList<>();
        if (a.longFormat()) {
            FeedColumn value = contract.column(a.valueColumn()).orElseThrow();
            values.add(struct(
                    concat(lit(a.namePrefix()), lower(trim(Normalise.column(a.nameColumn()))))
                            .as("n"),
                    text(value).as("v")));
            return values;
        }
        for (String name : a.columns()) {
            FeedColumn c = contract.column(name).orElseThrow();
            values.add(struct(lit(a.namePrefix() + name).as("n"), text(c).as("v")));
            if (c.similarity()) {
                values.add(struct(
                        lit(a.namePrefix() + name + FeedColumn.QGRAMS_SUFFIX).as("n"),
                        QGramEncoding.encode(Normalise.column(name), linkageKey).as("v")));
            }
            c.prepared()
                    .forEach((suffix, steps) -> values.add(struct(
                            lit(a.namePrefix() + name + "." + suffix).as("n"),
                            prepared(c, steps, linkageKey).as("v"))));
        }
        return values;
    }

    /**
     * A column's prepared value as text: words of a list joined by a space; for personal data each value (each
     * word) as its keyed hash ({@link KeyedTokens}), so equal words stay equal and nothing clear is kept.
     */
    private static Column prepared(FeedColumn c, List<FieldPreparation.Step> steps, String linkageKey) {
        // Clear text is prepared from what the lake may hold of it (an email in a URL's query string stripped).
        Column v = FieldPreparation.prepare(c.pii() ? Normalise.column(c.name()) : text(c), steps);
        boolean list = FieldPreparation.makesList(steps);
        if (c.pii()) {
            v = list ? transform(v, w -> KeyedTokens.encode(w, linkageKey)) : KeyedTokens.encode(v, linkageKey);
        }
        return list ? array_join(array_sort(v), " ") : v;
    }

    /** A typed column as text: ISO dates and times, and personal data as SHA-256 of its trimmed lower case. */
    static Column text(FeedColumn c) {
        Column v = Normalise.column(c.name());
        if (c.pii()) {
            return Normalise.hash(lower(trim(v)));
        }
        return switch (c.type()) {
            case DATE -> date_format(v, "yyyy-MM-dd");
            case TIMESTAMP -> date_format(v, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
            // A page URL or referrer may carry ?email=... from a sign-up form.
            case STRING -> PiiText.stripUrl(v);
            case INT, LONG, DOUBLE, BOOLEAN -> v.cast(DataTypes.StringType);
        };
    }

    /** Rows for {@code quarantine}, with personal data masked in the raw text. */
    public static Dataset<Row> quarantine(FeedContract contract, Dataset<Row> classified, LocalDate dt) {
        List<Column> out = new ArrayList<>(List.of(
                party(contract),
                masked(contract).as(Quarantine.RAW),
                element_at(col(FeedCleaner.PROBLEMS), 1).as(Quarantine.REASON),
                col(FeedCleaner.PROBLEMS).as(Quarantine.PROBLEMS)));
        out.addAll(lineage(contract, dt));
        return classified.where(col(STATUS).equalTo(QUARANTINED)).select(out.toArray(Column[]::new));
    }

    /**
     * The raw line with emails, phone numbers and IP addresses masked ({@link PiiText#mask}), and the values of the contract's
     * personal-data columns, where the line parsed, replaced: a quarantine must not leak what the
     * lake never stores in clear.
     */
    static Column masked(FeedContract contract) {
        Column text = col(FeedLines.TEXT);
        for (FeedColumn c : contract.columns()) {
            if (c.pii()) {
                Column value = Normalise.column(c.name());
                text = when(
                                value.isNotNull().and(trim(value).notEqual(lit(""))),
                                org.apache.spark.sql.functions.replace(text, value, lit("[pii]")))
                        .otherwise(text);
            }
        }
        return PiiText.mask(text, contract.defaultCountry());
    }
}
