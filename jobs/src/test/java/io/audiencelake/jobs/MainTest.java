package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.audiencelake.common.config.AppConfigLoader;
import io.audiencelake.common.config.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line for usage and config mistakes: no Spark is started. */
class MainTest {
    @TempDir
    Path dir;

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("env.yaml"), yaml);
    }

    @Test
    void helpListsEveryJobAndExitsZero() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        assertEquals(17, Commands.ALL.size(), "every command of the README's table");
        for (Commands.Registered command : Commands.ALL) {
            assertTrue(
                    run.out().contains("  " + command.name() + " "), command.name() + " missing from:\n" + run.out());
        }
        assertTrue(run.out().contains("2  bad usage or config"));
    }

    @Test
    void everyCommandAnswersHelpAndVersionWithExitZero() {
        for (Commands.Registered command : Commands.ALL) {
            CliRun help = CliRun.of(command.name(), "--help");
            assertEquals(0, help.exitCode(), command.name() + " --help: " + help.err());
            assertTrue(help.out().startsWith("Usage: audiencelake " + command.name()), help.out());
            assertTrue(help.out().contains("-h, --help") && help.out().contains("-V, --version"), help.out());
            CliRun version = CliRun.of(command.name(), "--version");
            assertEquals(0, version.exitCode(), command.name() + " --version: " + version.err());
            assertEquals(Main.VERSION, version.out().strip(), command.name());
        }
    }

    @Test
    void thePipelineRunsTheRegisteredNightlyJobsInOrder() {
        assertEquals(
                List.of("ingest", "identity", "profiles", "segments", "lookalike", "export", "lift", "report"),
                PipelinePlan.JOBS);
        assertTrue(Commands.ALL.stream().filter(Commands.Registered::nightly).allMatch(c -> c.newJob() != null));
    }

    @Test
    void noJobPrintsUsageAndExitsTwo() {
        CliRun run = CliRun.of();
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Usage: audiencelake"), run.err());
    }

    @Test
    void unknownJobMissingDateAndBadDateAreUsageErrors() {
        CliRun unknown = CliRun.of("identitty", "--date", "2025-01-01");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Did you mean: audiencelake identity"), unknown.err());

        CliRun noDate = CliRun.of("inventory");
        assertEquals(2, noDate.exitCode());
        assertTrue(noDate.err().contains("Missing required option: '--date=YYYY-MM-DD'"), noDate.err());

        CliRun badDate = CliRun.of("inventory", "--date", "2025-13-01");
        assertEquals(2, badDate.exitCode());
        assertTrue(badDate.err().contains("Invalid value for option '--date'"), badDate.err());
        assertFalse(badDate.err().contains("\tat "), "stack trace in:\n" + badDate.err());
    }

    @Test
    void badConfigIsExitTwoWithFileFieldAndNoStackTrace() throws IOException {
        Path file = config("paths:\n  root: " + dir + "/data\nlake:\n  table_format: hudi\n");
        CliRun run = CliRun.of("inventory", "--config", file.toString(), "--date", "2025-01-01");
        assertEquals(2, run.exitCode());
        assertEquals(
                "audiencelake inventory: " + file + ": lake.table_format: expected one of delta, iceberg, got 'hudi'",
                run.err().strip());
        assertFalse(Files.exists(dir.resolve("data")), "something was written before config was checked");
    }

    @Test
    void theShippedSampleLinkageKeyIsRefusedOffALocalMasterBeforeAnythingIsWritten() throws IOException {
        Path file = TestConfigs.local(dir);
        String key = "privacy.linkage_key=" + Secrets.DEMO_LINKAGE_KEY;
        CliRun cluster = CliRun.of(
                "ingest",
                "-c",
                file.toString(),
                "-d",
                "2025-01-01",
                "--set",
                key,
                "--set",
                "spark.master=spark://cluster:7077");
        assertEquals(2, cluster.exitCode(), cluster.err());
        assertTrue(
                cluster.err()
                        .contains("privacy.linkage_key: is the public sample key, which is only for a local master "
                                + "(this one is spark://cluster:7077)"),
                cluster.err());
        assertFalse(cluster.err().contains(Secrets.DEMO_LINKAGE_KEY), "the key is not printed");
        assertFalse(Files.exists(dir.resolve("data")), "something was written before config was checked");
    }

    @Test
    void theRetiredLockTimeoutIsRefusedWithWhatReplacedIt() throws IOException {
        Path file = config("paths:\n  root: " + dir + "/data\noperations:\n  lock_timeout_hours: 12\n");
        CliRun run = CliRun.of("inventory", "--config", file.toString(), "--date", "2025-01-01");
        assertEquals(2, run.exitCode());
        assertTrue(
                run.err().contains(file + ": operations.lock_timeout_hours: is replaced by lock_stale_minutes"),
                run.err());
    }

    @Test
    void missingConfigFileIsExitTwo() {
        CliRun run = CliRun.of("generate", "--config", dir.resolve("nope.yaml").toString(), "--date", "2025-01-01");
        assertEquals(2, run.exitCode());
        assertEquals(
                "audiencelake generate: " + dir.resolve("nope.yaml") + ": file not found",
                run.err().strip());
    }

    @Test
    void badJobArgumentIsExitTwoBeforeSparkStarts() throws IOException {
        Path file = config("paths:\n  root: " + dir + "/data\n");
        CliRun run = CliRun.of("generate", "--config", file.toString(), "--date", "2025-01-01", "--scale", "0");
        assertEquals(2, run.exitCode());
        assertEquals(
                "audiencelake generate: --scale: must be between 0.01 and 100000, cannot be: 0.0",
                run.err().strip());
    }

    @Test
    void aReportWindowOutsideItsBoundsIsExitTwoBeforeSparkStarts() throws IOException {
        Path file = config("paths:\n  root: " + dir + "/data\n");
        CliRun run = CliRun.of("report", "--config", file.toString(), "--date", "2025-01-01", "--days", "0");
        assertEquals(2, run.exitCode());
        assertEquals(
                "audiencelake report: --days: must be from 1 to 92, cannot be: 0",
                run.err().strip());
        assertFalse(Files.exists(dir.resolve("data")), "something was written before the arguments were checked");
    }

    @Test
    void theShippedQualityChecksNameRealTablesAndColumns() {
        var config = new AppConfigLoader().load(TestConfigs.shippedContracts().resolveSibling("local.yaml"), List.of());
        var checks = JobRunner.qualityChecks(config);
        assertTrue(checks.forTable("segment_membership").size() >= 2, checks.toString());
        assertTrue(checks.forTable("profiles").stream().anyMatch(c -> c.blocking()), checks.toString());
    }

    @Test
    void aPipelineWithoutADateOrWithABadRangeIsExitTwo() throws IOException {
        Path file = config("paths:\n  root: " + dir + "/data\n");
        CliRun none = CliRun.of("pipeline", "--config", file.toString());
        assertEquals(2, none.exitCode());
        assertEquals(
                "audiencelake pipeline: give either --date YYYY-MM-DD or --dates YYYY-MM-DD..YYYY-MM-DD",
                none.err().strip());
        CliRun bad = CliRun.of("pipeline", "--config", file.toString(), "--dates", "2025-01-03..2025-01-01");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("the range ends (2025-01-01) before it starts (2025-01-03)"), bad.err());
        assertFalse(Files.exists(dir.resolve("data")), "something was written before the arguments were checked");
    }

    @Test
    void batchRunsItsLinesInOrderAndStopsAtTheFirstFailureNamingTheLine() throws IOException {
        String conf = TestConfigs.local(dir).toString();
        Path batch = Files.writeString(
                dir.resolve("batch.txt"),
                String.join(
                        "\n",
                        "# == check the segments",
                        "segments -c '" + conf + "' -d 2025-06-01 --validate",
                        "",
                        "inventory -c \"" + conf + "\" --date 2025-13-01",
                        "segments -c " + conf + " -d 2025-06-02 --validate",
                        ""));
        CliRun run = CliRun.of("batch", "--echo", batch.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("== check the segments\n"), run.out());
        assertEquals(1, run.out().split("segments valid", -1).length - 1, run.out());
        assertTrue(run.err().contains("Invalid value for option '--date'"), run.err());
        assertTrue(run.err().contains("audiencelake batch: line 4 exited 2 (inventory -c"), run.err());

        Path unclosed = Files.writeString(
                dir.resolve("unclosed.txt"),
                "segments -c " + conf + " -d 2025-06-01 --validate\n" + "report --date 'x\n");
        CliRun refused = CliRun.of("batch", unclosed.toString());
        assertEquals(2, refused.exitCode());
        assertEquals("", refused.out(), "nothing runs when a line cannot be read");
        assertTrue(refused.err().contains(unclosed + ": line 2: unclosed ' quote"), refused.err());
    }

    @Test
    void batchLinesSplitIntoWordsAsAShellWould() {
        assertEquals(
                List.of("sql", "SELECT 'a b' AS x", "--set", "k=v w", "a\"b", "c d"),
                BatchCommand.words("sql \"SELECT 'a b' AS x\"  --set k='v w' \"a\\\"b\" c\\ d"));
        assertEquals(List.of(), BatchCommand.words("   "));
        assertEquals(List.of(""), BatchCommand.words("''"));
    }
}
