package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.locate;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Personal data in text whose shape no contract describes: values of unknown columns, URLs, quarantined
 * lines. The tests are deliberately coarse (an {@code @} followed by a dot is an email) because a false
 * alarm costs a hashed value and a miss costs a clear email in a shared table. Every pattern here runs in
 * time linear in the text: each starts only at a boundary its lookbehind checks, and repetitions are
 * possessive (Java's engine recurses per repetition of a backtracking group, and a stack overflow kills
 * Spark's JVM).
 */
public final class PiiText {
    /** An email: its local part begins at a boundary, so a long run of letters is scanned once, not once per letter. */
    static final String EMAIL =
            "(?<![\\p{L}\\p{N}._%+'-])[\\p{L}\\p{N}._%+'-]++@[\\p{L}\\p{N}-]++(?:\\.[\\p{L}\\p{N}-]++)*+";
    /** A phone-like run: a prefix (+, 00 or 0) and at least eight digits with the usual separators (bounded: linear). */
    static final String PHONE = "(?<![\\w+-])(?:\\+|00|0)[1-9][0-9 ().-]{6,40}(?<=[0-9])";

    static final String IPV4 = "(?<![0-9.])(?:[0-9]{1,3}\\.){3}[0-9]{1,3}(?![0-9])";
    /** IPv6 with a {@code ::} or at least five groups, so clock times (10:00:00) are not taken for addresses. */
    static final String IPV6 =
            "(?<![0-9A-Fa-f:])(?:(?=[0-9A-Fa-f:]{0,38}::)[0-9A-Fa-f:]{2,39}+|(?:[0-9A-Fa-f]{1,4}:){4,7}[0-9A-Fa-f]{1,4})"
                    + "(?![0-9A-Fa-f:])";
    /** Query parameters whose name says what they hold. */
    private static final String NAMED_PARAMETER =
            "(?i)([?&;](?:e-?mail|email_?address|login|user(?:name)?|phone|tel|mobile|msisdn|first_?name|last_?name|"
                    + "full_?name|name|surname|address|street|postcode|zip|dob|birth_?date)=)[^&#]*+";
    /** Query parameter values that look like an email ({@code @} or {@code %40}) or a phone number. */
    private static final String VALUE_PARAMETER =
            "([?&;][^=&#]*+=)(?:(?:[^&#@%]++|%(?!40))*+(?:@|%40)[^&#]*+|(?:%2[Bb]|\\+)?[0-9 .()-]{7,20}+(?=[&#]|$))";

    private static final UserDefinedFunction PHONE_MATCHER =
            org.apache.spark.sql.functions.udf((UDF2<String, String, String>) Phones::mask, DataTypes.StringType);

    private PiiText() {}

    /**
     * Whether a value looks like an email (an {@code @} with a dot after it) or a phone number (7 to 15
     * digits and nothing but phone punctuation, written as a phone). Linear: string positions and anchored
     * class checks.
     */
    public static Column looksLikePii(Column value) {
        Column v = trim(value);
        Column at = locate("@", v);
        Column email = at.gt(0)
                .and(locate(".", v, 1).gt(0))
                .and(org.apache
                        .spark
                        .sql
                        .functions
                        .instr(org.apache.spark.sql.functions.substring_index(v, "@", -1), ".")
                        .gt(0));
        Column digits = regexp_replace(v, "[\\s().+/-]", "");
        // A run of digits is a phone when written like one (a +, 0 or bracket first, or grouped by separators);
        // dates and plain numeric ids are not.
        Column written = v.rlike("^[+0(]").or(v.rlike("^[0-9]+[\\s./-][0-9]"));
        Column date = v.rlike("^[0-9]{4}-[0-9]{2}-[0-9]{2}|^[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}$");
        Column phone = length(v)
                .leq(40)
                .and(digits.rlike("^[0-9]{7,15}$"))
                .and(written)
                .and(org.apache.spark.sql.functions.not(date));
        return email.or(phone);
    }

    /** The SHA-256 of a value's trimmed lower case, the form every other personal value is stored in. */
    public static Column hashed(Column value) {
        return sha2(lower(trim(value)), 256);
    }

    /** A map of unknown columns' values treated as {@code policy} says. */
    public static Column unknownColumns(UnknownColumns policy, Column values) {
        return switch (policy) {
            case KEEP -> values;
            case HASH_PII ->
                transform_values(
                        values, (k, v) -> when(looksLikePii(v), hashed(v)).otherwise(stripUrl(v)));
            case HASH -> transform_values(values, (k, v) -> when(v.isNotNull(), hashed(v)));
            case DROP -> map_filter(values, (k, v) -> lit(false));
        };
    }

    /**
     * A URL (or any text with a query string) with the values of personal query parameters replaced by
     * {@code [pii]}: parameters named like personal data, and values holding an email or a phone number.
     * Text without a {@code ?} is returned as it is, at the cost of one search.
     */
    public static Column stripUrl(Column text) {
        return when(
                        locate("?", text).gt(0),
                        regexp_replace(regexp_replace(text, NAMED_PARAMETER, "$1[pii]"), VALUE_PARAMETER, "$1[pii]"))
                .otherwise(text);
    }

    /**
     * Free text with emails, phone numbers (libphonenumber's matcher as of {@code country}, then any
     * phone-like digit run) and IP addresses masked.
     */
    public static Column mask(Column text, String country) {
        Column emails = regexp_replace(text, EMAIL, "[email]");
        Column ips = regexp_replace(regexp_replace(emails, IPV4, "[ip]"), IPV6, "[ip]");
        Column phones = PHONE_MATCHER.apply(ips, lit(country == null ? "ZZ" : country));
        return regexp_replace(phones, PHONE, "[phone]");
    }
}
