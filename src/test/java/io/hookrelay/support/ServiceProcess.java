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
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", classpath, "io.hookrelay.Main"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("HOOKRELAY_"));
        env.put("HOOKRELAY_HTTP_PORT", Integer.toString(port));
        env.put("HOOKRELAY_HTTP_HOST", "127.0.0.1");
        env.putAll(settings);
        ServiceProcess service = new ServiceProcess(builder.start(), port, log);
        service.awaitReady();
        return service;
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
