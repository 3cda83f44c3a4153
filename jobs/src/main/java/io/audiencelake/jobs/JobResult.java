package io.audiencelake.jobs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job did, in counts: rows read, written and quarantined, and further named counts (rows
 * per table, files per feed) that go into {@code job_runs}.
 *
 * @param failures parts that failed while the rest was committed (e.g. one bad file of many): the
 *     run is recorded as failed and exits 1
 */
public record JobResult(
        long rowsIn, long rowsOut, long rowsQuarantined, Map<String, Long> counts, List<String> failures) {

    public JobResult {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        failures = List.copyOf(failures);
    }

    public JobResult(long rowsIn, long rowsOut, long rowsQuarantined, Map<String, Long> counts) {
        this(rowsIn, rowsOut, rowsQuarantined, counts, List.of());
    }

    public boolean failed() {
        return !failures.isEmpty();
    }
}
