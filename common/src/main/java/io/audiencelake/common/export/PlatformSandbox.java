package io.audiencelake.common.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A local stand-in for an ad platform's audience API, for the demo and for trying an {@code http_batch}
 * destination before credentials exist: it keeps each audience's members in memory, applies adds (POST) and
 * removes (DELETE, or a remove in the body) of any {@link PlatformFormat}, treats a repeated
 * {@code Idempotency-Key} as already applied, checks the bearer token when given one, throttles every n-th
 * request with 429 like a real platform, and writes one JSON line per request (method, audience, key, rows,
 * status, members after) to its log: counts, never the identifiers.
 */
public final class PlatformSandbox implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String token;
    private final int throttleEvery;
    private final Path log;
    private final Map<String, Set<String>> audiences = new HashMap<>();
    private final Set<String> appliedKeys = new HashSet<>();
    private int requests;

    /**
     * @param port 0 for any free port
     * @param token the bearer token requests must carry, or null to take any
     * @param throttleEvery answer every n-th request 429 (0: never)
     * @param log the JSON-lines request log (appended)
     */
    public PlatformSandbox(int port, String token, int throttleEvery, Path log) throws IOException {
        this.token = token;
        this.throttleEvery = throttleEvery;
        this.log = log;
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Members of an audience now (the path segment before {@code /users}, or the last one). */
    public synchronized int members(String audience) {
        return audiences.getOrDefault(audience, Set.of()).size();
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String audience = audience(exchange.getRequestURI().getPath());
        Outcome outcome = apply(
                exchange.getRequestMethod(),
                audience,
                exchange.getRequestHeaders().getFirst(BatchSender.IDEMPOTENCY_KEY),
                exchange.getRequestHeaders().getFirst("Authorization"),
                body);
        ObjectNode reply = JSON.createObjectNode();
        if (outcome.status() == 200) {
            reply.put("audience_id", audience)
                    .put("num_received", outcome.rows())
                    .put("repeated", outcome.repeated());
        } else {
            reply.putObject("error").put("code", outcome.status()).put("message", message(outcome.status()));
        }
        if (outcome.status() == 429) {
            exchange.getResponseHeaders().add("Retry-After", "1");
        }
        byte[] bytes = JSON.writeValueAsBytes(reply);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(outcome.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** What a request did: its status, its rows, and whether its key had been applied before. */
    private record Outcome(int status, int rows, boolean repeated) {}

    /** Decides and applies one request, and logs it; requests are applied one at a time. */
    private synchronized Outcome apply(String method, String audience, String key, String authorization, byte[] body)
            throws IOException {
        requests++;
        Batch batch = parse(method, body);
        int rows = batch == null ? 0 : batch.ids().size();
        int status;
        boolean repeated = false;
        if (token != null && !("Bearer " + token).equals(authorization)) {
            status = 401;
        } else if (batch == null) {
            status = 400;
        } else if (throttleEvery > 0 && requests % throttleEvery == 0) {
            status = 429;
        } else {
            status = 200;
            repeated = key != null && !appliedKeys.add(key);
            if (!repeated) {
                Set<String> members = audiences.computeIfAbsent(audience, a -> new HashSet<>());
                if (batch.remove()) {
                    members.removeAll(batch.ids());
                } else {
                    members.addAll(batch.ids());
                }
            }
        }
        ObjectNode line = JSON.createObjectNode()
                .put("at", Instant.now().toString())
                .put("method", method)
                .put("audience", audience)
                .put("idempotency_key", key)
                .put("rows", rows)
                .put("status", status)
                .put("repeated_key", repeated)
                .put("members", audiences.getOrDefault(audience, Set.of()).size());
        try (Writer w = Files.newBufferedWriter(
                log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            w.write(JSON.writeValueAsString(line) + "\n");
        }
        return new Outcome(status, rows, repeated);
    }

    private static String message(int status) {
        return switch (status) {
            case 401 -> "missing or wrong bearer token";
            case 429 -> "too many requests: retry after 1 s";
            default -> "the body is not an audience batch";
        };
    }

    /** The ids of a batch in any {@link PlatformFormat}'s body, and whether it removes; null if it is none. */
    private record Batch(Set<String> ids, boolean remove) {}

    private static Batch parse(String method, byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            Set<String> ids = new HashSet<>();
            if (root.has("payload")) { // Meta: DELETE removes
                root.path("payload").path("data").forEach(n -> ids.add(n.asText()));
                return new Batch(ids, method.equals("DELETE"));
            }
            if (root.has("operations")) { // Google: create or remove operations
                boolean remove = false;
                for (JsonNode op : root.path("operations")) {
                    remove = op.has("remove");
                    JsonNode identifiers = (remove ? op.path("remove") : op.path("create")).path("userIdentifiers");
                    identifiers.forEach(i -> i.fields()
                            .forEachRemaining(f -> ids.add(f.getValue().asText())));
                }
                return new Batch(ids, remove);
            }
            if (root.has("ids")) { // generic
                root.path("ids").forEach(n -> ids.add(n.asText()));
                return new Batch(ids, "remove".equals(root.path("action").asText()));
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code /v21.0/6001/users} -> {@code 6001}; otherwise the last path segment. */
    private static String audience(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i > 0; i--) {
            if (parts[i].equals("users") && !parts[i - 1].isEmpty()) {
                return parts[i - 1];
            }
        }
        return parts.length == 0 ? "" : parts[parts.length - 1];
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Writes the port to {@code file} (for a script waiting for the server). */
    public void announce(Path file) {
        try {
            Files.writeString(file, Integer.toString(port()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
