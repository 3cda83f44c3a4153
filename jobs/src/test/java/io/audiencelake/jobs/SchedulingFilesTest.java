package io.audiencelake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Airflow DAG and cron files parse and run the jobs in the pipeline's order. */
class SchedulingFilesTest {
    private static final Path SCRIPTS =
            TestConfigs.shippedContracts().getParent().getParent().resolve("scripts");

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    private static boolean onPath(String program) {
        try {
            return new ProcessBuilder(program, "--version")
                    .redirectErrorStream(true)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void theDagParsesAndChainsOneTaskPerJobInPipelineOrder() throws Exception {
        Path dag = SCRIPTS.resolve("airflow/audiencelake_dag.py");
        Assumptions.assumeTrue(onPath("python3"), "python3 is not installed here: the Airflow DAG was not parsed");
        // Airflow itself need not be installed: the file is parsed, and its PIPELINE list read, without importing it.
        String jobs = run(
                        "python3",
                        "-c",
                        String.join(
                                "\n",
                                "import ast, sys",
                                "tree = ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                                "found = [n for n in ast.walk(tree) if isinstance(n, ast.Assign) and any(getattr(t, 'id', '') == 'PIPELINE'"
                                        + " for t in n.targets)]",
                                "print(','.join(ast.literal_eval(found[0].value)))"),
                        dag.toString())
                .strip();
        assertEquals(String.join(",", PipelinePlan.JOBS), jobs);
        String text = Files.readString(dag);
        assertTrue(text.contains("--date {{{{ ds }}}}"), "the DAG passes Airflow's logical date to each job");
        assertTrue(text.contains("upstream >> downstream"), "tasks are chained in list order");
        assertTrue(text.contains("\"retries\": 2"), "tasks retry");
        assertTrue(
                text.contains("ALWAYS = {\"report\"}") && text.contains("trigger_rule=\"all_done\" if job in ALWAYS"),
                "the report runs after a failed job too");
    }

    @Test
    void theShellScriptsAreValidBash() throws Exception {
        for (String script : List.of("cron/audiencelake-nightly", "sql", "spark-submit.sh", "audiencelake")) {
            run("bash", "-n", SCRIPTS.resolve(script).toString());
        }
        assertTrue(Files.readString(SCRIPTS.resolve("cron/crontab")).contains("scripts/cron/audiencelake-nightly"));
    }
}
