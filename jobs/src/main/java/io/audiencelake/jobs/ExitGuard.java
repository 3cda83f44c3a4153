package io.audiencelake.jobs;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job run does if the JVM exits under it: Spark ends the JVM itself on a fatal error in a task
 * (StackOverflowError, OutOfMemoryError: exit code 50 or 52), a scheduler stops a task with SIGTERM, code
 * calls System.exit. The guard's action (record the run as failed, release its lock) runs in a shutdown hook
 * ordered before Spark's own hooks, so the Spark session still works. Exactly one of the hook and the run's
 * normal end records the run: whoever {@link #claim claims} it first. SIGKILL and a JVM crash run no hook;
 * the lock's heartbeat covers those.
 */
final class ExitGuard implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);
    /** The error recorded for a run the JVM exited under. */
    static final String ERROR = "the JVM exited during the run (a fatal error in Spark such as StackOverflowError or "
            + "OutOfMemoryError, SIGTERM, or System.exit); the driver log has the cause";
    /**
     * Hadoop runs hooks by descending priority; Spark's (which stop the SparkContext) run at 40 and the
     * file systems close at 10, so 100 runs while both still work.
     */
    private static final int PRIORITY = 100;

    private static final long TIMEOUT_SECONDS = 60;

    private final Runnable onExit;
    private final AtomicBoolean claimed = new AtomicBoolean();

    private ExitGuard(Runnable onExit) {
        this.onExit = onExit;
    }

    static ExitGuard register(Runnable onExit) {
        ExitGuard guard = new ExitGuard(onExit);
        ShutdownHookManager.get().addShutdownHook(guard, PRIORITY, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return guard;
    }

    /** True for the first caller only: that caller records the run. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** The run ended normally: no hook needed. */
    void remove() {
        try {
            ShutdownHookManager.get().removeShutdownHook(this);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook has run or is running.
        }
    }

    @Override
    public void run() {
        if (!claim()) {
            return;
        }
        try {
            onExit.run();
        } catch (Exception e) { // also Spark's checked AnalysisException, which Scala code throws undeclared
            LOG.error("could not record the run the JVM exited under; its lock lapses after its last heartbeat", e);
        }
    }
}
