package io.hookrelay;

import io.hookrelay.config.StartupFailure;
import io.hookrelay.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.logging.LogManager;

/** Runs the service until SIGTERM or SIGINT, then stops it gracefully. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before anything touches java.util.logging: the LogManager's class is read only once, at its start.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", StopSafeLogManager.class.getName());
        }
        configureLogging();
        Application app;
        try {
            app = Application.start(ConfigLoader.fromEnvironment());
        } catch (StartupFailure e) {
            System.err.println("hookrelay: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("hookrelay: failed to start: " + startFailure(e));
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // An operator's own LogManager (java.util.logging.manager) keeps its own shutdown behaviour.
        StopSafeLogManager logs = LogManager.getLogManager() instanceof StopSafeLogManager ours ? ours : null;
        if (logs != null) {
            logs.hold();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.close();
            } finally {
                if (logs != null) {
                    logs.release();
                }
                stopped.countDown();
            }
        }, "hookrelay-shutdown"));
        stopped.await();
    }

    private static String startFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException) {
                return "the HTTP port is already in use (set HOOKRELAY_HTTP_PORT to another port)";
            }
        }
        return e.getMessage();
    }

    /** One line per record unless the operator points java.util.logging.config.file elsewhere. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (InputStream in = Main.class.getClassLoader().getResourceAsStream("hookrelay-logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            System.err.println("hookrelay: default logging configuration unreadable: " + e.getMessage());
        }
    }
}
