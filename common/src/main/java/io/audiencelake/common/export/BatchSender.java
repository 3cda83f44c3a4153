package io.audiencelake.common.export;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Sends batches to a platform the way its API asks to be called: no faster than the rate limit, with the batch's
 * idempotency key on every attempt, and on 429, 5xx or a lost connection again after an exponential backoff with
 * full jitter (a random wait between zero and the doubled delay, so many clients throttled at once do not come
 * back at once), or after the platform's {@code Retry-After}. Any other refusal (400, 401, 403, 404 ...) will not
 * change by asking again: it fails the delivery at once.
 */
final class BatchSender {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final int SNIPPET = 300;

    /** The platform's acknowledgement of a batch: its status, and the requests it took. */
    record Answer(int status, int attempts) {}

    /** Thrown when a batch is refused, or still failing after the last attempt: the delivery stops there. */
    static final class Refused extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final HttpClient client;
    private final HttpBatchSettings settings;
    private final String authorization;
    private final DestinationContext.Pause pause;
    private final RandomGenerator random;
    private final LongSupplier nanoTime;
    private long lastStart = Long.MIN_VALUE;

    BatchSender(
            HttpClient client,
            HttpBatchSettings settings,
            String token,
            DestinationContext.Pause pause,
            RandomGenerator random,
            LongSupplier nanoTime) {
        this.client = client;
        this.settings = settings;
        this.authorization = token == null ? null : "Bearer " + token;
        this.pause = pause;
        this.random = random;
        this.nanoTime = nanoTime;
    }

    /** Sends {@code body} until the platform accepts it; {@code what} names the batch in messages. */
    Answer send(URI uri, String method, byte[] body, String key, String what) {
        String last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            awaitRateLimit();
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<String> response =
                        client.send(request(uri, method, body, key), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Answer(status, attempt);
                }
                last = "HTTP " + status + snippet(response.body());
                if (!retryable(status)) {
                    throw new Refused(what + " refused with " + last + "; not retried (the request itself is refused)");
                }
                retryAfter = response.headers().firstValue("Retry-After").flatMap(BatchSender::seconds);
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused(what + " interrupted");
            }
            if (attempt < settings.maxAttempts()) {
                int tried = attempt;
                sleep(retryAfter.orElseGet(() -> backoff(settings, random, tried)), what);
            }
        }
        throw new Refused(what + " still failing after " + settings.maxAttempts() + " attempts: " + last);
    }

    /** The wait before retry {@code attempt} + 1: uniform in [0, min(max, initial * 2^(attempt-1))]. */
    static Duration backoff(HttpBatchSettings settings, RandomGenerator random, int attempt) {
        long cap = settings.maxBackoff().toMillis();
        long exponential = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 30);
        long ceiling = Math.min(cap, exponential < 0 ? cap : exponential);
        return Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
    }

    static boolean retryable(int status) {
        return status == 429 || status == 408 || status >= 500;
    }

    private HttpRequest request(URI uri, String method, byte[] body, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header(IDEMPOTENCY_KEY, key)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    /** Spaces the starts of requests (retries included) by at least 1 / requests_per_second. */
    private void awaitRateLimit() {
        long interval = (long) (1_000_000_000L / settings.requestsPerSecond());
        long now = nanoTime.getAsLong();
        if (lastStart != Long.MIN_VALUE && now - lastStart < interval) {
            sleep(Duration.ofNanos(interval - (now - lastStart)), "rate limit");
            now = nanoTime.getAsLong();
        }
        lastStart = now;
    }

    private void sleep(Duration d, String what) {
        try {
            pause.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(what + " interrupted");
        }
    }

    private static Optional<Duration> seconds(String header) {
        try {
            long s = Long.parseLong(header.trim());
            return s >= 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: fall back to our own backoff
        }
    }

    /** The start of a refusal's body, on one line, for the message (a platform's error names the problem). */
    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = body.replaceAll("\\s+", " ").strip();
        return ": " + (flat.length() > SNIPPET ? flat.substring(0, SNIPPET) + "..." : flat);
    }
}
