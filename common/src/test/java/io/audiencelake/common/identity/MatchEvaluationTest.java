package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class MatchEvaluationTest {
    @Test
    void pairwisePrecisionRecallAndExactPersonsFromGroupSizes() {
        // Predicted: {a,b,c} {d} {e,f}; truth: {a,b} {c,d} {e,f}; x is only in the graph, y only in the truth.
        Dataset<Row> graph = Frames.of(
                "id_type string, id_value string, person_id string",
                row("cookie", "a", "P1"),
                row("cookie", "b", "P1"),
                row("cookie", "c", "P1"),
                row("cookie", "d", "P2"),
                row("email", "e", "P3"),
                row("email", "f", "P3"),
                row("cookie", "x", "P4"));
        Dataset<Row> truth = Frames.of(
                "id_type string, id_value string, truth_key string",
                row("cookie", "a", "T1"),
                row("cookie", "b", "T1"),
                row("cookie", "c", "T2"),
                row("cookie", "d", "T2"),
                row("email", "e", "T3"),
                row("email", "f", "T3"),
                row("cookie", "y", "T3"));
        MatchEvaluation.Scores s = MatchEvaluation.score(graph, truth);
        assertEquals(6, s.identifiers());
        assertEquals(4, s.predictedPairs()); // ab ac bc ef
        assertEquals(3, s.truePairs()); // ab cd ef
        assertEquals(2, s.truePositives()); // ab ef
        assertEquals(0.5, s.precision(), 1e-12);
        assertEquals(2.0 / 3, s.recall(), 1e-12);
        assertEquals(2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3), s.f1(), 1e-12);
        assertEquals(1.0 / 3, s.exactPersonShare(), 1e-12, "only T3 = P3 exactly");
    }

    @Test
    void theReportScoresTheDeterministicLinksAloneEachDeviceKindAndHouseholdMixing() {
        // Truth: person T1 (household H1) has email e1, desktop d1, phone m1; T2 (H1) has phone m2; T3 (H2) has
        // desktop d3. Predicted: {e1, d1, m2} {m1} {d3}: m2 of T1's household member joined T1.
        Dataset<Row> truth = Frames.of(
                "id_type string, id_value string, truth_key string, device_kind string, household_key string",
                row("email", "e1", "T1", null, "H1"),
                row("cookie", "d1", "T1", "desktop_web", "H1"),
                row("cookie", "m1", "T1", "mobile_web", "H1"),
                row("cookie", "m2", "T2", "mobile_web", "H1"),
                row("cookie", "d3", "T3", "desktop_web", "H2"));
        Dataset<Row> graph = Frames.of(
                "id_type string, id_value string, person_id string",
                row("email", "e1", "P1"),
                row("cookie", "d1", "P1"),
                row("cookie", "m2", "P1"),
                row("cookie", "m1", "P2"),
                row("cookie", "d3", "P3"));
        // Deterministic links alone: only e1-d1.
        Dataset<Row> alone = Frames.of(
                "id_type string, id_value string, person_id string",
                row("email", "e1", "C1"),
                row("cookie", "d1", "C1"),
                row("cookie", "m2", "C2"),
                row("cookie", "m1", "C3"),
                row("cookie", "d3", "C4"));
        MatchEvaluation.Report report = MatchEvaluation.report(graph, Map.of("deterministic", alone), truth);
        // All: predicted e1d1 e1m2 d1m2; true e1d1 e1m1 d1m1; common e1d1.
        assertEquals(1.0 / 3, report.all().precision(), 1e-12);
        assertEquals(1.0 / 3, report.all().recall(), 1e-12);
        assertEquals(1.0, report.byMethod().get("deterministic").precision(), 1e-12);
        assertEquals(1.0 / 3, report.byMethod().get("deterministic").recall(), 1e-12);
        // Desktop pairs: predicted e1d1 d1m2, true e1d1 d1m1, common e1d1.
        MatchEvaluation.Scores desktop = report.byDeviceKind().get("desktop_web");
        assertEquals(2, desktop.identifiers());
        assertEquals(2, desktop.predictedPairs());
        assertEquals(2, desktop.truePairs());
        assertEquals(1, desktop.truePositives());
        // Mobile pairs: predicted e1m2 d1m2 (wrong), true e1m1 d1m1 (missed).
        MatchEvaluation.Scores mobile = report.byDeviceKind().get("mobile_web");
        assertEquals(2, mobile.predictedPairs());
        assertEquals(2, mobile.truePairs());
        assertEquals(0, mobile.truePositives());
        assertEquals(
                List.of("desktop_web", "mobile_web"),
                List.copyOf(report.byDeviceKind().keySet()));
        // P1 holds T1 and T2 of household H1; no person holds two households.
        assertEquals(3, report.mixing().persons());
        assertEquals(1, report.mixing().withHouseholdMember());
        assertEquals(0, report.mixing().acrossHouseholds());
    }

    @Test
    void withoutHouseholdsOrDeviceKindsTheReportLeavesThemOut() {
        Dataset<Row> truth = Frames.of(
                "id_type string, id_value string, truth_key string, device_kind string, household_key string",
                row("email", "a", "T1", null, null),
                row("email", "b", "T1", null, null));
        Dataset<Row> graph = Frames.of(
                "id_type string, id_value string, person_id string", row("email", "a", "P1"), row("email", "b", "P1"));
        MatchEvaluation.Report report = MatchEvaluation.report(graph, Map.of(), truth);
        assertEquals(1.0, report.all().f1(), 1e-12);
        assertTrue(report.byDeviceKind().isEmpty());
        assertNull(report.mixing());
    }

    @Test
    void blockingRecallCountsTheTruePairsEachRuleMadeCandidates() {
        Dataset<Row> truth = Frames.of(
                "id_type string, id_value string, truth_key string",
                row("customer_id", "a1", "T1"),
                row("partner_id", "b1", "T1"),
                row("customer_id", "a2", "T2"),
                row("partner_id", "b2", "T2"),
                row("customer_id", "a3", "T3"));
        Dataset<Row> compared = Frames.of(
                "model string, src_type string, src_value string, dst_type string, dst_value string, "
                        + "rules array<string>",
                row("m", "customer_id", "a1", "partner_id", "b1", List.of("title", "words")),
                row("m", "partner_id", "b2", "customer_id", "a2", List.of("words")),
                row("m", "customer_id", "a3", "partner_id", "b1", List.of("title", "words")));
        assertEquals(
                Map.of("m", 2L, "m/title", 1L, "m/words", 2L),
                MatchEvaluation.trueCandidates(compared, truth),
                "a1-b1 by both rules, b2-a2 by words (either way round); a3-b1 is no true pair");
    }
}
