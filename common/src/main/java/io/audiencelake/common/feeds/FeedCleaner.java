package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns parsed text into typed, normalised values and names every problem a row has, so that the
 * job can set bad rows aside with a specific reason instead of failing or guessing.
 *
 * <p>Adds: each contract column typed; {@value #ID_PREFIX}{@code <column>} with the stored form of
 * each identifier (SHA-256 for email and phone, the normal form for the others) and
 * {@value #ID_TYPE_PREFIX}{@code <column>} with its type; {@value #OBSERVED_AT}; for event feeds
 * {@value #IP_PREFIX} and {@value #IP_HASH}; and {@value #PROBLEMS}, an array of reasons
 * such as {@code invalid_email:email}, empty for a good row. No shuffle; one projection.
 */
public final class FeedCleaner {
    public static final String ID_PREFIX = "_id_";
    public static final String ID_TYPE_PREFIX = "_idtype_";
    public static final String OBSERVED_AT = "_observed_at";
    public static final String IP_PREFIX = "_ip_prefix";
    public static final String IP_HASH = "_ip_hash";
    public static final String PROBLEMS = "_problems";
    public static final String MALFORMED_REASON = "malformed";
    /** The largest revenue of one event: a trillion, far above any order, far below decimal(38, 6) when summed. */
    public static final double MAX_REVENUE = 1e12;

    private FeedCleaner() {}

    public static Dataset<Row> clean(FeedContract contract, Dataset<Row> parsed, LocalDate landingDate) {
        List<Column> problems = new ArrayList<>();
        problems.add(col(FeedLines.LINE_PROBLEM));
        problems.add(when(col(FeedParser.MALFORMED), lit(MALFORMED_REASON)));
        List<Column> out = new ArrayList<>();
        out.add(col(FeedLines.FILE));
        out.add(col(FeedLines.LINE));
        out.add(col(FeedLines.TEXT));
        out.add(col(FeedParser.EXTRA));
        for (FeedColumn c : contract.columns()) {
            out.add(typedColumn(contract, c, problems).as(c.name()));
        }
        Column country = contract.countryColumn() == null
                ? lit(contract.defaultCountry())
                : coalesce(upper(trim(Normalise.column(contract.countryColumn()))), lit(contract.defaultCountry()));
        for (IdentifierColumn id : contract.identifiers()) {
            Column[] typeAndValue = identifier(id, country, problems);
            out.add(typeAndValue[0].as(ID_TYPE_PREFIX + id.column()));
            out.add(typeAndValue[1].as(ID_PREFIX + id.column()));
        }
        Column observed = contract.timestamp() == null
                ? lit(null)
                : typed(
                                contract.column(contract.timestamp()).orElseThrow(),
                                Normalise.blankToNull(Normalise.column(contract.timestamp())))
                        .cast(DataTypes.TimestampType);
        out.add(coalesce(observed, lit(Timestamp.valueOf(landingDate.atStartOfDay())))
                .as(OBSERVED_AT));

        if (contract.event() != null && contract.event().ip() != null) {
            Column ip = Normalise.blankToNull(Normalise.column(contract.event().ip()));
            Column prefix = Normalise.ipPrefix(ip);
            problems.add(when(
                    ip.isNotNull().and(prefix.isNull()),
                    lit("invalid_ip:" + contract.event().ip())));
            out.add(prefix.as(IP_PREFIX));
            out.add(sha2(trim(ip), 256).as(IP_HASH));
        }
        out.add(filter(array(problems.toArray(Column[]::new)), Column::isNotNull)
                .as(PROBLEMS));
        return parsed.select(out.toArray(Column[]::new));
    }

    /** A contract column typed, with the problems of a missing required value or one of the wrong type. */
    private static Column typedColumn(FeedContract contract, FeedColumn c, List<Column> problems) {
        Column raw = Normalise.blankToNull(Normalise.column(c.name()));
        Column typed = typed(c, raw);
        if (contract.event() != null && c.name().equals(contract.event().revenue())) {
            // Profiles sum revenue exactly as decimal(38, 6): a value that could overflow it is not money.
            typed = when(abs(typed).leq(lit(MAX_REVENUE)), typed);
        }
        if (c.required()) {
            problems.add(when(raw.isNull(), lit("missing_required:" + c.name())));
        }
        if (c.type() != ColumnType.STRING) {
            String kind = c.type() == ColumnType.TIMESTAMP
                    ? "bad_timestamp"
                    : c.type() == ColumnType.DATE ? "bad_date" : "bad_type";
            problems.add(when(raw.isNotNull().and(typed.isNull()), lit(kind + ":" + c.name())));
        }
        return typed;
    }

    /**
     * An identifier column's type and stored (normalised, hashed where personal) value: of its fixed type, or of
     * the type its type column names per row; an invalid value or an unknown type is a problem.
     */
    private static Column[] identifier(IdentifierColumn id, Column country, List<Column> problems) {
        Column raw = Normalise.blankToNull(Normalise.column(id.column()));
        if (id.type() != null) {
            Column stored = stored(id, id.type(), raw, country);
            problems.add(when(
                    raw.isNotNull().and(stored.isNull()),
                    lit("invalid_" + id.type().key() + ":" + id.column())));
            return new Column[] {lit(id.type().key()), stored};
        }
        Column declared = lower(trim(Normalise.column(id.typeColumn())));
        Column type = null;
        Column stored = null;
        for (IdType t : IdType.values()) {
            Column value = stored(id, t, raw, country);
            type = (type == null
                    ? when(declared.equalTo(t.key()), lit(t.key()))
                    : type.when(declared.equalTo(t.key()), lit(t.key())));
            stored = (stored == null
                    ? when(declared.equalTo(t.key()), value)
                    : stored.when(declared.equalTo(t.key()), value));
            problems.add(when(
                    declared.equalTo(t.key()).and(raw.isNotNull()).and(value.isNull()),
                    lit("invalid_" + t.key() + ":" + id.column())));
        }
        problems.add(when(declared.isNotNull().and(type.isNull()), lit("unknown_id_type:" + id.typeColumn())));
        return new Column[] {type, stored};
    }

    /** What is stored of {@code raw} as a {@code type}: the digest a hashed column sends, or the normalised value's. */
    private static Column stored(IdentifierColumn id, IdType type, Column raw, Column country) {
        return id.hashed() && type.hashed()
                ? Normalise.digest(raw)
                : Normalise.stored(type, Normalise.of(type, raw, country));
    }

    /** A column's text as its contract type; null where it does not parse (ANSI-safe: never throws). */
    static Column typed(FeedColumn c, Column raw) {
        Column text = trim(raw);
        return switch (c.type()) {
            case STRING -> text;
            case INT, LONG -> text.try_cast(c.type().sparkType());
            // NaN and infinities parse as doubles but are no measurement; they poison every sum they reach.
            case DOUBLE -> {
                Column d = text.try_cast(DataTypes.DoubleType);
                yield when(
                                org.apache
                                        .spark
                                        .sql
                                        .functions
                                        .isnan(d)
                                        .or(org.apache
                                                .spark
                                                .sql
                                                .functions
                                                .abs(d)
                                                .equalTo(lit(Double.POSITIVE_INFINITY))),
                                lit(null).cast(DataTypes.DoubleType))
                        .otherwise(d);
            }
            case BOOLEAN ->
                when(lower(text).isin("true", "yes", "1", "y"), lit(true))
                        .when(lower(text).isin("false", "no", "0", "n"), lit(false));
            case DATE ->
                c.format().equals(FeedColumn.ISO8601)
                        ? text.try_cast(DataTypes.DateType)
                        : try_to_timestamp(text, lit(c.format())).cast(DataTypes.DateType);
            case TIMESTAMP -> {
                // The session zone is UTC: ISO text with an offset lands at the right instant; text without
                // one is read in the contract's zone.
                Column ts = c.format().equals(FeedColumn.ISO8601)
                        ? text.try_cast(DataTypes.TimestampType)
                        : try_to_timestamp(text, lit(c.format()));
                yield c.zone().equals("UTC") ? ts : to_utc_timestamp(ts, c.zone());
            }
        };
    }
}
