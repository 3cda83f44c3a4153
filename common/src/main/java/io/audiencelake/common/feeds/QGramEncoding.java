package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

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

  /** The encoding of {@code text}: sorted distinct 4-hex-digit codes separated by spaces; null if blank. */
  public static Column encode(Column text, String key) {
    Column letters = regexp_replace(lower(text), "[^\\p{L}\\p{N}]", "");
    Column padded = concat(lit("_"), letters, lit("_"));
    Column grams = transform(sequence(lit(1), length(padded).minus(1)), i -> padded.substr(i, lit(2)));
    Column codes = transform(grams, g -> sha2(concat(lit(key + "|"), g), 256).substr(1, 4));
    return when(length(letters).gt(0), concat_ws(SEPARATOR, array_sort(array_distinct(codes))));
  }

  /** Dice coefficient of two encodings, from 0 (no bigram in common) to 1 (same bigrams); null if either is. */
  public static Column dice(Column left, Column right) {
    Column a = split(left, SEPARATOR);
    Column b = split(right, SEPARATOR);
    return size(array_intersect(a, b)).multiply(2.0).divide(size(a).plus(size(b)));
  }
}
