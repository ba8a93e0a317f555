package io.hookrelay.dashboard;

import io.hookrelay.Application;
import io.hookrelay.config.ConfigLoader;
import io.hookrelay.db.DatabaseUrl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard API over millions of attempts: fills an empty database with {@link DashboardVolume},
 * then times each dashboard call through HTTP (admin token narrowed to one tenant, so the tenant's own
 * queries run) and one retention batch. Run with bench/run-bench.sh dashboard [events].
 */
public final class DashboardBench {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final int RUNS = 20;

    private DashboardBench() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(args[0]);
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        String admin = "bench-admin-token-0123456789";
        Application app = Application.start(ConfigLoader.load(Map.of(
                "HOOKRELAY_DATABASE_URL", args[0], "HOOKRELAY_HTTP_PORT", "0", "HOOKRELAY_HTTP_HOST", "127.0.0.1",
                "HOOKRELAY_DATA_DIR", Files.createTempDirectory("hookrelay-bench").toString(),
                "HOOKRELAY_ADMIN_TOKEN", admin,
                "HOOKRELAY_MASTER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "HOOKRELAY_DELIVERY_ENABLED", "false", "HOOKRELAY_POLLER_ENABLED", "false"), new Properties()));
        try {
            long started = System.nanoTime();
            DashboardVolume.fill(sql -> execute(url, sql), events);
            System.out.printf("filled %,d deliveries and %,d attempts (%d tenants) in %.1f s%n",
                    count(url, "SELECT count(*) FROM deliveries"), count(url, "SELECT count(*) FROM delivery_attempts"),
                    DashboardVolume.TENANTS, (System.nanoTime() - started) / 1e9);
            String tenant = text(url, "SELECT tenant_id FROM deliveries WHERE status = 'failed' ORDER BY id DESC LIMIT 1");
            String subscription = text(url, "SELECT subscription_id FROM deliveries WHERE tenant_id = '" + tenant
                    + "' ORDER BY id DESC LIMIT 1");
            String delivery = text(url, "SELECT id FROM deliveries WHERE subscription_id = '" + subscription
                    + "' AND status = 'failed' ORDER BY id DESC LIMIT 1");
            String cursorAfter = text(url, "SELECT id FROM deliveries WHERE tenant_id = '" + tenant + "' ORDER BY id DESC OFFSET 5000 LIMIT 1");
            String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(cursorAfter.getBytes());
            String t = "tenant_id=" + tenant;
            Instant now = Instant.now();
            String base = "http://127.0.0.1:" + app.httpPort();
            System.out.printf("%-58s %9s %9s %9s%n", "call (one tenant of " + DashboardVolume.TENANTS + ", admin token)", "median", "p95", "max");
            time(base, admin, "/v1/deliveries?" + t);
            time(base, admin, "/v1/deliveries?" + t + "&cursor=" + cursor);
            time(base, admin, "/v1/deliveries?" + t + "&status=failed");
            time(base, admin, "/v1/deliveries?" + t + "&subscription_id=" + subscription);
            time(base, admin, "/v1/deliveries?" + t + "&subscription_id=" + subscription + "&status=failed");
            time(base, admin, "/v1/deliveries?" + t + "&since=" + now.minus(Duration.ofDays(20)) + "&until=" + now.minus(Duration.ofDays(19)));
            time(base, admin, "/v1/deliveries?status=pending");
            time(base, admin, "/v1/deliveries/" + delivery);
            for (String window : new String[] {"1h", "24h", "7d"}) {
                time(base, admin, "/v1/subscriptions/" + subscription + "/stats?window=" + window);
            }
            for (String window : new String[] {"1h", "24h", "7d"}) {
                time(base, admin, "/v1/stats?window=" + window + "&" + t);
            }
            for (String window : new String[] {"1h", "24h", "7d"}) {
                time(base, admin, "/v1/stats?window=" + window);
            }
            long before = count(url, "SELECT count(*) FROM delivery_attempts");
            long purgeStarted = System.nanoTime();
            long deleted = new AttemptRetention(app.vertx(), app.pool(), Duration.ofDays(30), Clock.systemUTC()).purge()
                    .await(30, TimeUnit.MINUTES);
            System.out.printf("retention (30 days): deleted %,d of %,d attempts in %.1f s (%d batches of %d)%n", deleted, before,
                    (System.nanoTime() - purgeStarted) / 1e9, (deleted + AttemptRetention.BATCH - 1) / AttemptRetention.BATCH,
                    AttemptRetention.BATCH);
        } finally {
            app.close();
        }
    }

    private static void time(String base, String token, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("authorization", "Bearer " + token).build();
        for (int i = 0; i < 3; i++) {
            check(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()), path);
        }
        double[] millis = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long started = System.nanoTime();
            check(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()), path);
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        Arrays.sort(millis);
        String shown = path.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}").replaceAll("cursor=[A-Za-z0-9_-]+", "cursor=…")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "{time}");
        System.out.printf("%-58s %7.1fms %7.1fms %7.1fms%n", shown, millis[RUNS / 2], millis[(int) (RUNS * 0.95) - 1], millis[RUNS - 1]);
    }

    private static void check(HttpResponse<String> response, String path) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static void execute(DatabaseUrl url, String sql) {
        try (Connection conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             Statement statement = conn.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static long count(DatabaseUrl url, String sql) {
        return Long.parseLong(text(url, sql));
    }

    private static String text(DatabaseUrl url, String sql) {
        try (Connection conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
             Statement statement = conn.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
