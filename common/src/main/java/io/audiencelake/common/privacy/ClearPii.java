package io.audiencelake.common.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract_all;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.right;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Finds personal data in clear in any text (a table row as JSON, a line of an export file): every
 * email-shaped token, and — given the sample generator's truth — every phone number of a generated person
 * in any formatting. A stored identifier is a SHA-256 hash and a quarantined line has its emails and
 * phones masked, so a finding is a leak.
 */
public final class ClearPii {
    public static final String SOURCE = "source";
    public static final String TEXT = "text";
    public static final String KIND = "kind";
    public static final String TOKEN = "token";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    /** A phone's last digits that identify it whatever the country prefix or spacing. */
    public static final int PHONE_DIGITS = 9;

    private static final String EMAIL_SHAPE = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";
    private static final String DIGIT_RUN = "\\d{" + PHONE_DIGITS + ",15}";

    private ClearPii() {}

    /**
     * (source, kind, token) of each finding in {@code text} (source, text). {@code truthPhones} holds the
     * generator's phone numbers (column {@code token}, any formatting), or is null to look for emails only:
     * without a list, long digit runs are too often something else.
     */
    public static Dataset<Row> findings(Dataset<Row> text, Dataset<Row> truthPhones) {
        Dataset<Row> emails = text.select(
                        col(SOURCE),
                        explode(regexp_extract_all(col(TEXT), lit(EMAIL_SHAPE), lit(0)))
                                .as(TOKEN))
                .select(col(SOURCE), lit(EMAIL).as(KIND), lower(col(TOKEN)).as(TOKEN));
        if (truthPhones == null) {
            return emails;
        }
        Dataset<Row> known = truthPhones
                .select(right(regexp_replace(col(TOKEN), "\\D", ""), lit(PHONE_DIGITS))
                        .as("tail"))
                .where(col("tail").rlike("^\\d{" + PHONE_DIGITS + "}$"))
                .distinct();
        Dataset<Row> runs = text.select(
                        col(SOURCE),
                        explode(regexp_extract_all(regexp_replace(col(TEXT), "[ ().\\-/]", ""), lit(DIGIT_RUN), lit(0)))
                                .as(TOKEN))
                .withColumn("tail", right(col(TOKEN), lit(PHONE_DIGITS)));
        Dataset<Row> phones =
                runs.join(known, "tail").select(col(SOURCE), lit(PHONE).as(KIND), col(TOKEN));
        return emails.unionByName(phones);
    }
}
