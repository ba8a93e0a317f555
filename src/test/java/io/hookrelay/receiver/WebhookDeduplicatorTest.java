package io.hookrelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebhookDeduplicatorTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.ofEpochSecond(1_700_000_000L);

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void secondSightingIsADuplicate() {
        WebhookDeduplicator dedupe = new WebhookDeduplicator(10);
        assertTrue(dedupe.firstTime("msg_1"));
        assertFalse(dedupe.firstTime("msg_1"));
        assertTrue(dedupe.firstTime("msg_2"));
    }

    @Test
    void insertingOneMoreThanTheBoundForgetsTheOldest() {
        int max = 5;
        WebhookDeduplicator dedupe = new WebhookDeduplicator(max);
        for (int i = 0; i <= max; i++) {
            assertTrue(dedupe.firstTime("msg_" + i));
        }
        assertEquals(max, dedupe.size());
        // msg_1..msg_5 are still remembered; checking them does not change what is stored.
        for (int i = 1; i <= max; i++) {
            assertFalse(dedupe.firstTime("msg_" + i), "msg_" + i);
        }
        assertTrue(dedupe.firstTime("msg_0"), "the oldest id should have been evicted");
    }

    @Test
    void idsExpireAfterTheTtl() {
        ManualClock clock = new ManualClock();
        WebhookDeduplicator dedupe = new WebhookDeduplicator(100, Duration.ofMinutes(10), clock);
        assertTrue(dedupe.firstTime("msg_old"));
        clock.advance(Duration.ofMinutes(6));
        assertTrue(dedupe.firstTime("msg_new"));
        clock.advance(Duration.ofMinutes(4));

        assertEquals(1, dedupe.size());
        assertTrue(dedupe.firstTime("msg_old"));
        assertFalse(dedupe.firstTime("msg_new"));
    }

    @Test
    void forgetLetsARetryThrough() {
        WebhookDeduplicator dedupe = new WebhookDeduplicator(10);
        assertTrue(dedupe.firstTime("msg_1"));
        assertTrue(dedupe.forget("msg_1"));
        assertFalse(dedupe.forget("msg_1"));
        assertTrue(dedupe.firstTime("msg_1"));
    }

    @Test
    void rejectsNonsenseConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new WebhookDeduplicator(0));
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookDeduplicator(1, Duration.ZERO, Clock.systemUTC()));
    }

    @Test
    void concurrentCallersSeeEachIdExactlyOnce() throws Exception {
        int threads = 8;
        int ids = 2_000;
        WebhookDeduplicator dedupe = new WebhookDeduplicator(ids);
        AtomicInteger firsts = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < ids; i++) {
                        if (dedupe.firstTime("msg_" + i)) {
                            firsts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(ids, firsts.get());
        assertEquals(ids, dedupe.size());
    }

    @Test
    void concurrentCallersNeverExceedTheBound() throws Exception {
        int max = 100;
        WebhookDeduplicator dedupe = new WebhookDeduplicator(max);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        dedupe.firstTime("t" + thread + "_" + i);
                        assertTrue(dedupe.size() <= max);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(max, dedupe.size());
    }
}
