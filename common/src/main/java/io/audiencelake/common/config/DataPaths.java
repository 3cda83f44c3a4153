package io.audiencelake.common.config;

/**
 * Where data lives: absolute local paths or {@code s3a://} URIs. Each defaults to a folder of the
 * same name under {@code root}, so one setting moves everything.
 *
 * @param groundTruth where the generator writes the hidden truth (never under landing, so ingest
 *     cannot mistake it for a feed)
 */
public record DataPaths(
        String root, String landing, String warehouse, String exports, String reports, String groundTruth) {

    /** Joins a child name onto a local path or URI without disturbing its scheme. */
    public static String join(String base, String child) {
        return base.endsWith("/") ? base + child : base + "/" + child;
    }
}
