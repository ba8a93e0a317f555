package io.hookrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hookrelay.Application;
import io.hookrelay.db.DatabaseUrl;
import io.hookrelay.support.Receiver;
import io.hookrelay.support.TestDatabase;
import io.hookrelay.support.TestService;
import io.hookrelay.support.Tenants;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sender reads a queue ahead of its sends, so a freed slot never waits for a claim. */
class DeliveryPipelineTest {

    @Test
    @DisplayName("while no claim can run, answered slots are filled at once from what was read ahead")
    void freedSlotsDoNotWaitForClaims() throws Exception {
        TestDatabase db = TestDatabase.get("pipeline");
        // A long tick, so nothing read ahead is given back during the test.
        Application app = TestService.start(Map.of("HOOKRELAY_DATABASE_URL", db.url().toUrl(),
                "HOOKRELAY_ALLOW_PRIVATE_TARGETS", "true", "HOOKRELAY_DELIVERY_POLL_INTERVAL", "PT10S"));
        Vertx vertx = Vertx.vertx();
        List<HttpServerRequest> waiting = new CopyOnWriteArrayList<>();
        int cap = 4;
        try (Receiver receiver = Receiver.start(vertx, (n, request, v) -> waiting.add(request))) {
            Tenants tenant = Tenants.create(app, "pipeline");
            tenant.subscribe(receiver.url(), new JsonObject().put("max_in_flight", cap));
            int claimable = SenderQueue.claimable(cap, false);
            // More than one claim may hold, so the read-ahead is full when the database stops answering.
            int events = claimable + 20;
            for (int i = 0; i < events; i++) {
                tenant.publish("pipeline.test", i);
            }
            Receiver.await("a cap's worth in flight", Duration.ofSeconds(20), () -> waiting.size() == cap);
            Thread.sleep(300); // the claim that read ahead has returned

            DatabaseUrl url = db.url();
            try (Connection blocker = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
                blocker.setAutoCommit(false);
                try (Statement statement = blocker.createStatement()) {
                    // Every claim and every outcome batch reads the leases: none can run until this ends.
                    statement.execute("LOCK TABLE delivery_queue_leases IN ACCESS EXCLUSIVE MODE");
                }
                receiver.behave(Receiver.status(200));
                waiting.forEach(request -> request.response().setStatusCode(200).end());
                // Outcomes cannot be written either, so the bound on sent-but-unwritten deliveries stops it too.
                int sendable = Math.min(claimable, SenderQueue.unwrittenBound(cap));
                Receiver.await("the read-ahead sent", Duration.ofSeconds(10), () -> receiver.received().size() >= sendable);
                Thread.sleep(500);
                assertEquals(sendable, receiver.received().size(),
                        "the answered cap was replaced from the read-ahead without a claim, and nothing more went");
                blocker.rollback();
            }
            Receiver.await("everything delivered once the database answers again", Duration.ofSeconds(30),
                    () -> receiver.received().size() == events);
        } finally {
            app.close();
            vertx.close();
        }
    }
}
