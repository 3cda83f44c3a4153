package io.audiencelake.jobs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers, each its own JVM, built from the
 * Spark jars Maven resolved (a folder of links stands in for a Spark distribution). Executors the workers
 * start are separate JVMs too, so serialisation and class-path mistakes that {@code local[*]} hides fail here.
 */
final class StandaloneCluster implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path sparkHome;
    private final Path logs;
    private final String masterUrl;

    private StandaloneCluster(Path sparkHome, Path logs, String masterUrl) {
        this.sparkHome = sparkHome;
        this.logs = logs;
        this.masterUrl = masterUrl;
    }

    /**
     * @param classpath Spark's runtime jars (the launcher's class path files)
     * @param jvmFlags the JVM flags Spark needs on Java 17
     * @param nodeEnvironment what the machines' environment holds (e.g. S3 credentials): executors inherit it
     */
    static StandaloneCluster start(
            Path dir,
            List<String> classpath,
            List<String> jvmFlags,
            int workers,
            String workerMemory,
            Map<String, String> nodeEnvironment)
            throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("spark-home"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String entry : classpath) {
            Path jar = Path.of(entry);
            Path link = jars.resolve(jar.getFileName());
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(link)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        Files.writeString(home.resolve("RELEASE"), "Spark (jars from Maven) for audiencelake's cluster test\n");
        Path logs = Files.createDirectories(dir.resolve("cluster-logs"));
        int port = freePort();
        StandaloneCluster cluster = new StandaloneCluster(home, logs, "spark://127.0.0.1:" + port);
        try {
            cluster.launch(
                    "master",
                    jvmFlags,
                    Map.of(),
                    List.of(
                            "org.apache.spark.deploy.master.Master",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            Integer.toString(port),
                            "--webui-port",
                            Integer.toString(freePort())));
            for (int i = 1; i <= workers; i++) {
                cluster.launch(
                        "worker-" + i,
                        jvmFlags,
                        nodeEnvironment,
                        List.of(
                                "org.apache.spark.deploy.worker.Worker",
                                cluster.masterUrl,
                                "--host",
                                "127.0.0.1",
                                "--cores",
                                "1",
                                "--memory",
                                workerMemory,
                                "--webui-port",
                                Integer.toString(freePort()),
                                "--work-dir",
                                Files.createDirectories(dir.resolve("work-" + i))
                                        .toString()));
            }
            cluster.awaitWorkers(workers);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    String masterUrl() {
        return masterUrl;
    }

    /** Environment a process talking to the cluster (or started by it) needs. */
    Map<String, String> environment() {
        return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1");
    }

    /** The master's and workers' logs, and every executor's stderr, for a failure message. */
    String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(logs.getParent())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")
                            || p.getFileName().toString().equals("stderr"))
                    .filter(p -> p.startsWith(logs)
                            || p.getParent()
                                    .getParent()
                                    .getFileName()
                                    .toString()
                                    .startsWith("app-"))
                    .toList()) {
                String text = Files.readString(f);
                out.append("==== ")
                        .append(f)
                        .append('\n')
                        .append(text.length() > 6000 ? text.substring(text.length() - 6000) : text)
                        .append('\n');
            }
        }
        return out.toString();
    }

    private void launch(String name, List<String> jvmFlags, Map<String, String> env, List<String> mainAndArgs)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-Xmx512m", "-cp", sparkHome.resolve("jars") + "/*"));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        builder.environment().putAll(environment());
        builder.environment().putAll(env);
        processes.add(builder.start());
    }

    private void awaitWorkers(int workers) throws IOException, InterruptedException {
        Path master = logs.resolve("master.log");
        for (int i = 0; i < 240; i++) {
            String text = Files.exists(master) ? Files.readString(master) : "";
            if (text.split("Registering worker", -1).length - 1 >= workers) {
                return;
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process exited (" + p.exitValue() + "):\n" + logs());
                }
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(workers + " workers did not register in 2 minutes:\n" + logs());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
