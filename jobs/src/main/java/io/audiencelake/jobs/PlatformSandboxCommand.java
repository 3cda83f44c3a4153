package io.audiencelake.jobs;

import io.audiencelake.common.export.PlatformSandbox;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a {@link PlatformSandbox} on 127.0.0.1 until stopped: a local ad platform to send an {@code http_batch}
 * destination to (the demo does), with no account and no network.
 */
@Command(
        name = "platform-sandbox",
        mixinStandardHelpOptions = true,
        description = "Serve a local stand-in for an ad platform's audience API on 127.0.0.1 (adds, removes, "
                + "idempotency keys, 429 throttling, a bearer token), logging each request's counts; runs until "
                + "stopped.")
public final class PlatformSandboxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "Port (default: any free).")
    int port;

    @Option(
            names = "--port-file",
            paramLabel = "FILE",
            description = "Write the port here once listening (for scripts).")
    Path portFile;

    @Option(
            names = "--token-env",
            paramLabel = "NAME",
            description = "Require 'Authorization: Bearer <value of this environment variable>'.")
    String tokenEnv;

    @Option(
            names = "--throttle-every",
            paramLabel = "N",
            defaultValue = "0",
            description = "Answer every N-th request 429 with Retry-After (default ${DEFAULT-VALUE}: never).")
    int throttleEvery;

    @Option(
            names = "--log",
            paramLabel = "FILE",
            defaultValue = "platform-sandbox.jsonl",
            description = "Request log, one JSON line each (default ${DEFAULT-VALUE}).")
    Path log;

    @Override
    public Integer call() throws Exception {
        String token = tokenEnv == null ? null : System.getenv(tokenEnv);
        if (tokenEnv != null && (token == null || token.isBlank())) {
            spec.commandLine().getErr().println("--token-env: environment variable " + tokenEnv + " is not set");
            return 2;
        }
        try (PlatformSandbox sandbox = new PlatformSandbox(port, token, throttleEvery, log)) {
            if (portFile != null) {
                sandbox.announce(portFile);
            }
            spec.commandLine()
                    .getOut()
                    .printf("platform sandbox on http://127.0.0.1:%d (log %s)%n", sandbox.port(), log)
                    .flush();
            new CountDownLatch(1).await(); // until the process is stopped
        }
        return 0;
    }
}
