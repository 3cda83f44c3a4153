package io.audiencelake.common.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Retries, backoff, rate limit and refusals against a local server that plays the platform. */
class BatchSenderTest {
    private static final byte[] BODY = "{\"ids\": [\"a\"]}".getBytes(StandardCharsets.UTF_8);

    private static HttpBatchSettings settings(int maxAttempts, double rps) {
        return new HttpBatchSettings(
                "http://127.0.0.1/x",
                PlatformFormat.GENERIC,
                100,
                rps,
                maxAttempts,
                Duration.ofMillis(100),
                Duration.ofMillis(1000),
                Duration.ofSeconds(10),
                "T",
                Map.of(),
                "/tmp/cursor");
    }

    /** A sender whose waits are recorded, not slept, on a clock a second further at each reading (no rate limit). */
    private static BatchSender sender(HttpBatchSettings s, List<Duration> waits) {
        long[] now = {0};
        return new BatchSender(
                HttpClient.newHttpClient(),
                s,
                "secret-token",
                waits::add,
                new SplittableRandom(7),
                () -> now[0] += 1_000_000_000L);
    }

    @Test
    void throttledAndFailingRequestsAreRetriedWithTheSameKeyUntilAccepted() throws Exception {
        try (FakeAdPlatform platform = new FakeAdPlatform()) {
            platform.script((n, accepted) -> n == 1 ? 429 : n == 2 ? 503 : 200);
            List<Duration> waits = new ArrayList<>();
            BatchSender.Answer answer = sender(settings(5, 1_000_000), waits)
                    .send(URI.create(platform.url() + "/audiences/1/users"), "POST", BODY, "key-1", "batch 1");

            assertEquals(new BatchSender.Answer(200, 3), answer);
            List<FakeAdPlatform.Request> requests = platform.requests();
            assertEquals(3, requests.size());
            requests.forEach(r -> {
                assertEquals("key-1", r.idempotencyKey(), "every attempt carries the batch's key");
                assertEquals("Bearer secret-token", r.authorization());
                assertEquals("{\"ids\": [\"a\"]}", r.body());
            });
            // Retry-After: 0 after the 429 is obeyed; after the 503 our own backoff: at most 2 x 100 ms.
            assertEquals(2, waits.size(), waits.toString());
            assertEquals(Duration.ZERO, waits.get(0));
            assertTrue(waits.get(1).toMillis() <= 200, "backoff after the second attempt: " + waits.get(1));
        }
    }

    @Test
    void aRefusalIsNotRetriedAndSaysWhatThePlatformSaid() throws Exception {
        try (FakeAdPlatform platform = new FakeAdPlatform()) {
            platform.script((n, accepted) -> 400);
            BatchSender.Refused e = assertThrows(
                    BatchSender.Refused.class,
                    () -> sender(settings(5, 1_000_000), new ArrayList<>())
                            .send(URI.create(platform.url() + "/a"), "POST", BODY, "k", "ads batch 3"));
            assertEquals(1, platform.requests().size(), "a 400 is not asked again");
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "ads batch 3 refused with HTTP 400: {\"error\": {\"message\": \"scripted 400\"}}"),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("secret-token"));
        }
    }

    @Test
    void aBatchStillFailingAfterTheLastAttemptFailsTheDelivery() throws Exception {
        try (FakeAdPlatform platform = new FakeAdPlatform()) {
            platform.script((n, accepted) -> 500);
            List<Duration> waits = new ArrayList<>();
            BatchSender.Refused e = assertThrows(
                    BatchSender.Refused.class,
                    () -> sender(settings(4, 1_000_000), waits)
                            .send(URI.create(platform.url() + "/a"), "POST", BODY, "k", "batch 9"));
            assertEquals(4, platform.requests().size());
            assertEquals(3, waits.size(), "a wait between attempts, none after the last");
            assertTrue(e.getMessage().contains("batch 9 still failing after 4 attempts: HTTP 500"), e.getMessage());
        }
    }

    @Test
    void aLostConnectionIsRetried() {
        List<Duration> waits = new ArrayList<>();
        // Nothing listens on port 9 of the loopback address: every attempt is refused at connect.
        BatchSender.Refused e = assertThrows(
                BatchSender.Refused.class,
                () -> sender(settings(3, 1_000_000), waits)
                        .send(URI.create("http://127.0.0.1:9/a"), "POST", BODY, "k", "batch 1"));
        assertEquals(2, waits.size(), waits.toString());
        assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
    }

    @Test
    void requestsAreSpacedByTheRateLimit() throws Exception {
        try (FakeAdPlatform platform = new FakeAdPlatform()) {
            List<Duration> waits = new ArrayList<>();
            // 4 per second, on a clock that stands still: each request after the first waits a quarter second.
            BatchSender sender = new BatchSender(
                    HttpClient.newHttpClient(), settings(3, 4), null, waits::add, new SplittableRandom(7), () -> 0L);
            for (int i = 0; i < 3; i++) {
                sender.send(URI.create(platform.url() + "/a"), "POST", BODY, "k" + i, "batch " + i);
            }
            assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(250)), waits);
            assertEquals(null, platform.requests().get(0).authorization(), "no token_env: no Authorization header");
        }
    }

    @Test
    void backoffDoublesUpToItsCeilingWithFullJitter() {
        HttpBatchSettings s = settings(10, 1);
        SplittableRandom random = new SplittableRandom(1);
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = Math.min(1000, 100L << (attempt - 1));
            long most = 0;
            for (int draw = 0; draw < 200; draw++) {
                long ms = BatchSender.backoff(s, random, attempt).toMillis();
                assertTrue(ms >= 0 && ms <= ceiling, "attempt " + attempt + ": " + ms);
                most = Math.max(most, ms);
            }
            assertTrue(most > ceiling / 2, "draws spread up to the ceiling " + ceiling + ": " + most);
        }
        assertTrue(BatchSender.retryable(429) && BatchSender.retryable(503) && !BatchSender.retryable(401));
    }
}
