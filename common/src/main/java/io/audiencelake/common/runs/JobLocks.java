package io.audiencelake.common.runs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.lake.TableSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code job_locks} table: a row per running job and date, so two runs of the same job and date
 * never write at once.
 *
 * <p>A running job renews its claim by appending a heartbeat row (same run, a new {@value #ACQUIRED_AT})
 * every fifth of the stale time; a claim whose latest row is older than the stale time belongs to a run
 * that died without releasing it (SIGKILL, a JVM killed by a fatal error, a lost driver) and is removed by
 * the next run. Appends never conflict, so heartbeats cost no retries.
 *
 * <p>A run appends its claim, then reads every live claim for its job and date: it goes ahead only
 * when its own is the only one, and otherwise withdraws. Commits of one table are totally ordered, so
 * of two racing runs the later reader sees both claims and withdraws; at worst both withdraw, never
 * both proceed. This needs a table format whose commits are atomic on the storage in use: the local
 * file system and HDFS are; on S3 use Delta's DynamoDB log store or an Iceberg catalog with atomic
 * commits (Glue, REST, Hive), as for any concurrent writer.
 */
public final class JobLocks {
    public static final String JOB = "job";
    public static final String RUN_DATE = "run_date";
    public static final String RUN_ID = "run_id";
    public static final String ACQUIRED_AT = "acquired_at";
    public static final String HOLDER = "holder";

    public static final TableSpec SPEC = new TableSpec(
            "job_locks",
            "Claims of running jobs: rows per job, date and run while it runs (the claim and its heartbeats); a run "
                    + "whose latest row is older than operations.lock_stale_minutes died and is ignored.",
            "operations",
            new StructType(new StructField[] {
                TableSpec.column(JOB, DataTypes.StringType, false, "job name, e.g. segments"),
                TableSpec.column(RUN_DATE, DataTypes.DateType, false, "the data date the run processes"),
                TableSpec.column(RUN_ID, DataTypes.StringType, false, "the run holding (or claiming) the lock"),
                TableSpec.column(
                        ACQUIRED_AT, DataTypes.TimestampType, false, "when the claim was made or renewed (UTC)"),
                TableSpec.column(HOLDER, DataTypes.StringType, true, "host and Spark application of the claimant")
            }),
            List.of(),
            List.of(JOB, RUN_DATE, RUN_ID));

    /**
     * Jobs that run alone: erase deletes rows every job reads and purges table history with no retention, which
     * would remove files a concurrent job's snapshot still reads.
     */
    public static final Set<String> EXCLUSIVE = Set.of("erase");

    private final SparkSession spark;
    private final LakeTables lake;
    private final Duration timeout;

    /** {@code staleAfter}: how long a claim may go without a heartbeat before its run counts as dead. */
    public JobLocks(SparkSession spark, LakeTables lake, Duration staleAfter) {
        this.spark = spark;
        this.lake = lake;
        this.timeout = staleAfter;
    }

    /** How often a holder renews its claim: five renewals fit in the stale time, so one missed beat is harmless. */
    public Duration heartbeatEvery() {
        return timeout.dividedBy(5);
    }

    /** Renews the run's claim (an append of one row); the caller schedules it every {@link #heartbeatEvery}. */
    public void heartbeat(String job, LocalDate date, String runId, String holder) {
        Row beat = RowFactory.create(job, Date.valueOf(date), runId, Timestamp.from(Instant.now()), holder);
        lake.append(SPEC, spark.createDataFrame(List.of(beat), SPEC.schema()));
    }

    /**
     * Claims {@code job} for {@code date} for {@code runId}, or throws {@link JobLockedException} naming
     * the run that holds it. Claims older than the timeout are removed on the way.
     */
    public void acquire(String job, LocalDate date, String runId, String holder) {
        Instant now = Instant.now();
        lake.create(SPEC);
        Row claim = RowFactory.create(job, Date.valueOf(date), runId, Timestamp.from(now), holder);
        lake.append(SPEC, spark.createDataFrame(List.of(claim), SPEC.schema()));
        // Each run's latest row (claims come oldest first): its last sign of life. An exclusive job (erase) conflicts
        // with every run of every job, and every job with a running exclusive job.
        Map<String, Row> latest = new LinkedHashMap<>();
        (EXCLUSIVE.contains(job) ? allClaims() : conflicting(job, date)).forEach(r -> latest.put(r.getAs(RUN_ID), r));
        Timestamp staleBefore = Timestamp.from(now.minus(timeout));
        List<Row> stale = latest.values().stream()
                .filter(r -> !runId.equals(r.getAs(RUN_ID))
                        && (r.<Timestamp>getAs(ACQUIRED_AT).before(staleBefore) || deadOnThisHost(r.getAs(HOLDER))))
                .toList();
        for (Row r : stale) {
            release(r.getAs(JOB), r.<Date>getAs(RUN_DATE).toLocalDate(), r.getAs(RUN_ID));
        }
        List<Row> others = latest.values().stream()
                .filter(r -> !stale.contains(r) && !runId.equals(r.getAs(RUN_ID)))
                .toList();
        if (!others.isEmpty()) {
            release(job, date, runId);
            Row other = others.get(0);
            String running = other.getAs(JOB) + " " + other.getAs(RUN_DATE);
            throw new JobLockedException((running.equals(job + " " + date)
                            ? job + " " + date + " is already running"
                            : job + " " + date + " cannot run while " + running + " runs")
                    + " as run " + other.getAs(RUN_ID)
                    + " (" + other.getAs(HOLDER)
                    + ", last heartbeat " + other.<Timestamp>getAs(ACQUIRED_AT).toInstant()
                    + "); this run wrote nothing. If that "
                    + "run is dead, its lock lapses " + timeout.toMinutes() + " min after its last heartbeat "
                    + "(operations.lock_stale_minutes), or delete it now: scripts/sql \"DELETE FROM "
                    + lake.qualifiedName(SPEC) + " WHERE run_id = '" + other.getAs(RUN_ID) + "'\"");
        }
    }

    /**
     * The holder of a claim as {@link #holder} writes it: this host, this process and the Spark application.
     * A claim of a process of this host that no longer exists is dead at once (a retry after a kill need not
     * wait for the heartbeat to lapse); a claim of another host waits for its heartbeat.
     */
    public static String holder(String applicationId) {
        return hostName() + ", pid " + ProcessHandle.current().pid() + ", " + applicationId;
    }

    static boolean deadOnThisHost(String holder) {
        if (holder == null) {
            return false;
        }
        Matcher m = Pattern.compile("^(.*), pid (\\d+), ").matcher(holder);
        if (!m.find() || !m.group(1).equals(hostName())) {
            return false;
        }
        long pid = Long.parseLong(m.group(2));
        return pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    /** Claims on the same job and date, and claims of exclusive jobs on any date. */
    private List<Row> conflicting(String job, LocalDate date) {
        return oldestFirst(lake.read(SPEC)
                .where(col(JOB).equalTo(lit(job))
                        .and(col(RUN_DATE).equalTo(lit(Date.valueOf(date))))
                        .or(col(JOB).isin(EXCLUSIVE.toArray()))));
    }

    /** Every claim (bounded: rows of running jobs and their heartbeats). */
    private List<Row> allClaims() {
        return oldestFirst(lake.read(SPEC));
    }

    /**
     * The claims, oldest first. They are few (running jobs and their heartbeats), so they are sorted here:
     * a Spark sort of a handful of rows costs a sampling job and a shuffle, each run, twice.
     */
    private static List<Row> oldestFirst(Dataset<Row> claims) {
        List<Row> rows = new ArrayList<>(claims.collectAsList());
        rows.sort(Comparator.<Row, Timestamp>comparing(r -> r.getAs(ACQUIRED_AT))
                .thenComparing(r -> r.<String>getAs(RUN_ID)));
        return rows;
    }

    /** Removes the run's claim (a no-op when it has none). */
    public void release(String job, LocalDate date, String runId) {
        // A plain DELETE costs a fraction of a MERGE-delete, and every job run pays it. Only checked names and
        // ids reach the statement.
        if (!job.matches("[a-z][a-z0-9_-]*") || !runId.matches("[A-Za-z0-9_.:-]+")) {
            throw new IllegalArgumentException("bad job name or run id: " + job + ", " + runId);
        }
        lake.create(SPEC);
        retried(() -> spark.sql("DELETE FROM " + lake.qualifiedName(SPEC) + " WHERE " + JOB + " = '" + job + "' AND "
                + RUN_DATE + " = DATE'" + date + "' AND " + RUN_ID + " = '" + runId + "'"));
    }

    /**
     * Runs a delete again when a concurrent commit to the lock table made it conflict (Delta refuses a
     * delete that read files another delete just changed). The winning commit is already in the log when
     * the conflict is reported, so an immediate retry reads past it; the delete is idempotent.
     */
    private static void retried(Runnable delete) {
        for (int attempt = 1; ; attempt++) {
            try {
                delete.run();
                return;
            } catch (RuntimeException e) {
                if (attempt >= 8 || !conflict(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean conflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConcurrentModificationException) {
                return true;
            }
        }
        return false;
    }

    /** Every claim on the job and date, oldest first. */
    public List<Row> claims(String job, LocalDate date) {
        return oldestFirst(lake.read(SPEC)
                .where(col(JOB).equalTo(lit(job)).and(col(RUN_DATE).equalTo(lit(Date.valueOf(date))))));
    }
}
