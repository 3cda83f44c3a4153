package io.audiencelake.common.segments;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * A segment rule as parsed: comparisons on profile columns combined with all / any / not, and
 * references to other segments. Every node keeps its position in the rule text (0 for YAML rules)
 * so an error can point at it. Rules never contain SQL; {@link SegmentCompiler} turns them into
 * Spark Column expressions.
 */
public sealed interface SegmentRule {
    int position();

    /** Every rule holds. */
    record All(List<SegmentRule> rules, int position) implements SegmentRule {
        public All {
            rules = List.copyOf(rules);
        }
    }

    /** At least one rule holds. */
    record Any(List<SegmentRule> rules, int position) implements SegmentRule {
        public Any {
            rules = List.copyOf(rules);
        }
    }

    record Not(SegmentRule rule, int position) implements SegmentRule {}

    /** Membership of another segment on the same date. */
    record InSegment(String segmentId, int position) implements SegmentRule {}

    /**
     * {@code field op values}: one value for =, !=, <, <=, >, >=, contains, starts_with; two for
     * between; one or more for in and not_in; none for is_null and is_not_null.
     */
    record Comparison(String field, Operator op, List<Literal> values, int position) implements SegmentRule {
        public Comparison {
            values = List.copyOf(values);
        }
    }

    /** A typed constant of a rule: text, a number or true/false, as the marketer wrote it. */
    record Literal(Object value, int position) {
        public boolean isText() {
            return value instanceof String;
        }

        public boolean isNumber() {
            return value instanceof BigDecimal;
        }

        public boolean isBoolean() {
            return value instanceof Boolean;
        }

        public String describe() {
            return isText() ? "'" + value + "'" : String.valueOf(value);
        }
    }

    /** Comparison operators. */
    enum Operator {
        EQ("="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        IN("in"),
        NOT_IN("not in"),
        BETWEEN("between"),
        IS_NULL("is null"),
        IS_NOT_NULL("is not null"),
        CONTAINS("contains"),
        STARTS_WITH("starts with");

        private final String text;

        Operator(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        public static Operator ofText(String text) {
            for (Operator o : values()) {
                if (o.text.equals(text) || o.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return o;
                }
            }
            return null;
        }
    }
}
