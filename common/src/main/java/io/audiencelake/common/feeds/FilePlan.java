package io.audiencelake.common.feeds;

import io.audiencelake.common.storage.LandingFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which landing files an ingest run processes: new files and files that failed before. A file
 * already ingested is skipped; one that changed since (other size or time) is reported and skipped
 * too, because reprocessing it silently would change data already published.
 *
 * @param process files to read now
 * @param alreadyIngested unchanged files ingested by an earlier run
 * @param changed files ingested earlier that are no longer what was ingested
 */
public record FilePlan(List<LandingFile> process, List<LandingFile> alreadyIngested, List<LandingFile> changed) {

    /** What the manifest recorded for a file. */
    public record Seen(long bytes, Instant modifiedAt, String status) {}

    public static FilePlan of(List<LandingFile> files, Map<String, Seen> manifest) {
        return of(files, manifest, feed -> false);
    }

    /**
     * As {@link #of(List, Map)}, but a changed file of a feed for which {@code reingest} holds is processed
     * again (its contract says {@code on_change: reingest}: the source replaces files in place on purpose).
     */
    public static FilePlan of(List<LandingFile> files, Map<String, Seen> manifest, Predicate<String> reingest) {
        List<LandingFile> process = new ArrayList<>();
        List<LandingFile> done = new ArrayList<>();
        List<LandingFile> changed = new ArrayList<>();
        for (LandingFile f : files) {
            Seen seen = manifest.get(f.path());
            if (seen == null || !FeedFiles.INGESTED.equals(seen.status())) {
                process.add(f);
            } else if (seen.bytes() == f.bytes() && seen.modifiedAt().equals(f.modifiedAt())) {
                done.add(f);
            } else if (reingest.test(f.feed())) {
                process.add(f);
            } else {
                changed.add(f);
            }
        }
        return new FilePlan(List.copyOf(process), List.copyOf(done), List.copyOf(changed));
    }
}
