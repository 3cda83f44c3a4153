package io.audiencelake.common.feeds;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.audiencelake.common.config.ConfigNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.language.DoubleMetaphone;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * One step of preparing a record field's clear value before it is blocked on and compared (the {@code prepare:}
 * list of a field in {@code identity.yaml}): a small closed set, no free SQL, so every rule stays checkable at
 * load. Steps apply in order; {@link #TOKENS} turns the value into a list, and the value steps after it apply to
 * each token (so {@code [lower, tokens, phonetic]} gives one phonetic code per word). An empty result is missing.
 * Values of personal data arrive here hashed, so preparing them changes nothing useful.
 */
public enum FieldPreparation {
    /** lower case (root locale) */
    LOWER(Kind.VALUE) {
        @Override
        Column apply(Column v, int n) {
            return lower(v);
        }
    },
    /** accents off: "Müller" becomes "Muller", "José" "Jose" (Unicode decomposition, marks dropped) */
    FOLD_ACCENTS(Kind.VALUE) {
        @Override
        Column apply(Column v, int n) {
            return Functions.FOLD_ACCENTS.apply(v);
        }
    },
    /**
     * punctuation off: a hyphen, slash, apostrophe or dot inside a word joins it ("O'Brien" becomes "OBrien",
     * "DAV-HDX576WF" "DAVHDX576WF", "MB769G/A" "MB769GA"), any other becomes a space, and runs of spaces one
     * ("Smith, J." becomes "Smith J")
     */
    STRIP_PUNCTUATION(Kind.VALUE) {
        @Override
        Column apply(Column v, int n) {
            Column joined = regexp_replace(v, "(?<=[\\p{L}\\p{N}])[-/'.\u2019](?=[\\p{L}\\p{N}])", "");
            return trim(regexp_replace(regexp_replace(joined, "[\\p{Punct}\\p{IsPunctuation}]", " "), "\\s+", " "));
        }
    },
    /** only the digits: "+44 (20) 7946-0018" becomes "442079460018" */
    DIGITS(Kind.VALUE) {
        @Override
        Column apply(Column v, int n) {
            return regexp_replace(v, "[^0-9]", "");
        }
    },
    /** the first {@code n} characters: {@code prefix(3)} */
    PREFIX(Kind.VALUE) {
        @Override
        Column apply(Column v, int n) {
            return v.substr(1, n);
        }
    },
    /** the first four-digit year (1800-2099) in the value: "12/03/1999" gives "1999" */
    YEAR(Kind.VALUE) {
        @Override
        Column apply(Column v, int n) {
            return regexp_extract(v, "(?<![0-9])(18|19|20)[0-9]{2}(?![0-9])", 0);
        }
    },
    /** Double Metaphone's primary code (Apache Commons Codec): "Smith" and "Smyth" both give "SM0" */
    PHONETIC(Kind.VALUE) {
        @Override
        Column apply(Column v, int n) {
            return Functions.PHONETIC.apply(v);
        }
    },
    /** the distinct words, split on white space: a list field, so blocking pairs on any shared word */
    TOKENS(Kind.TO_LIST) {
        @Override
        Column apply(Column v, int n) {
            return array_distinct(split(trim(v), "\\s+"));
        }
    },
    /**
     * the distinct words of at least four characters with a digit in them, as a list: the model numbers, part
     * numbers and references of a product name ("Sony Bravia KDL40V4100 40' LCD" gives [kdl40v4100]), which
     * identify an item where its other words only describe it
     */
    CODES(Kind.TO_LIST) {
        @Override
        Column apply(Column v, int n) {
            return filter(
                    array_distinct(split(trim(v), "\\s+")),
                    w -> length(w).geq(4).and(w.rlike("[0-9]")));
        }
    },
    /** the words in sorted order, joined by a space: "Smith John" and "John Smith" become one value */
    SORTED_TOKENS(Kind.WHOLE_VALUE) {
        @Override
        Column apply(Column v, int n) {
            return array_join(array_sort(split(trim(v), "\\s+")), " ");
        }
    },
    /** the first letter of each word: "John Ronald Tolkien" becomes "jrt" after lower */
    INITIALS(Kind.WHOLE_VALUE) {
        @Override
        Column apply(Column v, int n) {
            return array_join(transform(split(trim(v), "\\s+"), w -> w.substr(1, 1)), "");
        }
    };

    /** What a step takes and gives. */
    enum Kind {
        /** a value to a value; on a list, to each element */
        VALUE,
        /** a whole value to a value: not after {@link #TOKENS} */
        WHOLE_VALUE,
        /** a value to a list: once, not after another list step */
        TO_LIST
    }

    private final Kind kind;

    FieldPreparation(Kind kind) {
        this.kind = kind;
    }

    abstract Column apply(Column v, int n);

    /** Whether the step takes a count, written {@code name(n)}. */
    public boolean takesCount() {
        return this == PREFIX;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the step may follow the steps before it; false for a second list step or a whole-value one. */
    static boolean fitsAfter(FieldPreparation step, boolean list) {
        return !list || step.kind == Kind.VALUE;
    }

    /**
     * One configured step.
     *
     * @param n the count of {@code prefix(n)}; 0 for the other steps
     */
    public record Step(FieldPreparation kind, int n) {
        @Override
        public String toString() {
            return kind.takesCount() ? kind.yamlName() + "(" + n + ")" : kind.yamlName();
        }
    }

    /** A step as written: {@code lower}, or with a count, {@code prefix(3)}. */
    private static final Pattern STEP = Pattern.compile("([a-z_]+)(?:\\(([0-9]{1,4})\\))?");

    /**
     * The steps listed under {@code key} (e.g. {@code prepare: [lower, strip_punctuation, prefix(3)]}); each
     * unknown step, bad count or step that cannot follow the ones before it is a problem of the node.
     */
    public static List<Step> parse(ConfigNode node, String key) {
        List<Step> steps = new ArrayList<>();
        boolean list = false;
        for (String text : node.strings(key)) {
            Matcher matcher = STEP.matcher(text.trim());
            FieldPreparation kind = null;
            if (matcher.matches()) {
                kind = Arrays.stream(values())
                        .filter(k -> k.yamlName().equals(matcher.group(1)))
                        .findFirst()
                        .orElse(null);
            }
            boolean counted = matcher.matches() && matcher.group(2) != null;
            if (kind == null || kind.takesCount() != counted) {
                node.problem(
                        key,
                        "unknown step '" + text + "'; expected one of "
                                + Arrays.stream(values())
                                        .map(k -> k.takesCount() ? k.yamlName() + "(n)" : k.yamlName())
                                        .toList());
                continue;
            }
            int n = counted ? Integer.parseInt(matcher.group(2)) : 0;
            if (counted && n < 1) {
                node.problem(key, "'" + text + "': expected a count of at least 1");
            }
            if (!fitsAfter(kind, list)) {
                node.problem(key, "'" + text + "' cannot follow tokens or codes: the value is already a list");
            }
            list = list || kind.kind == Kind.TO_LIST;
            steps.add(new Step(kind, n));
        }
        return steps;
    }

    /** Whether the steps make a list. */
    public static boolean makesList(List<Step> steps) {
        return steps.stream().anyMatch(s -> s.kind().kind == Kind.TO_LIST);
    }

    /** The value after the steps; empty strings (and lists left empty) become missing. */
    public static Column prepare(Column value, List<Step> steps) {
        Column v = value;
        boolean list = false;
        for (Step s : steps) {
            if (list) {
                v = filter(transform(v, e -> s.kind().apply(e, s.n())), e -> e.notEqual(lit("")));
            } else {
                v = s.kind().apply(v, s.n());
                if (s.kind().kind == Kind.TO_LIST) {
                    v = filter(v, e -> e.notEqual(lit("")));
                    list = true;
                }
            }
        }
        if (list) {
            v = array_distinct(v);
            return when(size(v).gt(0), v);
        }
        return steps.isEmpty() ? v : when(v.notEqual(lit("")), v);
    }

    /**
     * Spark has no accent folding or Double Metaphone; these run as UDFs on the profiles of record models only,
     * once per value (statics: the functions capture nothing to serialize).
     */
    private static final class Functions {
        /** Thread-safe for encoding (its settings are not changed after construction). */
        private static final DoubleMetaphone METAPHONE = new DoubleMetaphone();

        static final UserDefinedFunction FOLD_ACCENTS = udf(
                        (UDF1<String, String>) s -> s == null
                                ? null
                                : Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", ""),
                        DataTypes.StringType)
                .withName("fold_accents");

        static final UserDefinedFunction PHONETIC = udf(
                        (UDF1<String, String>) s -> s == null ? null : METAPHONE.doubleMetaphone(s),
                        DataTypes.StringType)
                .withName("double_metaphone");
    }
}
