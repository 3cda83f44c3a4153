package io.audiencelake.common.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.feeds.IdType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's stand-in platform behaves as the destination expects a platform to: keys, removes, throttles, token. */
class PlatformSandboxTest {
    @TempDir
    Path dir;

    private static int send(PlatformSandbox s, String method, String key, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v21.0/6001/users"))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .header(BatchSender.IDEMPOTENCY_KEY, key);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient()
                .send(b.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void appliesEachKeyOnceRemovesThrottlesAndChecksTheToken() throws Exception {
        Path log = dir.resolve("sandbox/requests.jsonl");
        byte[] add = PlatformFormat.META_CUSTOM_AUDIENCES.bodyBytes("6001", "add", IdType.MAID, List.of("A", "B", "C"));
        byte[] remove = PlatformFormat.META_CUSTOM_AUDIENCES.bodyBytes("6001", "remove", IdType.MAID, List.of("B"));
        try (PlatformSandbox s = new PlatformSandbox(0, "tok", 4, log)) {
            assertEquals(401, send(s, "POST", "k1", "wrong", add));
            assertEquals(200, send(s, "POST", "k1", "tok", add));
            assertEquals(200, send(s, "POST", "k1", "tok", add), "a repeated key is acknowledged");
            assertEquals(429, send(s, "DELETE", "k2", "tok", remove), "every fourth request is throttled");
            assertEquals(200, send(s, "DELETE", "k2", "tok", remove));
            assertEquals(400, send(s, "POST", "k3", "tok", "not json".getBytes()));
            assertEquals(2, s.members("6001"), "A and C: the repeat added nothing, the remove took B");
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals(6, lines.size());
        assertTrue(lines.get(2).contains("\"repeated_key\":true"), lines.get(2));
        assertFalse(String.join("\n", lines).contains("\"A\""), "the log holds counts, not identifiers");
    }

    @Test
    void readsGoogleAndGenericBodies() throws IOException, Exception {
        try (PlatformSandbox s = new PlatformSandbox(0, null, 0, dir.resolve("log.jsonl"))) {
            byte[] google =
                    PlatformFormat.GOOGLE_CUSTOMER_MATCH.bodyBytes("6001", "add", IdType.EMAIL, List.of("h1", "h2"));
            assertEquals(200, send(s, "POST", "g1", null, google));
            byte[] generic = PlatformFormat.GENERIC.bodyBytes("6001", "remove", IdType.EMAIL, List.of("h1"));
            assertEquals(200, send(s, "POST", "g2", null, generic));
            assertEquals(1, s.members("6001"));
        }
    }
}
