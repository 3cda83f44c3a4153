package io.audiencelake.common.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.segments.SegmentRule.All;
import io.audiencelake.common.segments.SegmentRule.Any;
import io.audiencelake.common.segments.SegmentRule.Comparison;
import io.audiencelake.common.segments.SegmentRule.InSegment;
import io.audiencelake.common.segments.SegmentRule.Not;
import io.audiencelake.common.segments.SegmentRule.Operator;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleParserTest {
    private static Comparison comparison(String text) {
        return assertInstanceOf(Comparison.class, RuleParser.parse(text));
    }

    @Test
    void readsEveryOperator() {
        assertEquals(Operator.EQ, comparison("city = 'Paris'").op());
        assertEquals(Operator.NE, comparison("city != 'Paris'").op());
        assertEquals(Operator.NE, comparison("city <> 'Paris'").op());
        assertEquals(Operator.LT, comparison("n < 2").op());
        assertEquals(Operator.LE, comparison("n <= 2").op());
        assertEquals(Operator.GT, comparison("n > -2.5").op());
        assertEquals(
                new BigDecimal("-2.5"), comparison("n > -2.5").values().get(0).value());
        assertEquals(Operator.GE, comparison("n >= 2").op());
        Comparison in = comparison("city in ('Paris', 'Lyon')");
        assertEquals(Operator.IN, in.op());
        assertEquals(
                List.of("Paris", "Lyon"),
                in.values().stream().map(SegmentRule.Literal::value).toList());
        assertEquals(Operator.NOT_IN, comparison("city not in ('Paris')").op());
        Comparison between = comparison("n between 1 and 5");
        assertEquals(Operator.BETWEEN, between.op());
        assertEquals(2, between.values().size());
        assertEquals(Operator.IS_NULL, comparison("city is null").op());
        assertEquals(Operator.IS_NOT_NULL, comparison("city IS NOT NULL").op());
        assertEquals(Operator.CONTAINS, comparison("campaign contains 'shoe'").op());
        assertEquals(
                Operator.STARTS_WITH, comparison("campaign starts with 'cmp_'").op());
        assertEquals(true, comparison("flag = true").values().get(0).value());
        assertEquals("it's", comparison("name = 'it''s'").values().get(0).value());
    }

    @Test
    void andBindsTighterThanOrAndParenthesesGroup() {
        Any any = assertInstanceOf(Any.class, RuleParser.parse("a = 1 and b = 2 or c = 3"));
        assertInstanceOf(All.class, any.rules().get(0));
        All all = assertInstanceOf(All.class, RuleParser.parse("a = 1 and (b = 2 or c = 3)"));
        assertInstanceOf(Any.class, all.rules().get(1));
        Not not = assertInstanceOf(Not.class, RuleParser.parse("not (a = 1 or not segment('x'))"));
        Any inner = assertInstanceOf(Any.class, not.rule());
        InSegment ref = assertInstanceOf(
                InSegment.class,
                assertInstanceOf(Not.class, inner.rules().get(1)).rule());
        assertEquals("x", ref.segmentId());
    }

    @Test
    void errorsSayWhereAndWhatWasExpected() {
        SegmentRuleException e = assertThrows(SegmentRuleException.class, () -> RuleParser.parse("purchases_30d >= "));
        assertEquals(
                "at position 18: expected a value: a number, text in single quotes, true or false, got the end of "
                        + "the rule",
                e.getMessage());
        e = assertThrows(SegmentRuleException.class, () -> RuleParser.parse("a = 1 b = 2"));
        assertEquals(7, e.position());
        assertTrue(e.getMessage().contains("expected 'and', 'or' or the end of the rule, got 'b'"), e.getMessage());
        e = assertThrows(SegmentRuleException.class, () -> RuleParser.parse("a between 1 or 2"));
        assertTrue(e.getMessage().contains("expected 'and' between the two bounds"), e.getMessage());
        assertThrows(SegmentRuleException.class, () -> RuleParser.parse(" "));
    }

    /** Every one of these is SQL, not our language: each must be a parse error, never a query. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "city = 'Paris' or 1=1 --",
                "city = 'Paris'; DROP TABLE profiles",
                "city = 'Paris' /* comment */",
                "city = ''' or ''1''=''1",
                "city = 'Paris",
                "reflect('java.lang.Runtime', 'getRuntime') = 1",
                "city = reflect('java.lang.System', 'getenv')",
                "java_method('java.lang.System', 'exit', 0) = 1",
                "n > (select max(n) from profiles)",
                "n in (select person_id from segment_membership)",
                "city = \"Paris\"",
                "n = 1e10",
                "`city` = 'Paris'",
                "city = 'Paris' union select 1",
                "segment(1)",
                "segment('a' || 'b')",
                "upper(city) = 'PARIS'",
                "n + 1 > 2"
            })
    void sqlAndCodeInjectionAreParseErrors(String rule) {
        assertThrows(SegmentRuleException.class, () -> RuleParser.parse(rule));
    }
}
