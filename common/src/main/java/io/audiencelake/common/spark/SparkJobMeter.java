package io.audiencelake.common.spark;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Counts the Spark jobs of an application and the time during which at least one of them ran, so a run can
 * say how much of its own work was Spark executing jobs and how much the driver between them (planning,
 * table metadata, commits). At small sizes the second dominates, and no executor setting changes it.
 *
 * <p>Times come from the events themselves (stamped when Spark posted them), not from when the listener
 * bus delivered them. One meter per application, registered on first use.
 */
public final class SparkJobMeter extends SparkListener {
    private static final Map<SparkContext, SparkJobMeter> METERS = new WeakHashMap<>();

    private final Set<Integer> running = new HashSet<>();
    private long started;
    private long ended;
    private long busyMillis;
    private long busySince;

    private SparkJobMeter() {}

    /** The meter of {@code context}'s application, registered as a listener the first time. */
    public static synchronized SparkJobMeter of(SparkContext context) {
        return METERS.computeIfAbsent(context, c -> {
            SparkJobMeter meter = new SparkJobMeter();
            c.addSparkListener(meter);
            return meter;
        });
    }

    /** Jobs started so far and milliseconds during which at least one job ran (up to now). */
    public record Reading(long jobs, long busyMillis) {
        /** What happened between {@code before} and this reading. */
        public Reading since(Reading before) {
            return new Reading(jobs - before.jobs, busyMillis - before.busyMillis);
        }
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        if (running.isEmpty()) {
            busySince = start.time();
        }
        running.add(start.jobId());
        started++;
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        // A job that started before the meter was registered is not counted.
        if (running.remove(end.jobId())) {
            ended++;
            if (running.isEmpty()) {
                busyMillis += Math.max(0, end.time() - busySince);
            }
        }
    }

    /**
     * The counts now. Events reach listeners asynchronously, so this first waits (at most {@code settleMillis})
     * for the end events of jobs that already started: a reading taken right after an action then includes it.
     */
    public Reading read(long settleMillis) {
        long deadline = System.currentTimeMillis() + settleMillis;
        synchronized (this) {
            while (!running.isEmpty() && System.currentTimeMillis() < deadline) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            long open = running.isEmpty() ? 0 : Math.max(0, System.currentTimeMillis() - busySince);
            return new Reading(started, busyMillis + open);
        }
    }
}
