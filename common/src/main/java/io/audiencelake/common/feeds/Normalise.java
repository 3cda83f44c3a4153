package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Normal forms of identifiers, as Spark columns. A value that is present but invalid normalises
 * to null, which is how the cleaner tells "invalid" from "absent". Spark's own functions wherever
 * they suffice; libphonenumber and the IP parser are UDFs because Spark has no equivalent.
 */
public final class Normalise {
    /**
     * Possessive throughout (no backtracking, no recursion per label: an address with thousands of labels
     * overflowed the stack); the top-level domain is checked apart, and the length first.
     */
    private static final String EMAIL = "^[a-z0-9._%+'-]++@[a-z0-9-]++(?:\\.[a-z0-9-]++)*+$";

    private static final String TOP_LEVEL_DOMAIN = "\\.[a-z]{2,}+$";
    /** RFC 5321: a path holds at most 256 octets, so an address at most 254 characters. */
    private static final int EMAIL_MAX = 254;

    private static final String UUID = "^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$";
    private static final String SHA256_HEX = "^[0-9a-f]{64}$";
    private static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";
    private static final UserDefinedFunction PHONE =
            org.apache.spark.sql.functions.udf((UDF2<String, String, String>) Phones::e164, DataTypes.StringType);
    private static final UserDefinedFunction IP_PREFIX =
            org.apache.spark.sql.functions.udf((UDF1<String, String>) IpAddresses::prefix, DataTypes.StringType);

    private Normalise() {}

    /** Empty or blank text is absent. */
    public static Column blankToNull(Column text) {
        return when(trim(text).equalTo(lit("")), lit(null).cast(DataTypes.StringType))
                .otherwise(text);
    }

    public static Column email(Column raw) {
        Column e = lower(trim(raw));
        // CASE tests its branches in order: no regex ever sees an over-long value.
        return when(
                        org.apache.spark.sql.functions.length(e).gt(EMAIL_MAX),
                        lit(null).cast(DataTypes.StringType))
                .when(e.rlike(EMAIL).and(e.rlike(TOP_LEVEL_DOMAIN)), e);
    }

    public static Column phone(Column raw, Column country) {
        return PHONE.apply(trim(raw), country);
    }

    /** Mobile ad ids (IDFA, GAID) upper-case; the all-zero id of a user who limits ad tracking is invalid. */
    public static Column maid(Column raw) {
        Column m = upper(trim(raw));
        return when(m.rlike(UUID).and(m.notEqual(lit(ZERO_UUID))), m);
    }

    /** Cookies, customer ids and partner ids are opaque: kept as given, trimmed. */
    public static Column opaque(Column raw) {
        Column t = trim(raw);
        return when(t.notEqual(lit("")), t);
    }

    public static Column of(IdType type, Column raw, Column country) {
        return switch (type) {
            case EMAIL -> email(raw);
            case PHONE -> phone(raw, country);
            case MAID -> maid(raw);
            case COOKIE, CUSTOMER_ID, PARTNER_ID -> opaque(raw);
        };
    }

    /** SHA-256 in lower-case hex, the form ad platforms match hashed emails and phones on. */
    public static Column hash(Column normalised) {
        return sha2(normalised, 256);
    }

    /**
     * An email or phone a feed sends already hashed as we store them: 64 hex digits, lower-cased; anything else
     * (a clear address, another hash) is null, i.e. invalid, so it is quarantined and never stored as if hashed.
     */
    public static Column digest(Column raw) {
        Column d = lower(trim(raw));
        return when(d.rlike(SHA256_HEX), d);
    }

    /** What is stored for an identifier: the hash for personal data, the normal form otherwise. */
    public static Column stored(IdType type, Column normalised) {
        return type.hashed() ? hash(normalised) : normalised;
    }

    public static Column ipPrefix(Column raw) {
        return IP_PREFIX.apply(raw);
    }

    static Column column(String name) {
        return col("`" + name + "`");
    }
}
