package io.audiencelake.common.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real S3-protocol server (S3Proxy over a local folder) on 127.0.0.1, in a process of its own
 * because its jars clash with Spark's. Keys are random per start and live only in memory.
 */
public final class LocalS3Server implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path baseDir;
    private final String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String secretKey = UUID.randomUUID().toString();

    private LocalS3Server(List<String> buckets) throws IOException {
        String jar = System.getProperty("audiencelake.s3proxy.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("audiencelake.s3proxy.jar is not set to the S3Proxy jar: " + jar
                    + " (Maven copies it to target/tools/s3proxy.jar before tests run)");
        }
        baseDir = Files.createTempDirectory("s3-server-");
        for (String bucket : buckets) {
            // The filesystem provider serves each top-level folder as a bucket.
            Files.createDirectories(baseDir.resolve(bucket));
        }
        port = freePort();
        Path props = baseDir.resolveSibling(baseDir.getFileName() + ".properties");
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + accessKey,
                        "s3proxy.credential=" + secretKey,
                        "jclouds.provider=filesystem-nio2",
                        "jclouds.filesystem.basedir=" + baseDir,
                        ""));
        Path log = baseDir.resolveSibling(baseDir.getFileName() + ".log");
        process = new ProcessBuilder(javaBinary(), "-Xmx512m", "-jar", jar, "--properties", props.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitPort(log);
    }

    /** Starts a server with the given buckets already created. */
    public static LocalS3Server start(String... buckets) {
        try {
            return new LocalS3Server(List.of(buckets));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The access key of this start; pass it as AWS_ACCESS_KEY_ID to a process that uses the server. */
    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The folder the server keeps buckets in (one sub-folder a bucket), to check what it stored. */
    public Path storageDir() {
        return baseDir;
    }

    /** Hadoop S3A settings that reach this server. */
    public Map<String, String> hadoopSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fs.s3a.endpoint", endpoint());
        s.put("fs.s3a.endpoint.region", "us-east-1");
        s.put("fs.s3a.path.style.access", "true");
        s.put("fs.s3a.connection.ssl.enabled", "false");
        s.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        s.put("fs.s3a.access.key", accessKey);
        s.put("fs.s3a.secret.key", secretKey);
        s.put("fs.s3a.attempts.maximum", "3");
        s.put("fs.s3a.retry.limit", "3");
        return s;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitPort(Path log) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3 server exited at start: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting the S3 server", e);
                }
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(
                "S3 server did not listen on port " + port + " within 60 s: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
