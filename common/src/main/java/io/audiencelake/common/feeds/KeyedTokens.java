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
        return keyed("keyed_token", v -> encode(v, key), value);
    }

    /** {@link #encode(Column, String)} of one value. */
    public static String encode(String value, String key) {
        return value == null ? null : digest(key, value, 8);
    }

    /**
     * A keyed function of one string column as a named Spark function (the key stays in {@code f}'s closure, out
     * of every plan): the shape of every keyed encoding of personal text.
     */
    static Column keyed(String name, UDF1<String, String> f, Column value) {
        return org.apache
                .spark
                .sql
                .functions
                .udf(f, DataTypes.StringType)
                .withName(name)
                .apply(value);
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** The first {@code bytes} bytes of SHA-256 of "key|value", as hex digits. */
    static String digest(String key, String value, int bytes) {
        byte[] d = SHA_256.get().digest((key + "|" + value).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, bytes);
    }
}
