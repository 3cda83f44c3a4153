package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelinePlanTest {
    private static final LocalDate D1 = LocalDate.of(2025, 3, 30);
    private static final LocalDate D3 = LocalDate.of(2025, 4, 1);

    private static List<String> steps(PipelinePlan plan) {
        return plan.steps().stream().map(PipelinePlan.Step::toString).toList();
    }

    @Test
    void aBackfillRunsEveryJobOfADateBeforeTheNextDateOldestFirst() {
        List<String> steps = steps(PipelinePlan.of(D1, D3, null, null));
        assertEquals(24, steps.size());
        assertEquals(
                List.of(
                        "ingest 2025-03-30",
                        "identity 2025-03-30",
                        "profiles 2025-03-30",
                        "segments 2025-03-30",
                        "lookalike 2025-03-30",
                        "export 2025-03-30",
                        "lift 2025-03-30",
                        "report 2025-03-30",
                        "ingest 2025-03-31"),
                steps.subList(0, 9));
        assertEquals("report 2025-04-01", steps.get(23));
    }

    @Test
    void fromResumesTheFirstDateOnlyAndToStopsEachDate() {
        assertEquals(
                List.of(
                        "segments 2025-03-30",
                        "lookalike 2025-03-30",
                        "ingest 2025-03-31",
                        "identity 2025-03-31",
                        "profiles 2025-03-31",
                        "segments 2025-03-31",
                        "lookalike 2025-03-31"),
                steps(PipelinePlan.of(D1, D1.plusDays(1), "segments", "lookalike")));
        PipelinePlan plan = PipelinePlan.of(D1, D3, "profiles", null);
        assertEquals(
                "audiencelake pipeline --dates 2025-03-31..2025-04-01 --from identity",
                plan.resumeCommand(new PipelinePlan.Step(D1.plusDays(1), "identity"), D3, null));
        assertEquals(
                "audiencelake pipeline --date 2025-04-01 --from export --to export",
                plan.resumeCommand(new PipelinePlan.Step(D3, "export"), D3, "export"));
    }

    @Test
    void badRangesAndJobsAreRefused() {
        assertTrue(assertThrows(ConfigException.class, () -> PipelinePlan.of(D3, D1, null, null))
                .getMessage()
                .contains("the range ends (2025-03-30) before it starts (2025-04-01)"));
        assertTrue(assertThrows(ConfigException.class, () -> PipelinePlan.of(D1, D1, "segmets", null))
                .getMessage()
                .contains(
                        "--from: unknown job 'segmets'; expected one of [ingest, identity, profiles, segments, lookalike, export, "
                                + "lift, report]"));
        assertTrue(assertThrows(ConfigException.class, () -> PipelinePlan.of(D1, D1, "export", "ingest"))
                .getMessage()
                .contains("--to ingest comes before --from export"));
    }
}
