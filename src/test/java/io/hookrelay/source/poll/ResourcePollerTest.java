package io.hookrelay.source.poll;

import static io.hookrelay.source.poll.PollTestBed.await;
import static io.hookrelay.source.poll.PollTestBed.awaitValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hookrelay.jsonpatch.JsonPatch;
import io.hookrelay.net.TargetUrlPolicy;
import io.hookrelay.source.poll.FakeResources.Resource;
import io.hookrelay.source.poll.PollTestBed.EventRow;
import io.hookrelay.source.poll.PollTestBed.SourceRow;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The resource poller against a real database and a real HTTP server on 127.0.0.1. Each test has its
 * own tenant and its own pollers, and removes both afterwards, so no test sees another's sources.
 */
class ResourcePollerTest {

    /** Ticks fast so tests wait tens of milliseconds for a poll, not a second. */
    static final PollerSettings FAST = PollerSettings.defaults()
            .withTickInterval(Duration.ofMillis(50))
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(10));
    static final TargetUrlPolicy PRIVATE_ALLOWED = new TargetUrlPolicy(true);

    static PollTestBed bed;

    UUID tenant;
    final List<ResourcePoller> pollers = new ArrayList<>();

    @BeforeAll
    static void startBed() throws Exception {
        bed = new PollTestBed();
    }

    @AfterAll
    static void stopBed() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @BeforeEach
    void ownTenant(TestInfo test) {
        tenant = bed.newTenant("poller test: " + test.getDisplayName());
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (ResourcePoller poller : pollers) {
            poller.stop().await(10, TimeUnit.SECONDS);
        }
        bed.deleteTenant(tenant);
    }

    ResourcePoller poller(TargetUrlPolicy policy, PollerSettings settings) throws Exception {
        ResourcePoller poller = new ResourcePoller(bed.vertx(), bed.pool(), policy, settings);
        pollers.add(poller);
        poller.start().await(10, TimeUnit.SECONDS);
        return poller;
    }

    ResourcePoller poller() throws Exception {
        return poller(PRIVATE_ALLOWED, FAST);
    }

    static JsonObject json(String text) {
        return new JsonObject(text);
    }

    List<EventRow> awaitEvents(UUID source, int count) {
        return awaitValue("source " + source + " has " + count + " event(s)", () -> bed.events(source), events -> events.size() >= count);
    }

    /** Waits for a poll after {@code before} to be fully recorded (its write also clears the lease). */
    SourceRow awaitPolledAgain(UUID source, SourceRow before) {
        return awaitValue("source " + source + " is polled again", () -> bed.source(source),
                row -> row.polledAtMicros() > before.polledAtMicros() && row.leaseOwner() == null);
    }

    SourceRow awaitFailures(UUID source, int failures) {
        return awaitValue("source " + source + " has failed " + failures + " time(s)", () -> bed.source(source),
                row -> row.failures() >= failures && row.leaseOwner() == null);
    }

    @Test
    @DisplayName("the first poll of a source emits one resource.snapshot with the body, and stores body and validators")
    void firstPollIsASnapshot() throws Exception {
        String body = "{\"price\":10,\"tags\":[\"a\",\"b\"],\"stock\":{\"count\":3}}";
        Resource resource = bed.resources().resource().serveJson(body);
        UUID source = bed.newSource(tenant, resource.url(), 3600, false,
                new JsonObject().put("Authorization", "Bearer s3cret").put("Host", "evil.example"));
        poller();

        EventRow event = awaitEvents(source, 1).get(0);
        assertEquals("resource.snapshot", event.type());
        assertEquals(tenant, event.tenantId());
        assertEquals(source, event.sourceId());
        assertEquals(new JsonObject().put("source_id", source.toString()).put("url", resource.url()).put("body", json(body)),
                event.data());

        SourceRow row = bed.source(source);
        assertEquals(json(body), row.lastBody());
        assertNotNull(row.etag());
        assertEquals(FakeResources.LAST_MODIFIED, row.lastModified());
        assertTrue(row.polled());
        assertEquals(0, row.failures());
        assertNull(row.lastError());
        assertNull(row.leaseOwner(), "the lease is released with the outcome");
        assertTrue(row.secondsUntilNextPoll() > 3590 && row.secondsUntilNextPoll() <= 3600,
                "next poll one interval later, was in " + row.secondsUntilNextPoll() + " s");

        assertEquals(1, resource.requestCount());
        MultiMap request = resource.requests().get(0);
        assertEquals("application/json", request.get("accept"));
        assertTrue(request.get("user-agent").startsWith("Hookrelay/"), request.get("user-agent"));
        assertEquals("Bearer s3cret", request.get("authorization"), "the source's headers are sent");
        assertEquals("127.0.0.1:" + bed.resources().port(), request.get("host"), "but never one that reroutes the request");
        assertNull(request.get("if-none-match"), "nothing to revalidate on a first poll");
    }

    @Test
    @DisplayName("a changed body emits resource.changed whose patch turns the old body into the new one, with the body only when asked")
    void changedBodyIsAPatch() throws Exception {
        String before = "{\"price\":10,\"tags\":[\"a\",\"b\"],\"stock\":{\"count\":3},\"a/b\":1}";
        String after = "{\"price\":12,\"tags\":[\"a\",\"c\",\"b\"],\"stock\":{\"count\":3},\"on_sale\":true}";
        Resource plain = bed.resources().resource().serveJson(before);
        Resource withBody = bed.resources().resource().serveJson(before);
        UUID plainSource = bed.newSource(tenant, plain.url(), 3600);
        UUID bodySource = bed.newSource(tenant, withBody.url(), 3600, true, new JsonObject());
        poller();
        awaitEvents(plainSource, 1);
        awaitEvents(bodySource, 1);

        plain.serveJson(after);
        withBody.serveJson(after);
        bed.makeDue(plainSource);
        bed.makeDue(bodySource);

        for (UUID source : List.of(plainSource, bodySource)) {
            List<EventRow> events = awaitEvents(source, 2);
            assertEquals(2, events.size());
            EventRow changed = events.get(1);
            assertEquals("resource.changed", changed.type());
            assertEquals(source.toString(), changed.data().getString("source_id"));
            assertEquals(source.equals(plainSource) ? plain.url() : withBody.url(), changed.data().getString("url"));
            JsonArray patch = changed.data().getJsonArray("patch");
            assertEquals(json(after), JsonPatch.apply(json(before), patch), "patch " + patch.encode());
            assertEquals(json(after), bed.source(source).lastBody());
        }
        assertFalse(bed.events(plainSource).get(1).data().containsKey("body"));
        assertEquals(json(after), bed.events(bodySource).get(1).data().getJsonObject("body"));
    }

    @Test
    @DisplayName("a 304, or the same JSON written differently, emits nothing; the validators from the last response are sent")
    void unchangedEmitsNothing() throws Exception {
        String body = "{\"price\":10,\"tags\":[\"a\"]}";
        Resource resource = bed.resources().resource().serveJson(body);
        UUID source = bed.newSource(tenant, resource.url(), 3600);
        poller();
        awaitEvents(source, 1);
        SourceRow first = bed.source(source);

        bed.makeDue(source);
        SourceRow second = awaitPolledAgain(source, first);
        MultiMap revalidation = resource.requests().get(1);
        assertEquals(first.etag(), revalidation.get("if-none-match"));
        assertEquals(FakeResources.LAST_MODIFIED, revalidation.get("if-modified-since"));
        assertEquals(first.etag(), second.etag());
        assertEquals(1, bed.events(source).size(), "304 emits nothing");
        assertTrue(second.secondsUntilNextPoll() > 3590, "a 304 reschedules a full interval later");

        // Same value, other member order and number spelling, and a server that always answers 200.
        resource.serveJsonWithoutValidators("{ \"tags\": [\"a\"], \"price\": 10.0 }");
        bed.makeDue(source);
        SourceRow third = awaitPolledAgain(source, second);
        assertEquals(1, bed.events(source).size(), "an equal JSON value emits nothing");
        assertEquals("\"v1\"", third.etag(), "the validators of the latest response are kept");
        assertNull(third.lastModified());
        assertEquals(json(body), third.lastBody());
    }

    @Test
    @DisplayName("a 500 is recorded as the source's error and backs off exponentially, without an event; recovery resets it")
    void serverErrorBacksOff() throws Exception {
        Resource resource = bed.resources().resource().serve(FakeResources.status(500, "text/plain", "oops"));
        UUID source = bed.newSource(tenant, resource.url(), 10);
        poller();

        SourceRow first = awaitFailures(source, 1);
        assertEquals("HTTP 500 Internal Server Error", first.lastError());
        assertEquals(1, first.failures());
        // 10 s doubled once, less up to a fifth of jitter.
        assertTrue(first.secondsUntilNextPoll() > 15 && first.secondsUntilNextPoll() <= 20,
                "next poll in " + first.secondsUntilNextPoll() + " s");
        assertFalse(first.hasBody());
        assertFalse(first.polled(), "last_polled_at is the last successful poll");

        bed.makeDue(source);
        SourceRow second = awaitFailures(source, 2);
        assertEquals(2, second.failures());
        assertTrue(second.secondsUntilNextPoll() > 31 && second.secondsUntilNextPoll() <= 40,
                "next poll in " + second.secondsUntilNextPoll() + " s");
        assertEquals(List.of(), bed.events(source));

        resource.serveJson("{\"ok\":true}");
        bed.makeDue(source);
        awaitEvents(source, 1);
        SourceRow recovered = bed.source(source);
        assertEquals(0, recovered.failures());
        assertNull(recovered.lastError());
        assertTrue(recovered.secondsUntilNextPoll() > 9 && recovered.secondsUntilNextPoll() <= 10);
    }

    /** A way for a resource to answer, and the start of the last_error it must cause. */
    record Failure(String error, FakeResources.Answer answer) {
    }

    @Test
    @DisplayName("bodies that are not JSON or too large, redirects, error statuses, bodies the database refuses and"
            + " refused connections each fail with a clear error")
    void failuresAreExplained() throws Exception {
        FakeResources server = bed.resources();
        Resource target = server.resource().serveJson("{}");
        String tooLarge = "the response body is larger than the limit of 1000 bytes";
        List<Failure> failures = List.of(
                new Failure("the response is not JSON (content-type text/html): Unexpected character ('<'",
                        FakeResources.status(200, "text/html", "<html>hello</html>")),
                new Failure("the response is not JSON (content-type application/json): Unexpected end-of-input",
                        FakeResources.status(200, "application/json", "{\"truncated\":")),
                new Failure("the response body is empty; expected JSON", FakeResources.status(204, "application/json", "")),
                new Failure("HTTP 302 Found; redirects are not followed (Location: " + target.url() + ")",
                        request -> request.response().setStatusCode(302).putHeader("location", target.url()).end()),
                new Failure("HTTP 404 Not Found", FakeResources.status(404, "text/plain", "nothing here")),
                new Failure("the response could not be stored: unsupported Unicode escape sequence",
                        FakeResources.status(200, "application/json", "{\"nul\":\"\\u0000\"}")),
                // Announced by Content-Length, then the same without: the running count has to catch it.
                new Failure(tooLarge, FakeResources.status(200, "application/json", "[" + "1,".repeat(600) + "1]")),
                new Failure(tooLarge, request -> {
                    request.response().setChunked(true).putHeader("content-type", "application/json");
                    for (int i = 0; i < 20; i++) {
                        request.response().write("[" + "0,".repeat(50));
                    }
                    request.response().end("0" + "]".repeat(20));
                }));

        Map<UUID, String> expected = new LinkedHashMap<>();
        failures.forEach(failure -> expected.put(bed.newSource(tenant, server.resource().serve(failure.answer()).url(), 60),
                failure.error()));
        UUID refused = bed.newSource(tenant, "http://127.0.0.1:" + closedPort() + "/nobody-listens", 60);
        poller(PRIVATE_ALLOWED, FAST.withMaxBodyBytes(1000));

        expected.forEach((source, error) -> {
            SourceRow row = awaitFailures(source, 1);
            assertTrue(row.lastError().startsWith(error), "expected '" + error + "', got '" + row.lastError() + "'");
            assertEquals(List.of(), bed.events(source));
        });
        String connectError = awaitFailures(refused, 1).lastError();
        assertTrue(connectError.startsWith("could not connect: "), connectError);
        assertEquals(0, target.requestCount(), "the redirect was not followed");
    }

    @Test
    @DisplayName("a resource that does not answer in time fails as timed out, and frees the poller for other sources")
    void slowResourceTimesOut() throws Exception {
        Resource silent = bed.resources().resource().serve(FakeResources.silence());
        Resource healthy = bed.resources().resource().serveJson("{\"fine\":true}");
        UUID slowSource = bed.newSource(tenant, silent.url(), 60);
        poller(PRIVATE_ALLOWED, FAST.withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(5)));

        SourceRow row = awaitFailures(slowSource, 1);
        assertEquals("timed out after 300 ms", row.lastError());
        assertEquals(List.of(), bed.events(slowSource));

        UUID next = bed.newSource(tenant, healthy.url(), 60);
        awaitEvents(next, 1);
    }

    @Test
    @DisplayName("two pollers on one database never poll a source concurrently, and each change is emitted exactly once")
    void twoInstancesShareTheWork() throws Exception {
        PollerSettings small = FAST.withBatchSize(2);
        List<Resource> resources = new ArrayList<>();
        List<UUID> sources = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Resource resource = bed.resources().resource().serveJson(new JsonObject().put("version", 1).put("n", i)).delay(100);
            resources.add(resource);
            sources.add(bed.newSource(tenant, resource.url(), 1));
        }
        ResourcePoller one = poller(PRIVATE_ALLOWED, small);
        ResourcePoller two = poller(PRIVATE_ALLOWED, small);
        Set<String> owners = new HashSet<>();

        for (int version = 1; version <= 3; version++) {
            int v = version;
            for (int i = 0; i < resources.size(); i++) {
                resources.get(i).serveJson(new JsonObject().put("version", v).put("n", i));
            }
            await("every source has seen version " + v, Duration.ofSeconds(20), () -> {
                owners.addAll(bed.leaseOwners(tenant));
                return bed.query("SELECT count(*) FROM sources WHERE tenant_id = ? AND (last_body ->> 'version')::int = ?",
                        rs -> rs.getInt(1), tenant, v).get(0) == sources.size();
            });
        }
        // Let every source be polled once more, unchanged, before counting.
        List<SourceRow> settled = sources.stream().map(bed::source).toList();
        for (int i = 0; i < sources.size(); i++) {
            awaitPolledAgain(sources.get(i), settled.get(i));
        }

        for (int i = 0; i < sources.size(); i++) {
            List<EventRow> events = bed.events(sources.get(i));
            assertEquals(List.of("resource.snapshot", "resource.changed", "resource.changed"),
                    events.stream().map(EventRow::type).toList(), "events of source " + i);
            Object body = events.get(0).data().getValue("body");
            for (EventRow changed : events.subList(1, events.size())) {
                body = JsonPatch.apply(body, changed.data().getJsonArray("patch"));
            }
            assertEquals(new JsonObject().put("version", 3).put("n", i), body);
            assertEquals(1, resources.get(i).maxConcurrentRequests(), "source " + i + " was polled by two at once");
        }
        assertEquals(Set.of(one.owner(), two.owner()), owners, "both instances took leases");
    }

    @Test
    @DisplayName("a source whose lease expired is picked up; one under a live lease is left alone")
    void expiredLeaseIsTakenOver() throws Exception {
        Resource orphaned = bed.resources().resource().serveJson("{\"orphan\":true}");
        Resource guarded = bed.resources().resource().serveJson("{\"guarded\":true}");
        UUID orphanedSource = bed.newSource(tenant, orphaned.url(), 3600);
        UUID guardedSource = bed.newSource(tenant, guarded.url(), 3600);
        bed.update("""
                UPDATE sources SET lease_owner = 'crashed-instance', lease_until = now() - interval '1 second',
                                   next_poll_at = now() - interval '1 minute'
                WHERE id = ?""", orphanedSource);
        bed.update("UPDATE sources SET lease_owner = 'live-instance', lease_until = now() + interval '1 hour' WHERE id = ?",
                guardedSource);
        poller();

        awaitEvents(orphanedSource, 1);
        assertNull(bed.source(orphanedSource).leaseOwner());
        // A source added afterwards being polled shows later claims happened, and still passed over the leased one.
        UUID later = bed.newSource(tenant, bed.resources().resource().url(), 3600);
        awaitEvents(later, 1);
        assertEquals(0, guarded.requestCount());
        assertEquals("live-instance", bed.source(guardedSource).leaseOwner());
    }

    @Test
    @DisplayName("a poller that lost its lease while polling writes nothing: no event, and the new owner's row untouched")
    void lostLeaseWritesNothing() throws Exception {
        Resource resource = bed.resources().resource().serveJson("{\"late\":true}").hold();
        UUID source = bed.newSource(tenant, resource.url(), 3600);
        ResourcePoller poller = poller();
        await("the poll is in flight", () -> resource.heldCount() == 1);

        bed.update("UPDATE sources SET lease_owner = 'usurper', lease_until = now() + interval '1 hour' WHERE id = ?", source);
        resource.release();
        // stop() returns once polls in flight have recorded their outcomes.
        poller.stop().await(10, TimeUnit.SECONDS);

        assertEquals(1, resource.requestCount());
        assertEquals(List.of(), bed.events(source));
        SourceRow row = bed.source(source);
        assertEquals("usurper", row.leaseOwner());
        assertFalse(row.hasBody());
        assertFalse(row.polled());
    }

    @Test
    @DisplayName("deployed as a verticle it polls, and undeploying waits for the poll in flight to be recorded")
    void deployable() throws Exception {
        Resource resource = bed.resources().resource().serveJson("{\"deployed\":true}");
        UUID source = bed.newSource(tenant, resource.url(), 3600);
        ResourcePoller poller = new ResourcePoller(bed.vertx(), bed.pool(), PRIVATE_ALLOWED, FAST);
        String deployment = bed.vertx().deployVerticle(poller).await(10, TimeUnit.SECONDS);
        awaitEvents(source, 1);
        SourceRow first = bed.source(source);

        resource.hold();
        bed.makeDue(source);
        await("the second poll is in flight", () -> resource.heldCount() == 1);
        Future<Void> undeployed = bed.vertx().undeploy(deployment);
        assertFalse(undeployed.isComplete(), "undeploying waits for the poll in flight");
        resource.release();
        undeployed.await(10, TimeUnit.SECONDS);

        SourceRow second = bed.source(source);
        assertTrue(second.polledAtMicros() > first.polledAtMicros(), "the poll in flight was recorded before undeploy completed");
        assertNull(second.leaseOwner());
    }

    @Test
    @DisplayName("a private URL is refused at poll time when private targets are not allowed, before any request")
    void privateUrlRefused() throws Exception {
        Resource resource = bed.resources().resource().serveJson("{}");
        UUID source = bed.newSource(tenant, resource.url(), 60);
        poller(new TargetUrlPolicy(false), FAST);

        SourceRow row = awaitFailures(source, 1);
        assertEquals("URL refused: URL host '127.0.0.1' is a loopback address; only public internet addresses are allowed",
                row.lastError());
        assertEquals(0, resource.requestCount());
        assertEquals(List.of(), bed.events(source));
    }

    @Test
    @DisplayName("a host name that passed the check but connects to a private address is refused before the request is sent")
    void rebindingRefused() throws Exception {
        Resource resource = bed.resources().resource().serveJson("{}");
        String url = "http://" + PollTestBed.REBINDING_HOST + ":" + bed.resources().port() + resource.path();
        UUID source = bed.newSource(tenant, url, 60);
        // The policy's resolver says public; the connection (Vert.x's resolver) goes to 127.0.0.1.
        TargetUrlPolicy fooled = new TargetUrlPolicy(false, host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34})});
        poller(fooled, FAST);

        SourceRow row = awaitFailures(source, 1);
        assertEquals("URL refused: host '" + PollTestBed.REBINDING_HOST + "' connected to 127.0.0.1, a loopback address;"
                + " only public internet addresses are allowed", row.lastError());
        assertEquals(0, resource.requestCount());
        assertEquals(List.of(), bed.events(source));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
