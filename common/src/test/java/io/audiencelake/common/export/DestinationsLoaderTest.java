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
        return DestinationsLoader.load(file, SEGMENTS, null, new DestinationContext("/exports", name -> null, d -> {}));
    }

    private String refused(String destination) {
        return assertThrows(ConfigException.class, () -> load(destination)).getMessage();
    }

    /** With AD_TOKEN set in the environment the loader is given. */
    private Destinations loadHttp(String fields) throws IOException {
        Path file = Files.writeString(
                dir.resolve("destinations.yaml"),
                "destinations:\n  - {id: ads, owner: perf, "
                        + (fields.contains("identifier:") ? "" : "identifier: maid, ")
                        + "segments: [buyers_90d], "
                        + "consent: ad_targeting, allowed_labels: [first_party, behavioural], kind: http_batch, "
                        + fields + "}\n");
        return DestinationsLoader.load(
                file,
                SEGMENTS,
                null,
                new DestinationContext("/exports", name -> name.equals("AD_TOKEN") ? "t0ken-value" : null, d -> {}));
    }

    private String refusedHttp(String fields) {
        return assertThrows(ConfigException.class, () -> loadHttp(fields)).getMessage();
    }

    @Test
    void anHttpBatchDestinationReadsItsFieldsAndTheTokenFromTheEnvironment() throws IOException {
        Destination d = loadHttp("mode: incremental, endpoint: 'https://graph.example.com/v21.0/{audience}/users', "
                        + "payload: meta_custom_audiences, batch_size: 10000, requests_per_second: 2, "
                        + "max_attempts: 3, backoff_ms: 200, token_env: AD_TOKEN, audiences: {buyers_90d: '6001'}")
                .destinations()
                .get(0);
        assertEquals(DestinationKind.HTTP_BATCH, d.kind());
        HttpBatchSettings s = ((HttpBatchWriter) d.writer()).settings();
        assertEquals(PlatformFormat.META_CUSTOM_AUDIENCES, s.payload());
        assertEquals(10_000, s.batchSize());
        assertEquals(3, s.maxAttempts());
        assertEquals("6001", s.audiences().get("buyers_90d"));
        assertEquals("/exports/ads", s.cursor());
        assertTrue(!d.toString().contains("t0ken-value"), "the token is in no printed form: " + d);
    }

    @Test
    void anHttpBatchDestinationIsRefusedBeforeAnyExportWhenItCouldNotWork() {
        String all = refusedHttp("mode: full, endpoint: 'ftp://x/y', payload: meta_custom_audiences, "
                + "batch_size: 20000, token_env: MISSING_TOKEN");
        assertTrue(all.contains("destinations[0].kind: an http_batch destination sends adds and removes"), all);
        assertTrue(all.contains("destinations[0].endpoint: expected an http:// or https:// URL"), all);
        assertTrue(all.contains("destinations[0].batch_size: must be between 1 and 10000"), all);
        assertTrue(all.contains("destinations[0].token_env: environment variable MISSING_TOKEN is not set"), all);
        String secret = refusedHttp("mode: incremental, endpoint: 'https://x.example/a?access_token=abc'");
        assertTrue(secret.contains("holds a credential in its query ('access_token')"), secret);
        assertTrue(!secret.contains("abc"), "the credential itself is not repeated: " + secret);
        String phone = assertThrows(
                        ConfigException.class,
                        () -> loadHttp("mode: incremental, endpoint: 'https://x.example/a', payload: "
                                + "meta_custom_audiences, identifier: phone"))
                .getMessage();
        assertTrue(phone.contains("Meta hashes phones as digits without '+'"), phone);
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
        assertTrue(kind.contains("destinations[0].kind: expected one of s3_file_drop, http_batch, got 'ftp'"), kind);
        String field = refused(COMMON + ", endpoint: 'https://ads.example.com'");
        assertTrue(field.contains("destinations[0].endpoint: unknown field"), field);
        String compression = refused(COMMON + ", compression: zip");
        assertTrue(compression.contains("destinations[0].compression: expected gzip or none, got 'zip'"), compression);
    }
}
