package io.audiencelake.common.export;

import io.audiencelake.common.config.ConfigNode;
import io.audiencelake.common.config.DataPaths;
import io.audiencelake.common.config.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

/**
 * The fields of an {@link DestinationKind#HTTP_BATCH} destination in destinations.yaml.
 *
 * @param endpoint the URL batches are sent to; {@code {audience}} in it becomes the segment's platform audience
 * @param payload the platform's request format (which also decides the method of removes)
 * @param batchSize identifiers per request (at most what the platform takes)
 * @param requestsPerSecond the rate limit: starts of requests, retries included, are spaced by its inverse
 * @param maxAttempts requests per batch before the delivery fails (1 = no retry)
 * @param initialBackoff the first retry's ceiling; doubled per retry up to {@code maxBackoff}
 * @param tokenEnv the environment variable holding the bearer token (credentials never sit in a file), or null
 * @param audiences platform audience ids per segment id (default: the segment id)
 * @param cursor the folder of the per-date delivery cursors ({@code <cursor>/dt=<date>/})
 */
public record HttpBatchSettings(
        String endpoint,
        PlatformFormat payload,
        int batchSize,
        double requestsPerSecond,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration timeout,
        String tokenEnv,
        Map<String, String> audiences,
        String cursor) {

    /** The platforms' documented ceilings per request: Meta 10,000 rows; Google Customer Match 100,000 operations. */
    static final Map<PlatformFormat, Integer> MAX_BATCH = Map.of(
            PlatformFormat.GENERIC, 100_000,
            PlatformFormat.META_CUSTOM_AUDIENCES, 10_000,
            PlatformFormat.GOOGLE_CUSTOMER_MATCH, 100_000);

    public HttpBatchSettings {
        audiences = Map.copyOf(audiences);
    }

    /** Reads and checks the kind's fields of destination {@code id}; problems are recorded on {@code d}. */
    static HttpBatchSettings read(ConfigNode d, String id, String exportsRoot) {
        String endpoint = d.requiredString("endpoint");
        if (endpoint != null) {
            checkEndpoint(d, endpoint);
        }
        PlatformFormat payload = d.enumValue("payload", PlatformFormat.class, PlatformFormat.GENERIC);
        int batchSize =
                d.intValue("batch_size", 1000, 1, MAX_BATCH.get(payload == null ? PlatformFormat.GENERIC : payload));
        String tokenEnv = d.string("token_env", null);
        if (tokenEnv != null && !tokenEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            d.problem("token_env", "expected the name of an environment variable, got '" + tokenEnv + "'");
        }
        String cursor = d.string("cursor", id == null ? null : DataPaths.join(exportsRoot, id));
        return new HttpBatchSettings(
                endpoint,
                payload,
                batchSize,
                d.doubleValue("requests_per_second", 5, 0.001, 10_000),
                d.intValue("max_attempts", 6, 1, 50),
                Duration.ofMillis(d.longValue("backoff_ms", 1000, 0, 3_600_000)),
                Duration.ofMillis(d.longValue("max_backoff_ms", 60_000, 0, 3_600_000)),
                Duration.ofSeconds(d.longValue("timeout_seconds", 60, 1, 3600)),
                tokenEnv,
                d.stringMap("audiences"),
                cursor);
    }

    /** An http(s) URL whose query holds no credential: a token in a URL ends up in logs and export_log. */
    private static void checkEndpoint(ConfigNode d, String endpoint) {
        try {
            URI uri = new URI(endpoint.replace("{audience}", "audience"));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                d.problem("endpoint", "expected an http:// or https:// URL, got '" + endpoint + "'");
                return;
            }
            if (uri.getQuery() != null) {
                for (String part : uri.getQuery().split("&")) {
                    if (Secrets.secretKey(part.split("=", 2)[0])) {
                        d.problem(
                                "endpoint",
                                "holds a credential in its query ('" + part.split("=", 2)[0] + "'); put it in the "
                                        + "environment and name the variable in token_env");
                    }
                }
            }
        } catch (URISyntaxException e) {
            d.problem("endpoint", "expected a URL, got '" + endpoint + "': " + e.getReason());
        }
    }

    /** The endpoint without its query, for messages, export_log and --validate. */
    String target() {
        int q = endpoint.indexOf('?');
        return q < 0 ? endpoint : endpoint.substring(0, q);
    }
}
