package io.audiencelake.common.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.ConfigException;
import io.audiencelake.common.feeds.FeedContract;
import io.audiencelake.common.feeds.FeedContracts;
import io.audiencelake.common.profiles.ProfileRulesLoader;
import io.audiencelake.common.segments.SegmentDefinitions;
import io.audiencelake.common.segments.SegmentDefinitionsLoader;
import io.audiencelake.common.storage.FileDrop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** destinations.yaml: the common fields, and each kind's own fields read by its writer. */
class DestinationsLoaderTest {
    private static final Path CONF =
            Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
    private static final Collection<FeedContract> CONTRACTS =
            FeedContracts.load(CONF.resolve("feeds")).values();
    private static final SegmentDefinitions SEGMENTS = SegmentDefinitionsLoader.load(
            CONF.resolve("segments.yaml"), ProfileRulesLoader.load(CONF.resolve("traits.yaml"), CONTRACTS), CONTRACTS);
    private static final String COMMON = "id: buyers, owner: crm, identifier: email, segments: [buyers_90d], "
            + "consent: email_marketing, allowed_labels: [first_party, behavioural]";

    @TempDir
    Path dir;

    private Destinations load(String destination) throws IOException {
        Path file = Files.writeString(dir.resolve("destinations.yaml"), "destinations:\n  - {" + destination + "}\n");
        return DestinationsLoader.load(file, SEGMENTS, null, "/exports");
    }

    private String refused(String destination) {
        return assertThrows(ConfigException.class, () -> load(destination)).getMessage();
    }

    @Test
    void aDestinationWithoutKindIsAFileDropUnderTheExportsRoot() throws IOException {
        Destination d = load(COMMON + ", format: jsonl, compression: none")
                .destinations()
                .get(0);
        assertEquals(DestinationKind.S3_FILE_DROP, d.kind());
        assertEquals(new FileDropWriter("/exports/buyers", FileDrop.Format.JSONL, false), d.writer());
        assertEquals("/exports/buyers", d.writer().target());
        Destination located = load(COMMON + ", kind: s3_file_drop, location: 's3a://drops/crm'")
                .destinations()
                .get(0);
        assertEquals(new FileDropWriter("s3a://drops/crm", FileDrop.Format.CSV, true), located.writer());
    }

    @Test
    void anUnknownKindOrAFieldNoKindTakesIsRefusedWithItsPath() {
        String kind = refused(COMMON + ", kind: ftp");
        assertTrue(kind.contains("destinations[0].kind: expected one of s3_file_drop, got 'ftp'"), kind);
        String field = refused(COMMON + ", endpoint: 'https://ads.example.com'");
        assertTrue(field.contains("destinations[0].endpoint: unknown field"), field);
        String compression = refused(COMMON + ", compression: zip");
        assertTrue(compression.contains("destinations[0].compression: expected gzip or none, got 'zip'"), compression);
    }
}
