package io.audiencelake.common.runs;

/** Another run of the same job and date holds the lock; the message names it and how to clear it. */
public final class JobLockedException extends IllegalStateException {
    public JobLockedException(String message) {
        super(message);
    }
}
