package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;

import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.sql.Column;

/**
 * A spelling-preserving encoding of personal text (names, streets) that is not the text: the set of
 * its padded bigrams, each replaced by the first 16 bits of SHA-256 of a secret linkage key and the
 * bigram. Two encodings can be compared with the Dice coefficient, which tracks the bigram
 * similarity of the clear values (so "michaela" and "michafla" stay close) while the lake never holds
 * the clear value. Without the key the bigrams cannot be looked up; with 16 bits, unrelated bigrams
 * collide now and then, which costs a little accuracy and adds deniability.
 */
public final class QGramEncoding {
    private static final String SEPARATOR = " ";

    private QGramEncoding() {}

    /**
     * The encoding of {@code text}: sorted distinct 4-hex-digit codes separated by spaces; null if blank.
     *
     * <p>A function of the JVM rather than Spark expressions: as a literal in an expression the key would be
     * printed in every plan (EXPLAIN, the Spark UI, event logs). The function keeps it in its closure, which
     * only the executors see.
     */
    public static Column encode(Column text, String key) {
        return KeyedTokens.keyed("qgram_encoding", t -> encode(t, key), text);
    }

    /** {@link #encode(Column, String)} of one value. */
    public static String encode(String text, String key) {
        if (text == null) {
            return null;
        }
        int[] letters = text.toLowerCase(Locale.ROOT)
                .codePoints()
                .filter(c -> Character.isLetter(c)
                        || Character.isDigit(c)
                        || Character.getType(c) == Character.LETTER_NUMBER
                        || Character.getType(c) == Character.OTHER_NUMBER)
                .toArray();
        if (letters.length == 0) {
            return null;
        }
        int[] padded = new int[letters.length + 2];
        padded[0] = '_';
        padded[padded.length - 1] = '_';
        System.arraycopy(letters, 0, padded, 1, letters.length);
        TreeSet<String> codes = new TreeSet<>();
        for (int i = 0; i + 1 < padded.length; i++) {
            codes.add(KeyedTokens.digest(key, new String(padded, i, 2), 2));
        }
        return String.join(SEPARATOR, codes);
    }

    /** Dice coefficient of two encodings, from 0 (no bigram in common) to 1 (same bigrams); null if either is. */
    public static Column dice(Column left, Column right) {
        Column a = split(left, SEPARATOR);
        Column b = split(right, SEPARATOR);
        return size(array_intersect(a, b)).multiply(2.0).divide(size(a).plus(size(b)));
    }
}
