package io.audiencelake.common.export;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A local HTTP server that plays an ad platform's audience API for tests (the one part the project cannot start):
 * it records every request and answers as the test's {@link Script} says, so a test can make it accept, throttle
 * (429 with Retry-After), fail (5xx) or refuse (4xx) any request.
 */
public final class FakeAdPlatform implements AutoCloseable {
    /** One request as received, with the status it was answered. */
    public record Request(
            String method, String path, String idempotencyKey, String authorization, String body, int status) {
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    /** The status of request {@code number} (from 1) given the batches accepted so far. */
    @FunctionalInterface
    public interface Script {
        int status(int number, int acceptedSoFar);
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile Script script = (n, accepted) -> 200;

    public FakeAdPlatform() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void script(Script s) {
        this.script = s;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<Request> accepted() {
        return requests.stream().filter(Request::accepted).toList();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int status;
        synchronized (this) {
            status = script.status(requests.size() + 1, accepted().size());
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst(BatchSender.IDEMPOTENCY_KEY),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body,
                    status));
        }
        String reply = status < 300 ? "{\"received\": 1}" : "{\"error\": {\"message\": \"scripted " + status + "\"}}";
        if (status == 429) {
            exchange.getResponseHeaders().add("Retry-After", "0");
        }
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
