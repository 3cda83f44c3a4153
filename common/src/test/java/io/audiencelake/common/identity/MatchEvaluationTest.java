package io.audiencelake.common.identity;

import static io.audiencelake.common.identity.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
