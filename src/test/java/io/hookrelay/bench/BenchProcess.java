package io.hookrelay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bench tool (load generator, receiver, trivial server) run as its own JVM on the bench's classpath, so its
 * CPU and its garbage collections are its own and not the coordinator's or the service's. It talks back in
 * lines on standard output ({@code READY ...}, {@code RESULT {...}}); standard error and every stdout line go
 * to a log file for when something fails.
 */
final class BenchProcess implements AutoCloseable {

    private static final String EXITED = "\u0000exited";

    final String name;
    final Process process;
    final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private boolean closed;

    private BenchProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static BenchProcess start(String name, Path logDir, Class<?> main, List<String> args) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BenchProcess child = new BenchProcess(name, process, log);
        Thread reader = new Thread(child::pump, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    /**
     * For the tools' mains: exit once standard input ends, which is when the coordinator that started this
     * process has gone, even by SIGKILL, so a killed bench does not leave its tools running.
     */
    static void exitWithParent() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing is sent; only the end matters
                }
            } catch (IOException e) {
                // the same: the parent is gone
            }
            System.exit(0);
        }, "exit-with-parent");
        watcher.setDaemon(true);
        watcher.start();
    }

    long pid() {
        return process.pid();
    }

    /**
     * The rest of the first line that starts with {@code prefix} (lines before it are skipped). Fails if the
     * process exits first or nothing comes within the time, with the end of its log, so a broken tool says why.
     */
    String await(String prefix, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new IllegalStateException(name + " printed no " + prefix + " within " + seconds + " s" + tail());
            }
            if (line.equals(EXITED)) {
                lines.add(EXITED);
                throw new IllegalStateException(name + " exited (status " + process.waitFor() + ") before printing "
                        + prefix + tail());
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
    }

    private String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log.resolveSibling(name + ".stdout")))) {
            for (String line; (line = out.readLine()) != null; ) {
                copy.println(line);
                copy.flush();
                lines.add(line);
            }
        } catch (IOException e) {
            // the process is gone; await() reports it
        } finally {
            lines.add(EXITED);
        }
    }

    /** SIGTERM, then SIGKILL if it has not gone within 15 s. Safe to call twice. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
