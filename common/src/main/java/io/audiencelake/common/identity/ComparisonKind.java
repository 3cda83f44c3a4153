package io.audiencelake.common.identity;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_intersect;
import static org.apache.spark.sql.functions.array_union;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.levenshtein;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.zip_with;

import io.audiencelake.common.feeds.QGramEncoding;
import io.audiencelake.common.identity.IdentityRules.Comparison;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * How two values of a field are compared: each kind gives a pair its level (exact, close, far, or missing when
 * either side has no value) as one Spark expression, and says which fields it fits, its default threshold and
 * whether it takes a term-frequency adjustment. Adding a kind is a constant here (with its test in
 * {@code PairComparisonsTest}); the loader and the matcher ask the constant.
 */
public enum ComparisonKind {
    /** equal or not (no close level) */
    EXACT(Shape.VALUE, 0.75, true) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            return when(missing(l, r), PairComparisons.MISSING)
                    .when(l.equalTo(r), PairComparisons.EXACT)
                    .otherwise(PairComparisons.FAR);
        }
    },
    /** clear text: equal, or edit similarity (1 - Levenshtein distance / longer length) at least {@code close} */
    TEXT(Shape.VALUE, 0.75, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            return similar(l, r, lit(1.0).minus(levenshtein(l, r).divide(greatest(length(l), length(r)))), c);
        }
    },
    /**
     * clear text: equal, or Jaro-Winkler similarity at least {@code close}; kinder than edit similarity to
     * transposed letters and to names that agree at the start (e.g. "Mitchel" and "Mitchell").
     */
    JARO_WINKLER(Shape.VALUE, 0.9, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            return similar(l, r, JaroWinkler.SIMILARITY.apply(l, r), c);
        }
    },
    /** q-gram encodings: identical, or Dice coefficient at least {@code close} */
    QGRAMS(Shape.VALUE, 0.75, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            return similar(l, r, QGramEncoding.dice(l, r), c);
        }
    },
    /**
     * numbers (a price, a year): equal (exact), or differing by at most {@code close} of the larger (close; 0.1 is
     * ten per cent); a value that is not a number is missing
     */
    NUMERIC(Shape.VALUE, 0.1, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            Column a = number(l);
            Column b = number(r);
            return when(missing(a, b), PairComparisons.MISSING)
                    .when(a.equalTo(b), PairComparisons.EXACT)
                    .when(abs(a.minus(b)).leq(greatest(abs(a), abs(b)).multiply(c.close())), PairComparisons.CLOSE)
                    .otherwise(PairComparisons.FAR);
        }
    },
    /**
     * word lists (a field prepared with {@code tokens}): Jaccard similarity of the two sets, the shared words over
     * all words, at least {@code exact} (exact), at least {@code close} (close), or less; word order and repeated
     * words do not matter, so "Smith, John" and "John Smith" agree
     */
    TOKEN_SET(Shape.LIST, 0.5, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            Column jaccard = size(array_intersect(l, r)).divide(size(array_union(l, r)));
            return when(missing(l, r).or(size(l).equalTo(0)).or(size(r).equalTo(0)), PairComparisons.MISSING)
                    .when(jaccard.geq(c.exact()), PairComparisons.EXACT)
                    .when(jaccard.geq(c.close()), PairComparisons.CLOSE)
                    .otherwise(PairComparisons.FAR);
        }
    },
    /**
     * word lists: cosine of the two sets with each word weighted by its rarity (TF-IDF, the weight ln(1 / the share
     * of profiles with the word)) at least {@code exact} (exact), at least {@code close} (close), or less. Sharing a
     * model number or a rare surname counts for much, sharing "black" or "the" for almost nothing.
     */
    TF_IDF(Shape.LIST, 0.5, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            throw new IllegalStateException("tf_idf compares with the profiles' word shares");
        }

        @Override
        Column levels(Comparison c, Column l, Column r, Column lShares, Column rShares) {
            Column shared = aggregate(
                    array_intersect(l, r),
                    lit(0.0),
                    (acc, t) -> acc.plus(idf(element_at(lShares, t)).multiply(idf(element_at(rShares, t)))));
            Column norms = sqrt(squares(l, lShares)).multiply(sqrt(squares(r, rShares)));
            Column cosine = shared.divide(norms);
            return when(missing(l, r).or(size(l).equalTo(0)).or(size(r).equalTo(0)), PairComparisons.MISSING)
                    .when(norms.leq(0), PairComparisons.FAR)
                    .when(cosine.geq(c.exact()), PairComparisons.EXACT)
                    .when(cosine.geq(c.close()), PairComparisons.CLOSE)
                    .otherwise(PairComparisons.FAR);
        }

        @Override
        boolean needsShares() {
            return true;
        }
    },
    /** lists: two or more shared values (exact), one (close), none (far) */
    OVERLAP(Shape.LIST, 0.75, true) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            Column shared = size(array_intersect(l, r));
            return when(missing(l, r).or(size(l).equalTo(0)).or(size(r).equalTo(0)), PairComparisons.MISSING)
                    .when(shared.geq(2), PairComparisons.EXACT)
                    .when(shared.equalTo(1), PairComparisons.CLOSE)
                    .otherwise(PairComparisons.FAR);
        }
    },
    /** count vectors: cosine at least {@code exact}, at least {@code close}, or less */
    HISTOGRAM(Shape.LIST, 0.6, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            Column cosine = dot(l, r).divide(sqrt(dot(l, l)).multiply(sqrt(dot(r, r))));
            return when(missing(l, r).or(dot(l, l).equalTo(0)).or(dot(r, r).equalTo(0)), PairComparisons.MISSING)
                    .when(cosine.geq(c.exact()), PairComparisons.EXACT)
                    .when(cosine.geq(c.close()), PairComparisons.CLOSE)
                    .otherwise(PairComparisons.FAR);
        }

        @Override
        String fieldProblem(String field) {
            return field.equals(DeviceProfiles.HOURS) || field.equals(DeviceProfiles.TOPICS)
                    ? null
                    : "histogram compares the hours and topics fields only";
        }
    },
    /**
     * sessions: how often one device's session starts within {@value #HANDOFF_MINUTES} minutes of the other's
     * ending, either way round: two or more hand-offs (exact), one (close), none (far). One person carries a task
     * from the phone to the laptop, on whatever network each is; two people of a household rarely do it by chance.
     */
    HANDOFF(Shape.LIST, 0.75, false) {
        @Override
        Column levels(Comparison c, Column l, Column r) {
            Column handoffs = handoffs(l, r).plus(handoffs(r, l));
            return when(missing(l, r).or(size(l).equalTo(0)).or(size(r).equalTo(0)), PairComparisons.MISSING)
                    .when(handoffs.geq(2), PairComparisons.EXACT)
                    .when(handoffs.equalTo(1), PairComparisons.CLOSE)
                    .otherwise(PairComparisons.FAR);
        }

        @Override
        String fieldProblem(String field) {
            return field.equals(DeviceProfiles.SESSIONS) ? null : "handoff compares the sessions field only";
        }
    };

    /** Minutes from one device's session end to the other's start that still make a hand-off. */
    static final int HANDOFF_MINUTES = 10;

    /** What a field holds: one value, or a list (of values, or of counts for a histogram). */
    public enum Shape {
        VALUE,
        LIST
    }

    private final Shape shape;
    private final double defaultClose;
    private final boolean takesTermFrequency;

    ComparisonKind(Shape shape, double defaultClose, boolean takesTermFrequency) {
        this.shape = shape;
        this.defaultClose = defaultClose;
        this.takesTermFrequency = takesTermFrequency;
    }

    /** The pair's level: {@link PairComparisons#MISSING}, {@code FAR}, {@code CLOSE} or {@code EXACT}. */
    abstract Column levels(Comparison c, Column l, Column r);

    /**
     * The level when the kind weighs values by how common they are ({@link #needsShares}): {@code lShares} and
     * {@code rShares} map each value of the field to the share of profiles that have it.
     */
    Column levels(Comparison c, Column l, Column r, Column lShares, Column rShares) {
        return levels(c, l, r);
    }

    /** Whether the kind needs the share of profiles per value ({@link PairComparisons#withTermFrequencies}). */
    boolean needsShares() {
        return false;
    }

    /** Why the kind cannot compare {@code field} beyond its shape, or null when it can. */
    String fieldProblem(String field) {
        return null;
    }

    public Shape shape() {
        return shape;
    }

    /** The threshold of the close level when the rules give none. */
    public double defaultClose() {
        return defaultClose;
    }

    public boolean takesTermFrequency() {
        return takesTermFrequency;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kinds of a shape as a message lists them: "exact, text or qgrams". */
    static String namesOf(Shape shape) {
        List<String> names = Arrays.stream(values())
                .filter(k -> k.shape == shape)
                .map(ComparisonKind::yamlName)
                .toList();
        return names.size() == 1
                ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static Column missing(Column l, Column r) {
        return l.isNull().or(r.isNull());
    }

    /** Equal values are exact, a similarity at least the comparison's {@code close} is close, the rest far. */
    private static Column similar(Column l, Column r, Column similarity, Comparison c) {
        return when(missing(l, r), PairComparisons.MISSING)
                .when(l.equalTo(r), PairComparisons.EXACT)
                .when(similarity.geq(c.close()), PairComparisons.CLOSE)
                .otherwise(PairComparisons.FAR);
    }

    /** Sessions of {@code from} followed, within {@link #HANDOFF_MINUTES}, by a session start of {@code to}. */
    private static Column handoffs(Column from, Column to) {
        return size(filter(
                from,
                a -> exists(
                        to,
                        b -> b.getField(DeviceProfiles.START)
                                .minus(a.getField(DeviceProfiles.END))
                                .between(0, HANDOFF_MINUTES))));
    }

    /** A value as a finite number, or null (ANSI-safe: text that is no number never throws). */
    private static Column number(Column v) {
        Column d = regexp_replace(v, "[$,\\s]", "").try_cast(DataTypes.DoubleType);
        return when(not(isnan(d)).and(abs(d).lt(Double.MAX_VALUE)), d);
    }

    /** A word's inverse document frequency from the share of profiles with it; 0 when unknown. */
    private static Column idf(Column share) {
        return coalesce(log(lit(1.0).divide(share)), lit(0.0));
    }

    /** The sum of the squared weights of a profile's words. */
    private static Column squares(Column words, Column shares) {
        return aggregate(words, lit(0.0), (acc, t) -> {
            Column w = idf(element_at(shares, t));
            return acc.plus(w.multiply(w));
        });
    }

    private static Column dot(Column a, Column b) {
        return aggregate(zip_with(a, b, Column::multiply), lit(0.0), Column::plus);
    }

    /**
     * Spark has no Jaro-Winkler function; Apache Commons Text's (a Spark dependency) runs as a UDF, only on
     * candidate pairs, whose number blocking bounds.
     */
    private static final class JaroWinkler {
        /** Stateless and thread-safe: one per JVM (a static, so the function captures nothing to serialize). */
        private static final JaroWinklerSimilarity MEASURE = new JaroWinklerSimilarity();

        static final UserDefinedFunction SIMILARITY = udf(
                        (UDF2<String, String, Double>) (a, b) -> a == null || b == null ? null : MEASURE.apply(a, b),
                        DataTypes.DoubleType)
                .withName("jaro_winkler");
    }
}
