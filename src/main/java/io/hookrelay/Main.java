package io.hookrelay;

import io.hookrelay.config.ConfigException;
import io.hookrelay.config.ConfigLoader;
import java.util.concurrent.CountDownLatch;

/** Runs the service until SIGTERM or SIGINT, then stops it gracefully. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Application app;
        try {
            app = Application.start(ConfigLoader.fromEnvironment());
        } catch (ConfigException e) {
            System.err.println("hookrelay: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "hookrelay-shutdown"));
        stopped.await();
    }
}
