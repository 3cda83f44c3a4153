package io.audiencelake.common.feeds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * A keyed hash of a prepared piece of personal text (a word of a name, its phonetic code, its initials): the first
 * 64 bits of SHA-256 of a secret linkage key and the value, as 16 hex digits. Equal values give equal codes, so
 * identity can block on shared words and weigh them by rarity, while the lake never holds the words; without the
 * key the codes cannot be looked up in a dictionary of names.
 */
public final class KeyedTokens {
    private KeyedTokens() {}

    /**
     * The code of {@code value} (null stays null). A function of the JVM rather than Spark expressions: as a literal
     * the key would be printed in every plan; the function keeps it in its closure, which only the executors see.
     */
    public static Column encode(Column value, String key) {
        return org.apache
                .spark
                .sql
                .functions
                .udf((UDF1<String, String>) v -> encode(v, key), DataTypes.StringType)
                .withName("keyed_token")
                .apply(value);
    }

    /** {@link #encode(Column, String)} of one value. */
    public static String encode(String value, String key) {
        if (value == null) {
            return null;
        }
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest((key + "|" + value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
