package io.hookrelay.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code io.hookrelay.Main} in a process of its own, so tests can stop it gracefully or kill it outright. */
public final class ServiceProcess {

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Main with only the given HOOKRELAY_* settings (plus the port) and waits until it is ready. */
    public static ServiceProcess start(Map<String, String> settings, int port, Path log) throws Exception {
        ServiceProcess service = new ServiceProcess(started(builder(List.of(), settings, port, log)), port, log);
        service.awaitReady();
        return service;
    }

    /** Every service a test started, killed when the test JVM ends should a failing test leave one running. */
    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly),
                "stop-left-over-services"));
    }

    private static Process started(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        STARTED.add(process);
        return process;
    }

    /** What a start that is meant to fail printed, and how it ended. */
    public record Exited(int status, String output) {
    }

    /**
     * Runs Main until it exits by itself, as a start that must fail does; {@code wrapper} comes first on the
     * command line (e.g. {@code unshare --mount ...} to give it a file system of its own).
     */
    public static Exited runUntilExit(List<String> wrapper, Map<String, String> settings, int port, Path log)
            throws Exception {
        Process process = started(builder(wrapper, settings, port, log));
        if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service was meant to exit by itself but still runs:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Exited(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The command line that runs Main, for a wrapper script that starts it itself. */
    public static List<String> mainCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(java, "-Xmx256m", "-cp", classpath, "io.hookrelay.Main");
    }

    private static ProcessBuilder builder(List<String> wrapper, Map<String, String> settings, int port, Path log) {
        List<String> command = new java.util.ArrayList<>(wrapper);
        command.addAll(mainCommand());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("HOOKRELAY_"));
        env.put("HOOKRELAY_HTTP_PORT", Integer.toString(port));
        env.put("HOOKRELAY_HTTP_HOST", "127.0.0.1");
        env.putAll(settings);
        return builder;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM: the graceful path. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the service did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no flush, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void awaitReady() throws Exception {
        Api anonymous = new Api(port, null);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited early:\n" + log());
            }
            try {
                if (anonymous.get("/health/ready").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYetListening) {
                // keep polling until the deadline
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the service did not become ready:\n" + log());
    }
}
