package io.audiencelake.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a job did, in counts: rows read, written and quarantined, and further named counts (rows
 * per table, files per feed) that go into {@code job_runs}.
 */
public record JobResult(long rowsIn, long rowsOut, long rowsQuarantined, Map<String, Long> counts) {

  public JobResult {
    counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }
}
