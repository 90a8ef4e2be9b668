package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StoredSession;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The commit gate over a real queue, without a flusher: write-throughs run alone against batch
 * attempts, reads see pending writes first, and a read whose delegate load overlapped a batch being
 * settled is repeated, the third time inside the gate.
 */
@DisplayName("commit gate: write-through, reads with the epoch check, cancellation")
class CommitGateTest {
    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);
    private final WriteQueue queue = new WriteQueue(new BufferSettings(1, Duration.ofHours(1), 100,
            AckMode.WRITE_BEHIND, Duration.ZERO, 0, Duration.ZERO, f -> { }, clock), new Outage());
    private final CommitGate gate = new CommitGate(queue.held(), queue.lifecycle());
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private void enqueue(StoredSession session) {
        queue.enqueue(session, session.accessTokenHash(), session.refreshTokenHash(), null);
    }

    /** Commits (as if) one unrelated write: a batch is settled, so the epoch moves. */
    private void settleABatch() {
        enqueue(sessions.session("other-" + System.nanoTime(), "x"));
        List<PendingWrite> batch = queue.nextBatch();
        batch.forEach(w -> w.state = PendingWrite.State.WRITTEN);
        queue.settle(batch, 1, 0);
    }

    private Optional<StoredSession> byAccessToken(StoredSession s, Supplier<Optional<StoredSession>> load) {
        return gate.loadByAccessHash(s.accessTokenHash(), clock.instant(), load);
    }

    @Test
    @DisplayName("a pending write answers reads by every key; the delegate is not asked")
    void pendingWriteAnswers() {
        StoredSession s = sessions.session("s", "u");
        enqueue(s);
        Supplier<Optional<StoredSession>> never = () -> {
            throw new AssertionError("the delegate must not be asked");
        };
        assertEquals(Optional.of(s), byAccessToken(s, never));
        assertEquals(Optional.of(s), gate.loadById("s", clock.instant(), never));
        assertEquals(Optional.of(s), gate.loadByRefreshHash(s.refreshTokenHash(), clock.instant(), never));
        assertEquals(Optional.empty(), gate.loadById("s", clock.instant().plus(Duration.ofDays(1)), never),
                "expired by access: the pending write says it is gone");
    }

    @Test
    @DisplayName("a session the delegate returns is replaced by its newer pending write")
    void newerPendingWriteWins() {
        StoredSession persisted = sessions.session("s", "u");
        StoredSession newer = sessions.rotated(persisted);
        enqueue(newer);
        assertEquals(Optional.of(newer), gate.loadById("other-key", clock.instant(), () -> Optional.of(newer)));
        assertEquals(Optional.empty(), byAccessToken(persisted, () -> Optional.of(persisted)),
                "the old token no longer names the session once its replacement is pending");
    }

    @Test
    @DisplayName("without pending writes the delegate answers, once")
    void delegateAnswers() {
        StoredSession s = sessions.session("s", "u");
        AtomicInteger loads = new AtomicInteger();
        assertEquals(Optional.of(s), byAccessToken(s, () -> {
            loads.incrementAndGet();
            return Optional.of(s);
        }));
        assertEquals(1, loads.get());
    }

    @Test
    @DisplayName("a load that overlapped a batch being settled is repeated")
    void repeatedOnceAfterABatch() {
        StoredSession s = sessions.session("s", "u");
        AtomicInteger loads = new AtomicInteger();
        assertEquals(Optional.of(s), byAccessToken(s, () -> {
            if (loads.incrementAndGet() == 1) {
                settleABatch();
            }
            return Optional.of(s);
        }));
        assertEquals(2, loads.get());
    }

    @Test
    @DisplayName("the third attempt runs inside the gate: no batch attempt can start while it loads")
    void thirdAttemptIsExclusive() throws Exception {
        StoredSession s = sessions.session("s", "u");
        AtomicInteger loads = new AtomicInteger();
        Future<?>[] attempt = new Future<?>[1];
        assertEquals(Optional.of(s), byAccessToken(s, () -> {
            if (loads.incrementAndGet() < 3) {
                settleABatch();
            } else {
                attempt[0] = threads.submit(() -> {
                    gate.enter();
                    gate.leave();
                });
                assertThrows(TimeoutException.class, () -> attempt[0].get(200, TimeUnit.MILLISECONDS));
                settleABatch(); // ignored: nothing can have committed meanwhile
            }
            return Optional.of(s);
        }));
        assertEquals(3, loads.get());
        attempt[0].get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a write-through runs alone: a batch attempt waits for it")
    void writeThroughExcludesBatches() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Boolean> through = threads.submit(() -> gate.writeThrough(held -> {
            inside.countDown();
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        Future<?> batchAttempt = threads.submit(() -> {
            gate.enter();
            gate.leave();
        });
        assertThrows(TimeoutException.class, () -> batchAttempt.get(200, TimeUnit.MILLISECONDS));
        release.countDown();
        assertTrue(through.get(30, TimeUnit.SECONDS));
        batchAttempt.get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a write-through decides over the pending writes: cancel by id, by holder, by match")
    void cancellation() {
        StoredSession a = sessions.session("a", "alice");
        StoredSession b = sessions.session("b", "bob");
        StoredSession c = sessions.session("c", "alice");
        enqueue(a);
        enqueue(b);
        enqueue(c);
        boolean first = gate.writeThrough(held -> held.cancel("a"));
        boolean again = gate.writeThrough(held -> held.cancel("a"));
        assertTrue(first);
        assertFalse(again);
        assertEquals("b", gate.writeThrough(held -> held.holderOfAccessHash(b.accessTokenHash())));
        assertEquals(List.of("c"), gate.writeThrough(held -> held.cancelMatching(w -> w.session.userId().equals("alice"))));
        boolean any = gate.writeThrough(HeldWrites::any);
        assertTrue(any);
        assertEquals(1, queue.stats().pending());
    }

    @Test
    @DisplayName("a write-through is refused once the buffer is closing; reads once it is closed")
    void closed() {
        queue.lifecycle().beginClose();
        assertThrows(IllegalStateException.class, () -> gate.writeThrough(held -> null));
        StoredSession s = sessions.session("s", "u");
        assertEquals(Optional.of(s), byAccessToken(s, () -> Optional.of(s)), "closing: still readable");
        queue.lifecycle().finishClose(true, null);
        assertThrows(IllegalStateException.class, () -> byAccessToken(s, () -> Optional.of(s)));
    }
}
