package io.audiencelake.common.segments;

import io.audiencelake.common.segments.SegmentRule.All;
import io.audiencelake.common.segments.SegmentRule.Any;
import io.audiencelake.common.segments.SegmentRule.Comparison;
import io.audiencelake.common.segments.SegmentRule.InSegment;
import io.audiencelake.common.segments.SegmentRule.Literal;
import io.audiencelake.common.segments.SegmentRule.Not;
import io.audiencelake.common.segments.SegmentRule.Operator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the one-line rule form marketers type, e.g.
 * {@code purchases_30d >= 2 and revenue_90d > 200 and not segment('churned')}. The grammar is ours
 * and small (comparisons, in, between, is null, contains, starts with, and / or / not, parentheses,
 * segment('id')); anything else, including SQL (quotes left open, function calls, subqueries,
 * comments, semicolons), is a parse error with its 1-based position.
 */
public final class RuleParser {
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "not",
            "in",
            "between",
            "is",
            "null",
            "contains",
            "starts",
            "with",
            "true",
            "false",
            "segment");

    private enum Kind {
        IDENT,
        NUMBER,
        STRING,
        OP,
        LPAREN,
        RPAREN,
        COMMA,
        END
    }

    private record Token(Kind kind, String text, int position) {
        boolean is(String keyword) {
            return kind == Kind.IDENT && text.equalsIgnoreCase(keyword);
        }

        String describe() {
            return switch (kind) {
                case END -> "the end of the rule";
                case STRING -> "'" + text + "'";
                default -> "'" + text + "'";
            };
        }
    }

    private final List<Token> tokens;
    private int next;

    private RuleParser(String text) {
        this.tokens = tokenize(text);
    }

    /** The rule, or a {@link SegmentRuleException} saying where and what was expected. */
    public static SegmentRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new SegmentRuleException(1, "the rule is empty; expected e.g. purchases_30d >= 2");
        }
        RuleParser p = new RuleParser(text);
        SegmentRule rule = p.or();
        Token t = p.peek();
        if (t.kind != Kind.END) {
            throw p.expected("'and', 'or' or the end of the rule", t);
        }
        return rule;
    }

    private SegmentRule or() {
        int at = peek().position;
        List<SegmentRule> parts = new ArrayList<>(List.of(and()));
        while (peek().is("or")) {
            next++;
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new Any(parts, at);
    }

    private SegmentRule and() {
        int at = peek().position;
        List<SegmentRule> parts = new ArrayList<>(List.of(unary()));
        while (peek().is("and")) {
            next++;
            parts.add(unary());
        }
        return parts.size() == 1 ? parts.get(0) : new All(parts, at);
    }

    private SegmentRule unary() {
        Token t = peek();
        if (t.is("not")) {
            next++;
            return new Not(unary(), t.position);
        }
        return primary();
    }

    private SegmentRule primary() {
        Token t = take();
        if (t.kind == Kind.LPAREN) {
            SegmentRule inner = or();
            expect(Kind.RPAREN, "')'");
            return inner;
        }
        if (t.is("segment")) {
            expect(Kind.LPAREN, "'(' after segment");
            Token id = take();
            if (id.kind != Kind.STRING) {
                throw expected("a segment id in quotes, e.g. segment('churned')", id);
            }
            expect(Kind.RPAREN, "')'");
            return new InSegment(id.text, id.position);
        }
        if (t.kind != Kind.IDENT || KEYWORDS.contains(t.text.toLowerCase(Locale.ROOT))) {
            throw expected("a trait name, 'not', '(' or segment('id')", t);
        }
        return comparison(t);
    }

    private SegmentRule comparison(Token field) {
        Token t = take();
        if (t.kind == Kind.OP) {
            Operator op = Operator.ofText(t.text.equals("<>") ? "!=" : t.text);
            return new Comparison(field.text, op, List.of(literal()), field.position);
        }
        if (t.is("in")) {
            return new Comparison(field.text, Operator.IN, list(), field.position);
        }
        if (t.is("not")) {
            Token in = take();
            if (!in.is("in")) {
                throw expected("'in' after 'not'", in);
            }
            return new Comparison(field.text, Operator.NOT_IN, list(), field.position);
        }
        if (t.is("between")) {
            return between(field);
        }
        if (t.is("is")) {
            return isNull(field);
        }
        if (t.is("contains")) {
            return new Comparison(field.text, Operator.CONTAINS, List.of(text()), field.position);
        }
        if (t.is("starts")) {
            Token with = take();
            if (!with.is("with")) {
                throw expected("'with' after 'starts'", with);
            }
            return new Comparison(field.text, Operator.STARTS_WITH, List.of(text()), field.position);
        }
        throw expected(
                "an operator after '" + field.text + "' (=, !=, <, <=, >, >=, in, not in, between, is null, "
                        + "contains, starts with)",
                t);
    }

    /** {@code field between low and high}, after "between". */
    private SegmentRule between(Token field) {
        Literal low = literal();
        Token and = take();
        if (!and.is("and")) {
            throw expected("'and' between the two bounds", and);
        }
        return new Comparison(field.text, Operator.BETWEEN, List.of(low, literal()), field.position);
    }

    /** {@code field is [not] null}, after "is". */
    private SegmentRule isNull(Token field) {
        boolean negated = peek().is("not");
        if (negated) {
            next++;
        }
        Token nul = take();
        if (!nul.is("null")) {
            throw expected("'null'", nul);
        }
        return new Comparison(field.text, negated ? Operator.IS_NOT_NULL : Operator.IS_NULL, List.of(), field.position);
    }

    private List<Literal> list() {
        expect(Kind.LPAREN, "'(' to open the list");
        List<Literal> values = new ArrayList<>(List.of(literal()));
        while (peek().kind == Kind.COMMA) {
            next++;
            values.add(literal());
        }
        expect(Kind.RPAREN, "',' or ')'");
        return values;
    }

    private Literal text() {
        Token t = take();
        if (t.kind != Kind.STRING) {
            throw expected("text in single quotes", t);
        }
        return new Literal(t.text, t.position);
    }

    private Literal literal() {
        Token t = take();
        return switch (t.kind) {
            case STRING -> new Literal(t.text, t.position);
            case NUMBER -> new Literal(new BigDecimal(t.text), t.position);
            case IDENT -> {
                if (t.is("true") || t.is("false")) {
                    yield new Literal(t.is("true"), t.position);
                }
                throw expected("a value: a number, text in single quotes, true or false", t);
            }
            default -> throw expected("a value: a number, text in single quotes, true or false", t);
        };
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.kind != Kind.END) {
            next++;
        }
        return t;
    }

    private void expect(Kind kind, String what) {
        Token t = take();
        if (t.kind != kind) {
            throw expected(what, t);
        }
    }

    private SegmentRuleException expected(String what, Token got) {
        return new SegmentRuleException(
                got.position, "at position " + got.position + ": expected " + what + ", got " + got.describe());
    }

    /** The number starting at {@code i} (digits, an optional sign and decimals); returns the index after it. */
    private static int number(String s, int i, List<Token> out) {
        int at = i + 1;
        int j = i + 1;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
            j++;
        }
        String number = s.substring(i, j);
        if (!number.matches("-?[0-9]+(\\.[0-9]+)?")) {
            throw new SegmentRuleException(at, "at position " + at + ": '" + number + "' is not a number");
        }
        out.add(new Token(Kind.NUMBER, number, at));
        return j;
    }

    /** The quoted text starting at {@code i} ('' is a quote inside it); returns the index after its end. */
    private static int quoted(String s, int i, List<Token> out) {
        int at = i + 1;
        StringBuilder text = new StringBuilder();
        int j = i + 1;
        while (true) {
            if (j >= s.length()) {
                throw new SegmentRuleException(at, "at position " + at + ": text opened with ' is not closed");
            }
            char d = s.charAt(j);
            if (d == '\'' && j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                text.append('\'');
                j += 2;
            } else if (d == '\'') {
                break;
            } else if (Character.isISOControl(d)) {
                throw new SegmentRuleException(j + 1, "at position " + (j + 1) + ": control character in text");
            } else {
                text.append(d);
                j++;
            }
        }
        out.add(new Token(Kind.STRING, text.toString(), at));
        return j + 1;
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int at = i + 1;
            if (c == ' ' || c == '\t') {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Token(Kind.IDENT, s.substring(i, j), at));
                i = j;
            } else if (Character.isDigit(c) || (c == '-' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                i = number(s, i, out);
            } else if (c == '\'') {
                i = quoted(s, i, out);
            } else if (c == '(' || c == ')' || c == ',') {
                out.add(new Token(c == '(' ? Kind.LPAREN : c == ')' ? Kind.RPAREN : Kind.COMMA, String.valueOf(c), at));
                i++;
            } else if ("=!<>".indexOf(c) >= 0) {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                String op = Set.of("!=", "<=", ">=", "<>").contains(two) ? two : String.valueOf(c);
                if (op.equals("!")) {
                    throw new SegmentRuleException(at, "at position " + at + ": expected != , got '!'");
                }
                out.add(new Token(Kind.OP, op, at));
                i += op.length();
            } else {
                throw new SegmentRuleException(
                        at,
                        "at position " + at + ": unexpected character '" + c
                                + "'; rules use trait names, values, =, !=, <, <=, >, >=, parentheses and commas");
            }
        }
        out.add(new Token(Kind.END, "", s.length() + 1));
        return out;
    }
}
