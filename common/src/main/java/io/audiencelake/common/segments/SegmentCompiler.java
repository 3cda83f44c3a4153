package io.audiencelake.common.segments;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.audiencelake.common.segments.SegmentRule.All;
import io.audiencelake.common.segments.SegmentRule.Any;
import io.audiencelake.common.segments.SegmentRule.Comparison;
import io.audiencelake.common.segments.SegmentRule.InSegment;
import io.audiencelake.common.segments.SegmentRule.Literal;
import io.audiencelake.common.segments.SegmentRule.Not;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Turns a rule into a Spark Column over profiles, checking every field and value against the profiles
 * schema first. Only typed literals and column references are built: no text of a rule reaches
 * {@code expr()} or SQL. A comparison on a missing value is false (so {@code not x > 5} holds for a
 * person without x), which is what a marketer reading the rule expects.
 */
public final class SegmentCompiler {
    private final Map<String, DataType> columns;

    public SegmentCompiler(Map<String, DataType> columns) {
        this.columns = Map.copyOf(columns);
    }

    /**
     * The rule's Column; {@code segment} gives the Column of a referenced segment (already compiled), or
     * throws for an unknown one.
     */
    public Column compile(SegmentRule rule, Function<InSegment, Column> segment) {
        if (rule instanceof All a) {
            return a.rules().stream()
                    .map(r -> compile(r, segment))
                    .reduce(Column::and)
                    .orElseThrow();
        }
        if (rule instanceof Any a) {
            return a.rules().stream()
                    .map(r -> compile(r, segment))
                    .reduce(Column::or)
                    .orElseThrow();
        }
        if (rule instanceof Not n) {
            return not(compile(n.rule(), segment));
        }
        if (rule instanceof InSegment s) {
            return segment.apply(s);
        }
        return coalesce(comparison((Comparison) rule), lit(false));
    }

    /** Checks the rule's fields and values without building anything that runs. */
    public void check(SegmentRule rule) {
        compile(rule, s -> lit(true));
    }

    private Column comparison(Comparison c) {
        DataType type = columns.get(c.field());
        if (type == null) {
            throw new SegmentRuleException(
                    c.position(),
                    "at position " + c.position() + ": unknown trait '" + c.field() + "'; expected one of "
                            + new TreeSet<>(columns.keySet()));
        }
        Column field = col(c.field());
        List<Literal> v = c.values();
        return switch (c.op()) {
            case EQ -> field.equalTo(value(c, type, v.get(0)));
            case NE -> field.notEqual(value(c, type, v.get(0)));
            case LT -> ordered(c, type).lt(value(c, type, v.get(0)));
            case LE -> ordered(c, type).leq(value(c, type, v.get(0)));
            case GT -> ordered(c, type).gt(value(c, type, v.get(0)));
            case GE -> ordered(c, type).geq(value(c, type, v.get(0)));
            case BETWEEN -> ordered(c, type).between(value(c, type, v.get(0)), value(c, type, v.get(1)));
            case IN -> field.isin(v.stream().map(l -> value(c, type, l)).toArray());
            case NOT_IN -> not(field.isin(v.stream().map(l -> value(c, type, l)).toArray()));
            case IS_NULL -> field.isNull();
            case IS_NOT_NULL -> field.isNotNull();
            case CONTAINS -> text(c, type).contains(value(c, type, v.get(0)));
            case STARTS_WITH -> text(c, type).startsWith(value(c, type, v.get(0)));
        };
    }

    private Column ordered(Comparison c, DataType type) {
        if (type instanceof BooleanType || type instanceof StringType) {
            throw mismatch(c, type, "a number or a date (" + c.op().text() + " orders values)");
        }
        return col(c.field());
    }

    private Column text(Comparison c, DataType type) {
        if (!(type instanceof StringType)) {
            throw mismatch(c, type, "a text trait (" + c.op().text() + " works on text)");
        }
        return col(c.field());
    }

    private static SegmentRuleException mismatch(Comparison c, DataType type, String expected) {
        return new SegmentRuleException(
                c.position(),
                "at position " + c.position() + ": '" + c.field() + "' is " + type.simpleString() + "; expected "
                        + expected);
    }

    /** The literal as a typed Spark literal of the field's type, or an error saying what the field takes. */
    private static Column value(Comparison c, DataType type, Literal l) {
        String where = "at position " + l.position() + ": '" + c.field() + "' is " + type.simpleString() + ", so ";
        if (type instanceof NumericType) {
            if (!l.isNumber()) {
                throw new SegmentRuleException(l.position(), where + "expected a number, got " + l.describe());
            }
            return lit(((BigDecimal) l.value()).doubleValue());
        }
        if (type instanceof StringType) {
            if (!l.isText()) {
                throw new SegmentRuleException(
                        l.position(), where + "expected text in single quotes, got " + l.describe());
            }
            return lit(l.value());
        }
        if (type instanceof BooleanType) {
            if (!l.isBoolean()) {
                throw new SegmentRuleException(l.position(), where + "expected true or false, got " + l.describe());
            }
            return lit(l.value());
        }
        if (type instanceof DateType || type instanceof TimestampType) {
            if (l.isText()) {
                try {
                    LocalDate d = LocalDate.parse((String) l.value());
                    return type instanceof DateType ? lit(Date.valueOf(d)) : lit(Timestamp.valueOf(d.atStartOfDay()));
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
            throw new SegmentRuleException(
                    l.position(), where + "expected a date such as '2025-01-31', got " + l.describe());
        }
        throw new SegmentRuleException(l.position(), where + "it cannot be compared in a rule");
    }
}
