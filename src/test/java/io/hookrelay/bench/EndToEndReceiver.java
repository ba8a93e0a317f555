package io.hookrelay.bench;

import io.hookrelay.bench.DeliveryReceiver.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The end-to-end bench's webhook receiver, a process of its own: {@link DeliveryReceiver} (one event loop per
 * core, 200 at once) on the path {@code /e2e/<subscription index>}, recording every delivery: which
 * (webhook-id, subscription) pairs arrived - so a second arrival of one is counted as a duplicate, not as a
 * delivery - and for each first arrival its wall-clock arrival time with the load generator's send time and the
 * event's timestamp read from the body. A control server on a second loopback port answers
 * {@code GET /status} (counters, cheap, polled while draining) and {@code GET /summary?from=&to=&expected=}
 * (the window's figures). Prints {@code READY <webhook-port> <control-port>}.
 */
public final class EndToEndReceiver {

    static final String PATH = "/e2e/";
    /** Subscriptions are told apart by one bit each of a per-event mask. */
    static final int MAX_SUBSCRIPTIONS = 32;

    public static void main(String[] args) throws Exception {
        BenchProcess.exitWithParent();
        Vertx vertx = Vertx.vertx();
        Arrivals arrivals = new Arrivals();
        DeliveryReceiver receiver = DeliveryReceiver.start(vertx, 1, path -> Answer.OK, arrivals);
        HttpServer control = vertx.createHttpServer()
                .requestHandler(request -> control(vertx, arrivals, request))
                .listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
        System.out.println("READY " + receiver.port(0) + " " + control.actualPort());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void control(Vertx vertx, Arrivals arrivals, HttpServerRequest request) {
        switch (request.path()) {
            case "/status" -> request.response().putHeader("content-type", "application/json")
                    .end(arrivals.status().encode());
            case "/summary" -> {
                long from = Long.parseLong(request.getParam("from"));
                long to = Long.parseLong(request.getParam("to"));
                long expected = Long.parseLong(request.getParam("expected"));
                // Sorting a few million latencies is no work for an event loop.
                vertx.executeBlocking(() -> arrivals.summary(from, to, expected))
                        .onSuccess(summary -> request.response().putHeader("content-type", "application/json")
                                .end(summary.encode()))
                        .onFailure(e -> request.response().setStatusCode(500).end(String.valueOf(e)));
            }
            default -> request.response().setStatusCode(404).end();
        }
    }

    /** Everything the receiver keeps, written concurrently by the event loops. */
    static final class Arrivals implements DeliveryReceiver.Recorder {

        private static final int CHUNK = 1 << 18;
        /** Per first arrival: send time, event timestamp, arrival time (µs; -1 where the body did not say). */
        private static final int FIELDS = 3;

        private final AtomicReferenceArray<long[]> chunks = new AtomicReferenceArray<>(1 << 14);
        private final AtomicLong next = new AtomicLong();
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>(1 << 20);
        private final LongAdder requests = new LongAdder();
        private final LongAdder unique = new LongAdder();
        private final LongAdder duplicates = new LongAdder();
        private final LongAdder unreadable = new LongAdder();
        private final LongAdder[] perSubscription = new LongAdder[MAX_SUBSCRIPTIONS];
        private final AtomicLong lastUnique = new AtomicLong();

        Arrivals() {
            for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
                perSubscription[i] = new LongAdder();
            }
        }

        @Override
        public void arrived(String path, String webhookId, Buffer body, long arrivedMicros) {
            requests.increment();
            int index = subscriptionIndex(path);
            if (webhookId == null || index < 0) {
                unreadable.increment();
                return;
            }
            int bit = 1 << index;
            int before = seen.computeIfAbsent(webhookId, id -> new AtomicInteger()).getAndUpdate(mask -> mask | bit);
            if ((before & bit) != 0) {
                duplicates.increment();
                return;
            }
            String text = body.toString(StandardCharsets.UTF_8);
            long slot = next.getAndIncrement();
            long[] chunk = chunk((int) (slot / CHUNK));
            int at = (int) (slot % CHUNK) * FIELDS;
            chunk[at] = sentMicros(text);
            chunk[at + 1] = timestampMicros(text);
            chunk[at + 2] = arrivedMicros;
            perSubscription[index].increment();
            lastUnique.accumulateAndGet(arrivedMicros, Math::max);
            // Last, so a reader that sees the count also sees the slot's values.
            unique.increment();
        }

        JsonObject status() {
            return new JsonObject().put("unique", unique.sum()).put("duplicates", duplicates.sum())
                    .put("requests", requests.sum()).put("unreadable", unreadable.sum())
                    .put("last_unique_us", lastUnique.get());
        }

        /**
         * Over the first arrivals so far: how many arrived before {@code from} and before {@code to}, per second
         * of the window, and the latencies of the deliveries of events sent in [from, to), where
         * {@code expected} of them should be (the missing count as slower than any that arrived).
         */
        JsonObject summary(long from, long to, long expected) {
            long count = Math.min(next.get(), unique.sum());
            long beforeFrom = 0;
            long beforeTo = 0;
            long noSendTime = 0;
            long[] perSecond = new long[(int) ((to - from) / 1_000_000L)];
            long[] fromSend = new long[(int) Math.min(Integer.MAX_VALUE - 8, count)];
            long[] fromTimestamp = new long[fromSend.length];
            int sent = 0;
            int stamped = 0;
            for (long slot = 0; slot < count; slot++) {
                long[] chunk = chunks.get((int) (slot / CHUNK));
                int at = (int) (slot % CHUNK) * FIELDS;
                long arrived = chunk == null ? 0 : chunk[at + 2];
                if (arrived == 0) {
                    continue; // a slot taken by an arrival still being written
                }
                long sentAt = chunk[at];
                long stamp = chunk[at + 1];
                if (arrived < from) {
                    beforeFrom++;
                }
                if (arrived < to) {
                    beforeTo++;
                    if (arrived >= from) {
                        perSecond[(int) ((arrived - from) / 1_000_000L)]++;
                    }
                }
                if (sentAt < 0) {
                    noSendTime++;
                } else if (sentAt >= from && sentAt < to) {
                    fromSend[sent++] = (arrived - sentAt) * 1_000L;
                    if (stamp >= 0) {
                        fromTimestamp[stamped++] = (arrived - stamp) * 1_000L;
                    }
                }
            }
            JsonArray seconds = new JsonArray();
            for (long s : perSecond) {
                seconds.add(s);
            }
            JsonArray subscriptions = new JsonArray();
            for (LongAdder adder : perSubscription) {
                subscriptions.add(adder.sum());
            }
            return new JsonObject().put("first_arrivals", count).put("before_from", beforeFrom)
                    .put("before_to", beforeTo).put("per_second", seconds).put("no_send_time", noSendTime)
                    .put("per_subscription", subscriptions)
                    .put("from_send", latencies(fromSend, sent, expected))
                    .put("from_timestamp", latencies(fromTimestamp, stamped, expected))
                    .put("status", status());
        }

        private static JsonObject latencies(long[] values, int n, long expected) {
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            DeliveryLatencies latencies = DeliveryLatencies.ofSorted(sorted, Math.max(0, expected - n));
            return new JsonObject().put("count", n).put("missing", latencies.missing())
                    .put("p50_ms", EndToEndLoad.finite(latencies.millisCountingMissing(0.50)))
                    .put("p90_ms", EndToEndLoad.finite(latencies.millisCountingMissing(0.90)))
                    .put("p99_ms", EndToEndLoad.finite(latencies.millisCountingMissing(0.99)))
                    .put("max_ms", latencies.missing() > 0 ? null : EndToEndLoad.finite(latencies.maxMillis()));
        }

        private long[] chunk(int index) {
            long[] chunk = chunks.get(index);
            if (chunk == null) {
                chunks.compareAndSet(index, null, new long[CHUNK * FIELDS]);
                chunk = chunks.get(index);
            }
            return chunk;
        }

        private static int subscriptionIndex(String path) {
            if (!path.startsWith(PATH)) {
                return -1;
            }
            try {
                int index = Integer.parseInt(path.substring(PATH.length()));
                return index >= 0 && index < MAX_SUBSCRIPTIONS ? index : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** The load generator's {@code "sent_at_us": 123} in the data; the database may have put a space in. */
        private static long sentMicros(String body) {
            int at = body.indexOf("\"sent_at_us\"");
            if (at < 0) {
                return -1;
            }
            int i = at + "\"sent_at_us\"".length();
            while (i < body.length() && (body.charAt(i) == ':' || body.charAt(i) == ' ')) {
                i++;
            }
            long value = 0;
            int digits = 0;
            for (; i < body.length() && Character.isDigit(body.charAt(i)); i++, digits++) {
                value = value * 10 + (body.charAt(i) - '0');
            }
            return digits == 0 ? -1 : value;
        }

        /** The envelope's {@code "timestamp":"..."}: the event's created_at, in milliseconds. */
        private static long timestampMicros(String body) {
            int at = body.indexOf("\"timestamp\"");
            if (at < 0) {
                return -1;
            }
            int open = body.indexOf('"', at + "\"timestamp\"".length());
            int close = open < 0 ? -1 : body.indexOf('"', open + 1);
            if (close < 0) {
                return -1;
            }
            try {
                Instant time = Instant.parse(body.substring(open + 1, close));
                return time.getEpochSecond() * 1_000_000L + time.getNano() / 1_000;
            } catch (RuntimeException e) {
                return -1;
            }
        }
    }
}
