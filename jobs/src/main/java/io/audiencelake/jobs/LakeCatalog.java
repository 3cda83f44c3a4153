package io.audiencelake.jobs;

import io.audiencelake.common.export.ExportTables;
import io.audiencelake.common.feeds.FeedFiles;
import io.audiencelake.common.feeds.Quarantine;
import io.audiencelake.common.feeds.RawAttributes;
import io.audiencelake.common.feeds.RawEvents;
import io.audiencelake.common.feeds.RawIdentifiers;
import io.audiencelake.common.identity.IdEdges;
import io.audiencelake.common.identity.IdGraph;
import io.audiencelake.common.identity.IdMatchMetrics;
import io.audiencelake.common.lake.TableSpec;
import io.audiencelake.common.lookalike.LookalikeTables;
import io.audiencelake.common.privacy.ErasureRequests;
import io.audiencelake.common.profiles.ProfileActivity;
import io.audiencelake.common.profiles.ProfileLifetime;
import io.audiencelake.common.profiles.ProfileRules;
import io.audiencelake.common.profiles.Profiles;
import io.audiencelake.common.profiles.Sessions;
import io.audiencelake.common.runs.JobRuns;
import io.audiencelake.common.segments.SegmentTables;
import io.audiencelake.common.storage.LandingFiles;
import java.util.List;

/** Every table the jobs write, in pipeline order (the profiles tables' columns follow traits.yaml). */
final class LakeCatalog {
  private LakeCatalog() {}

  static List<TableSpec> all(ProfileRules traits) {
    return List.of(LandingFiles.SPEC, FeedFiles.SPEC, RawEvents.SPEC, RawIdentifiers.SPEC, RawAttributes.SPEC,
        Quarantine.SPEC, IdEdges.SPEC, IdGraph.SPEC, IdMatchMetrics.SPEC, Sessions.SPEC,
        // Only the name and location matter to a reader; the state tables' measure columns come from the data.
        ProfileActivity.spec(List.of()), ProfileLifetime.spec(List.of()), Profiles.spec(traits),
        SegmentTables.MEMBERSHIP, SegmentTables.CHANGES, SegmentTables.STATS, SegmentTables.OVERLAPS,
        LookalikeTables.MODEL_RUNS, LookalikeTables.SCORES, ExportTables.AUDIENCE, ExportTables.LOG,
        ErasureRequests.SPEC, JobRuns.SPEC);
  }
}
