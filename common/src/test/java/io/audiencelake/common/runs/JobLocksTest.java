package io.audiencelake.common.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.TableFormat;
import io.audiencelake.common.lake.LakeTables;
import io.audiencelake.common.spark.TestLake;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The job lock on real Delta and Iceberg tables: one run per job and date, racing runs never both win. */
class JobLocksTest {
    private static final LocalDate DAY = LocalDate.of(2024, 8, 1);

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void aSecondRunOfTheSameJobAndDateIsRefusedUntilTheFirstReleases(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        JobLocks locks = new JobLocks(TestLake.spark(), lake, Duration.ofHours(12));
        locks.acquire("segments", DAY, "run-a", "host-a");
        JobLockedException e =
                assertThrows(JobLockedException.class, () -> locks.acquire("segments", DAY, "run-b", "host-b"));
        assertTrue(
                e.getMessage()
                        .startsWith("segments 2024-08-01 is already running as run run-a (host-a, last heartbeat "),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("DELETE FROM " + lake.qualifiedName(JobLocks.SPEC) + " WHERE run_id = 'run-a'"),
                e.getMessage());
        // Another date or job is not blocked, and the refused run left no claim behind.
        locks.acquire("segments", DAY.plusDays(1), "run-c", "host-c");
        locks.acquire("profiles", DAY, "run-d", "host-d");
        assertEquals(
                List.of("run-a"),
                locks.claims("segments", DAY).stream()
                        .map(r -> r.<String>getAs(JobLocks.RUN_ID))
                        .toList());

        locks.release("segments", DAY, "run-a");
        locks.acquire("segments", DAY, "run-b", "host-b");
        assertEquals(
                List.of("run-b"),
                locks.claims("segments", DAY).stream()
                        .map(r -> r.<String>getAs(JobLocks.RUN_ID))
                        .toList());
        locks.release("segments", DAY, "run-b");
        locks.release("segments", DAY.plusDays(1), "run-c");
        locks.release("profiles", DAY, "run-d");
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void aClaimWithoutARecentHeartbeatIsTakenOverAndOneWithIsNot(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        JobLocks locks = new JobLocks(TestLake.spark(), lake, Duration.ofMinutes(5));
        lake.create(JobLocks.SPEC);
        Timestamp tenMinutesAgo = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
        // A run that died ten minutes ago (killed; its JVM gone): its claim lapsed, whatever its age.
        lake.append(
                JobLocks.SPEC,
                TestLake.spark()
                        .createDataFrame(
                                List.of(RowFactory.create(
                                        "identity", Date.valueOf(DAY), "dead-run", tenMinutesAgo, "gone")),
                                JobLocks.SPEC.schema()));
        locks.acquire("identity", DAY, "run-new", "host");
        assertEquals(
                List.of("run-new"),
                locks.claims("identity", DAY).stream()
                        .map(r -> r.<String>getAs(JobLocks.RUN_ID))
                        .toList());
        locks.release("identity", DAY, "run-new");

        // A run that claimed ten minutes ago and is still beating holds its lock.
        lake.append(
                JobLocks.SPEC,
                TestLake.spark()
                        .createDataFrame(
                                List.of(RowFactory.create(
                                        "identity", Date.valueOf(DAY), "long-run", tenMinutesAgo, "busy")),
                                JobLocks.SPEC.schema()));
        locks.heartbeat("identity", DAY, "long-run", "busy");
        assertThrows(JobLockedException.class, () -> locks.acquire("identity", DAY, "run-newer", "host"));
        locks.release("identity", DAY, "long-run");
        assertEquals(List.of(), locks.claims("identity", DAY), "release removes the claim and its heartbeats");
        assertEquals(Duration.ofMinutes(1), locks.heartbeatEvery());
    }

    @Test
    void aClaimOfAProcessOfThisHostThatIsGoneIsDeadAtOnce() throws Exception {
        String mine = JobLocks.holder("app-1");
        assertTrue(!JobLocks.deadOnThisHost(mine), "this process is alive: " + mine);
        Process child = new ProcessBuilder("true").start();
        child.waitFor();
        String gone = mine.replaceFirst(", pid \\d+, ", ", pid " + child.pid() + ", ");
        assertTrue(JobLocks.deadOnThisHost(gone), "a finished process holds nothing: " + gone);
        assertTrue(
                !JobLocks.deadOnThisHost("elsewhere.example, pid " + child.pid() + ", app-2"),
                "another host's claim waits for its heartbeat to lapse");
        assertTrue(!JobLocks.deadOnThisHost("host-a"));
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void eraseRunsAlone(TableFormat format) {
        LakeTables lake = TestLake.tables(format);
        JobLocks locks = new JobLocks(TestLake.spark(), lake, Duration.ofMinutes(5));
        locks.acquire("profiles", DAY.plusDays(20), "run-p", "host-p");
        JobLockedException e = assertThrows(
                JobLockedException.class, () -> locks.acquire("erase", DAY.plusDays(21), "run-e", "host-e"));
        assertTrue(
                e.getMessage()
                        .startsWith("erase " + DAY.plusDays(21) + " cannot run while profiles " + DAY.plusDays(20)
                                + " runs as run run-p"),
                e.getMessage());
        locks.release("profiles", DAY.plusDays(20), "run-p");
        locks.acquire("erase", DAY.plusDays(21), "run-e", "host-e");
        assertThrows(
                JobLockedException.class,
                () -> locks.acquire("segments", DAY.plusDays(22), "run-s", "host-s"),
                "no job starts while erase purges history");
        locks.release("erase", DAY.plusDays(21), "run-e");
        locks.acquire("segments", DAY.plusDays(22), "run-s", "host-s");
        locks.release("segments", DAY.plusDays(22), "run-s");
    }

    @ParameterizedTest
    @EnumSource(TableFormat.class)
    void racingRunsNeverBothHoldTheLock(TableFormat format) throws Exception {
        LakeTables lake = TestLake.tables(format);
        JobLocks locks = new JobLocks(TestLake.spark(), lake, Duration.ofHours(12));
        lake.create(JobLocks.SPEC);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 2; round++) {
                LocalDate day = DAY.plusDays(10 + round);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> runs = new ArrayList<>();
                for (String run : List.of("racer-1", "racer-2")) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        try {
                            locks.acquire("export", day, run, run);
                            return true;
                        } catch (JobLockedException e) {
                            return false;
                        }
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> f : runs) {
                    winners += f.get() ? 1 : 0;
                }
                assertTrue(winners <= 1, "round " + round + ": both racing runs took the lock");
                assertEquals(winners, locks.claims("export", day).size(), "round " + round);
                locks.release("export", day, "racer-1");
                locks.release("export", day, "racer-2");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
