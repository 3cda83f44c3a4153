package io.audiencelake.common.sample;

/**
 * The feeds the generator writes, with where and how each is stored. Clickstream, partner and
 * third-party files are gzipped and so cannot be split by a reader; CRM and consent are plain.
 */
public enum SampleFeed {
    CLICKSTREAM("clickstream", "jsonl.gz", "first-party web and app events, JSON lines"),
    CRM("crm", "csv", "first-party CRM extract, comma-separated with a header"),
    PARTNER("partner", "tsv.gz", "second-party partner records, tab-separated with a header"),
    THIRD_PARTY("thirdparty", "csv.gz", "third-party taxonomy and demographic segments, '|'-separated"),
    CONSENT("consent", "csv", "consent state per subject and purpose, comma-separated with a header");

    private final String folder;
    private final String extension;
    private final String description;

    SampleFeed(String folder, String extension, String description) {
        this.folder = folder;
        this.extension = extension;
        this.description = description;
    }

    /** The feed's folder under the landing root, and its id in feed contracts. */
    public String folder() {
        return folder;
    }

    public String extension() {
        return extension;
    }

    public boolean gzipped() {
        return extension.endsWith(".gz");
    }

    public String description() {
        return description;
    }
}
