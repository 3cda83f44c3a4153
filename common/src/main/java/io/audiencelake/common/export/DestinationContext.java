package io.audiencelake.common.export;

import java.time.Duration;
import java.util.function.Function;

/**
 * What the job that runs the exports gives the destinations' writers: where drops without a location go, where
 * credentials are read, and how to wait between retries. The library neither reads the process's environment nor
 * sleeps on its own: the export job passes both in, tests pass their own.
 *
 * @param exportsRoot where a destination without {@code location} drops its files ({@code <root>/<id>})
 * @param environment where credentials a destination names ({@code token_env}) are read
 * @param pause how a writer waits (backoff, rate limit)
 */
public record DestinationContext(String exportsRoot, Function<String, String> environment, Pause pause) {

    /** Waits for a duration; the job's is a sleep, a test's may record the wait instead. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }
}
