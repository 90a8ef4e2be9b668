package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Group commit's fast path: a caller that finds the buffer idle (nothing queued or in flight, no
 * batch committing) writes its own session as a batch of one on its own thread. These tests hold it
 * to everything a batch committed by the flusher does: one plain delegate call, batch listeners
 * (metrics), refusal handling, the outage fail-fast, the delegate's change feed, and ordering with
 * revocations, rotation, flush and later writes. Nothing here measures time: "waits" is checked by
 * the waiting thread being parked and its call not done.
 */
@DisplayName("group commit: a lone caller's batch of one")
class LoneCallerTest {
    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);
    private final List<BufferedTokenStore> opened = new ArrayList<>();
    private final List<FlushFailure> reported = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() {
        threads.shutdownNow();
        opened.forEach(BufferedTokenStore::close);
    }

    private BufferedTokenStore groupCommit(TokenStore delegate) {
        BufferedTokenStore store = BufferedTokenStore.builder(delegate).clock(clock).ackMode(AckMode.GROUP_COMMIT)
                .retryBackoff(Duration.ofMillis(1)).onFlushError(reported::add).build();
        opened.add(store);
        return store;
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(2);
        }
    }

    /** Runs {@code call} on a pool thread and waits until that thread is parked (or the call is done). */
    private <T> Future<T> parkedCall(java.util.concurrent.Callable<T> call) throws InterruptedException {
        AtomicReference<Thread> runner = new AtomicReference<>();
        Future<T> future = threads.submit(() -> {
            runner.set(Thread.currentThread());
            return call.call();
        });
        eventually(() -> runner.get() != null);
        eventually(() -> future.isDone() || switch (runner.get().getState()) {
            case WAITING, TIMED_WAITING, BLOCKED -> true;
            default -> false;
        });
        return future;
    }

    @Test
    @DisplayName("is one plain storeSession on the caller's thread, neither a bulk call nor a transaction")
    void onePlainDelegateCall() {
        TestDelegate.Bulk bulk = (TestDelegate.Bulk) TestDelegate.bulk(clock);
        TestDelegate.Transactional tx = (TestDelegate.Transactional) TestDelegate.transactional(clock);
        for (TestDelegate delegate : List.of(bulk, tx, TestDelegate.singleOps(clock))) {
            BufferedTokenStore store = groupCommit(delegate);
            for (int i = 0; i < 5; i++) {
                StoredSession s = sessions.session("s" + i, "u");
                store.storeSession(s);
                assertEquals(i + 1, delegate.writeCalls.get(), "one delegate call per lone write");
                assertSame(Thread.currentThread(), delegate.lastWriter, "written on the caller's thread");
                assertEquals(Optional.of(s), delegate.inner.loadSessionById(s.sessionId()));
            }
            assertEquals(5, store.stats().batches());
            assertEquals(5, store.stats().flushed());
            assertEquals(0, store.stats().pending());
        }
        assertEquals(0, bulk.bulkCalls.get());
        assertEquals(0, tx.transactions.get());
    }

    @Test
    @DisplayName("is told to batch listeners as a batch of one before storeSession returns")
    void batchListenersHearABatchOfOne() {
        TestDelegate delegate = TestDelegate.bulk(clock);
        BufferedTokenStore store = groupCommit(delegate);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        List<Thread> callers = new CopyOnWriteArrayList<>();
        store.addBatchListener((written, nanos) -> {
            sizes.add(written);
            callers.add(Thread.currentThread());
        });
        store.storeSession(sessions.session("s1", "u"));
        assertEquals(List.of(1), sizes, "told before the call returned");
        assertEquals(List.of(Thread.currentThread()), callers);
        store.storeSession(sessions.session("s2", "u"));
        assertEquals(List.of(1, 1), sizes);
        assertEquals(2, store.stats().batches());
    }

    @Test
    @DisplayName("batch listener calls never overlap, whoever commits the batch; every write is counted once")
    void batchListenerCallsNeverOverlap() throws Exception {
        TestDelegate delegate = TestDelegate.transactional(clock);
        BufferedTokenStore store = groupCommit(delegate);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger told = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        store.addBatchListener((written, nanos) -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            told.addAndGet(written);
            calls.incrementAndGet();
            Thread.yield(); // widen the window an overlapping call would need
            inside.decrementAndGet();
        });
        int writers = 6;
        int rounds = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String prefix = "w" + w + "-";
            running.add(threads.submit(() -> {
                start.await();
                for (int r = 0; r < rounds; r++) {
                    store.storeSession(sessions.session(prefix + r, "u"));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> writer : running) {
            writer.get(60, TimeUnit.SECONDS);
        }
        assertEquals(0, overlaps.get(), "listener calls overlapped");
        assertEquals(writers * rounds, told.get());
        assertEquals(store.stats().batches(), calls.get());
        assertEquals(calls.get(), delegate.writeCalls.get(), "one delegate call per batch");
    }

    @Test
    @DisplayName("meets an outage like any group-commit batch: one attempt, DatabaseUnavailableException at once, "
            + "reported, not counted as a batch; the next lone write after the outage commits")
    void outageFailsALoneWriteFast() {
        TestDelegate delegate = TestDelegate.bulk(clock);
        BufferedTokenStore store = groupCommit(delegate);
        List<Integer> batches = new CopyOnWriteArrayList<>();
        store.addBatchListener((written, nanos) -> batches.add(written));
        Instant since = clock.instant();
        delegate.unavailableSince = since;
        StoredSession s = sessions.session("s1", "u");
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, () -> store.storeSession(s));
        assertEquals(since, e.since());
        assertEquals(1, delegate.writeCalls.get(), "tried once, not retried against the outage (maxRetries is 3)");
        assertSame(Thread.currentThread(), delegate.lastWriter);
        assertEquals(1, reported.size());
        assertFalse(reported.get(0).refused());
        assertEquals(List.of("s1"), reported.get(0).sessionIds());
        assertEquals(0, store.stats().pending());
        assertEquals(0, store.stats().batches());
        assertEquals(0, store.stats().retries());
        assertEquals(List.of(), batches, "nothing committed, nothing told");
        assertTrue(store.loadSessionById("s1").isEmpty(), "a write handed back is not visible");

        delegate.unavailableSince = null;
        StoredSession after = sessions.session("s2", "u");
        store.storeSession(after);
        assertEquals(Optional.of(after), delegate.inner.loadSessionById("s2"));
        assertSame(Thread.currentThread(), delegate.lastWriter, "the fast path is back");
        assertEquals(List.of(1), batches);
    }

    @Test
    @DisplayName("callers that queued behind a lone write which meets an outage fail fast too, in one batch attempt")
    void callersQueuedBehindALoneWriteFailFastInAnOutage() throws Exception {
        TestDelegate delegate = TestDelegate.transactional(clock);
        BufferedTokenStore store = groupCommit(delegate);
        delegate.closeGate();
        Future<?> lone = threads.submit(() -> store.storeSession(sessions.session("lone", "u")));
        assertTrue(delegate.atGate.await(10, TimeUnit.SECONDS));
        List<Future<?>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "queued" + i;
            queued.add(threads.submit(() -> store.storeSession(sessions.session(id, "u"))));
        }
        eventually(() -> store.stats().pending() == 4);
        delegate.unavailableSince = clock.instant();
        delegate.open();
        ExecutionException first = assertThrows(ExecutionException.class, () -> lone.get(10, TimeUnit.SECONDS));
        assertInstanceOf(DatabaseUnavailableException.class, first.getCause());
        for (Future<?> call : queued) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
            assertInstanceOf(DatabaseUnavailableException.class, e.getCause());
        }
        assertEquals(2, delegate.writeCalls.get(), "the lone write, then the queued three as one batch: no retries");
        assertEquals(0, store.stats().pending());
        delegate.unavailableSince = null;
        store.storeSession(sessions.session("after", "u"));
        assertTrue(delegate.inner.loadSessionById("after").isPresent());
    }

    @Test
    @DisplayName("a refused lone write is one delegate call, fails its caller, is reported as refused, and the "
            + "buffer flows on")
    void refusedLoneWrite() {
        TestDelegate delegate = TestDelegate.bulk(clock);
        delegate.inner.storeSession(sessions.withTokens("elsewhere", "u", "shared-token", null));
        BufferedTokenStore store = groupCommit(delegate);
        assertThrows(IllegalArgumentException.class,
                () -> store.storeSession(sessions.withTokens("mine", "u", "shared-token", null)));
        assertEquals(1, delegate.writeCalls.get(), "a batch of one is not written again record by record");
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).refused());
        assertEquals(List.of("mine"), reported.get(0).sessionIds());
        assertTrue(delegate.inner.loadSessionById("mine").isEmpty());
        assertEquals(0, store.stats().pending());
        StoredSession next = sessions.session("next", "u");
        store.storeSession(next);
        assertEquals(Optional.of(next), delegate.inner.loadSessionById("next"));
    }

    @Test
    @DisplayName("the delegate's change feed announces a lone write before the call returns, as one event")
    void changeFeedAnnouncesTheWrite() {
        InMemoryTokenStore delegate = new InMemoryTokenStore(clock);
        BufferedTokenStore store = groupCommit(delegate);
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        store.features().changeFeed().orElseThrow().subscribe(events::add);
        StoredSession s = sessions.session("s1", "u");
        store.storeSession(s);
        assertEquals(1, events.size(), "announced by the time storeSession returns");
        assertEquals(java.util.Set.of(ChangeEvent.keyOf("s1")), events.get(0).sessionIdHashes());
        assertTrue(events.get(0).tokenHashes().contains(s.accessTokenHash()));
    }

    @Test
    @DisplayName("a revocation by user during a lone caller's commit waits for it and wins")
    void userRevocationDuringALoneCommitWins() throws Exception {
        TestDelegate delegate = TestDelegate.bulk(clock);
        BufferedTokenStore store = groupCommit(delegate);
        StoredSession s = sessions.session("s1", "alice");
        delegate.closeGate();
        Future<?> writer = threads.submit(() -> store.storeSession(s));
        assertTrue(delegate.atGate.await(10, TimeUnit.SECONDS));
        Future<Integer> revoker = parkedCall(() -> store.deleteSessionsByUser("alice"));
        assertFalse(revoker.isDone(), "the revocation waits for the commit in progress");
        delegate.open();
        writer.get(10, TimeUnit.SECONDS);
        assertEquals(1, revoker.get(10, TimeUnit.SECONDS));
        assertTrue(delegate.inner.loadSessionById("s1").isEmpty());
        assertTrue(store.loadSessionByAccessToken(s.accessToken()).isEmpty());
    }

    @Test
    @DisplayName("a rotation during a lone caller's commit waits for it, then rotates the committed session")
    void rotationDuringALoneCommit() throws Exception {
        TestDelegate delegate = TestDelegate.singleOps(clock);
        BufferedTokenStore store = groupCommit(delegate);
        StoredSession s = sessions.session("s1", "u");
        StoredSession next = sessions.rotated(s);
        delegate.closeGate();
        Future<?> writer = threads.submit(() -> store.storeSession(s));
        assertTrue(delegate.atGate.await(10, TimeUnit.SECONDS));
        Future<Rotation> rotation = parkedCall(() -> store.rotateSession(s.refreshToken(), next));
        assertFalse(rotation.isDone(), "the rotation waits for the commit in progress");
        delegate.open();
        writer.get(10, TimeUnit.SECONDS);
        Rotation outcome = rotation.get(10, TimeUnit.SECONDS);
        assertInstanceOf(Rotation.Rotated.class, outcome);
        assertEquals(s, ((Rotation.Rotated) outcome).previous());
        assertEquals(Optional.of(next), delegate.inner.loadSessionById("s1"));
        assertTrue(store.loadSessionByRefreshToken(s.refreshToken()).isEmpty(), "the old refresh token is gone");
        assertEquals(Optional.of(next), store.loadSessionByRefreshToken(next.refreshToken()));
    }

    @Test
    @DisplayName("flush() during a lone caller's commit waits for it")
    void flushWaitsForALoneCommit() throws Exception {
        TestDelegate delegate = TestDelegate.bulk(clock);
        BufferedTokenStore store = groupCommit(delegate);
        StoredSession s = sessions.session("s1", "u");
        delegate.closeGate();
        Future<?> writer = threads.submit(() -> store.storeSession(s));
        assertTrue(delegate.atGate.await(10, TimeUnit.SECONDS));
        Future<?> flush = parkedCall(() -> {
            store.flush();
            return null;
        });
        assertFalse(flush.isDone(), "flush waits for the write in flight");
        delegate.open();
        flush.get(10, TimeUnit.SECONDS);
        assertEquals(Optional.of(s), delegate.inner.loadSessionById("s1"));
        writer.get(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a write of the same session queued during a lone commit commits after it: the later write wins")
    void laterWriteOfTheSameSessionLandsAfter() throws Exception {
        TestDelegate delegate = TestDelegate.bulk(clock);
        BufferedTokenStore store = groupCommit(delegate);
        StoredSession first = sessions.session("s1", "u");
        StoredSession second = sessions.rotated(first);
        delegate.closeGate();
        Future<?> lone = threads.submit(() -> store.storeSession(first));
        assertTrue(delegate.atGate.await(10, TimeUnit.SECONDS));
        Future<?> later = threads.submit(() -> store.storeSession(second));
        eventually(() -> store.stats().pending() == 2);
        assertEquals(Optional.of(second), store.loadSessionById("s1"), "reads see the latest write");
        delegate.open();
        lone.get(10, TimeUnit.SECONDS);
        later.get(10, TimeUnit.SECONDS);
        assertEquals(Optional.of(second), delegate.inner.loadSessionById("s1"));
        assertTrue(delegate.inner.loadSessionByAccessToken(first.accessToken()).isEmpty());
        assertEquals(2, delegate.writeCalls.get());
    }
}
