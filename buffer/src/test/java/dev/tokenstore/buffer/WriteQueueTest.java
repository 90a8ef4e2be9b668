package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pending queue on its own, without a flusher thread: the test plays the committing side
 * (takes batches, marks writes, settles them). Coalescing, back-pressure, taking and settling,
 * the lone caller's claim, and the queue's side of flush and close.
 */
@DisplayName("write queue: coalescing, back-pressure, taking and settling batches")
class WriteQueueTest {
    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);
    private final List<FlushFailure> reported = new CopyOnWriteArrayList<>();
    private final Outage outage = new Outage();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private WriteQueue queue(AckMode mode, int maxBatchSize, int maxPending, Duration enqueueTimeout) {
        return new WriteQueue(new BufferSettings(maxBatchSize, Duration.ofHours(1), maxPending, mode, enqueueTimeout, 0,
                Duration.ZERO, reported::add, clock), outage);
    }

    private static CompletableFuture<Void> enqueue(WriteQueue queue, StoredSession session) {
        CompletableFuture<Void> waiter = queue.newWaiter();
        queue.enqueue(session, session.accessTokenHash(), session.refreshTokenHash(), waiter);
        return waiter;
    }

    @Test
    @DisplayName("writes to one session coalesce: one pending write, counted, the last one wins")
    void coalescing() {
        WriteQueue queue = queue(AckMode.WRITE_BEHIND, 10, 10, Duration.ZERO);
        StoredSession first = sessions.session("s", "u");
        StoredSession second = sessions.rotated(first);
        assertNull(enqueue(queue, first), "write-behind has no waiter");
        enqueue(queue, second);
        BufferStats stats = queue.stats();
        assertEquals(1, stats.pending());
        assertEquals(1, stats.coalesced());
        assertEquals(second, queue.held().latest("s").session);
    }

    @Test
    @DisplayName("a token held by another pending session is refused at the call")
    void tokenInUse() {
        WriteQueue queue = queue(AckMode.WRITE_BEHIND, 10, 10, Duration.ZERO);
        enqueue(queue, sessions.withTokens("a", "u", "at-shared", "rt-a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> enqueue(queue, sessions.withTokens("b", "u", "at-shared", "rt-b")));
        assertEquals("accessToken is already used by another session", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> enqueue(queue, sessions.withTokens("c", "u", "at-c", "rt-a")));
        assertEquals("refreshToken is already used by another session", e.getMessage());
    }

    @Test
    @DisplayName("a full queue fails a new session after enqueueTimeout, transiently; a rewrite of a queued one still coalesces")
    void fullQueueTimesOut() {
        WriteQueue queue = queue(AckMode.WRITE_BEHIND, 1, 1, Duration.ZERO);
        StoredSession queued = sessions.session("a", "u");
        enqueue(queue, queued);
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> enqueue(queue, sessions.session("b", "u")));
        assertEquals(TokenStoreException.Kind.TRANSIENT, e.kind());
        assertTrue(e.getMessage().contains("enqueueTimeout"), e.getMessage());
        enqueue(queue, sessions.rotated(queued));
        assertEquals(1, queue.stats().pending());
    }

    @Test
    @DisplayName("a full queue fails at once while the database is unavailable")
    void fullQueueDuringAnOutage() {
        WriteQueue queue = queue(AckMode.WRITE_BEHIND, 1, 1, Duration.ofHours(1));
        enqueue(queue, sessions.session("a", "u"));
        outage.attempted(new DatabaseUnavailableException("down", Instant.EPOCH, null));
        assertThrows(DatabaseUnavailableException.class, () -> enqueue(queue, sessions.session("b", "u")));
    }

    @Test
    @DisplayName("a writer waiting for room goes on once a cancellation makes some")
    void backPressureReleasedByCancel() throws Exception {
        WriteQueue queue = queue(AckMode.WRITE_BEHIND, 1, 1, Duration.ofSeconds(30));
        enqueue(queue, sessions.session("a", "u"));
        Future<?> waiting = threads.submit(() -> enqueue(queue, sessions.session("b", "u")));
        assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
        assertTrue(queue.held().cancel("a"));
        waiting.get(30, TimeUnit.SECONDS);
        assertEquals("b", queue.held().latest("b").id());
    }

    @Test
    @DisplayName("a batch is taken when it is due, and settling acknowledges, counts and lets go")
    void takeAndSettle() throws Exception {
        WriteQueue queue = queue(AckMode.WRITE_BEHIND, 2, 10, Duration.ZERO);
        enqueue(queue, sessions.session("a", "u"));
        enqueue(queue, sessions.session("b", "u"));
        List<PendingWrite> batch = queue.nextBatch(); // due: maxBatchSize writes are queued
        assertEquals(List.of("a", "b"), batch.stream().map(PendingWrite::id).toList());
        assertNotNull(queue.held().latest("a"), "in flight, still visible");
        batch.forEach(w -> w.state = PendingWrite.State.WRITTEN);
        assertEquals(2, queue.settle(batch, 1, 1_000));
        BufferStats stats = queue.stats();
        assertEquals(0, stats.pending());
        assertEquals(2, stats.flushed());
        assertEquals(1, stats.batches());
        assertNull(queue.held().latest("a"));
        assertTrue(reported.isEmpty());
    }

    @Test
    @DisplayName("settling a refused write reports it, and write-behind hands it back on the next flush")
    void settleRefused() {
        WriteQueue queue = queue(AckMode.WRITE_BEHIND, 1, 10, Duration.ZERO);
        enqueue(queue, sessions.session("a", "u"));
        List<PendingWrite> batch = queue.nextBatch();
        batch.get(0).giveUp(PendingWrite.State.REFUSED, new IllegalArgumentException("bad"));
        assertEquals(0, queue.settle(batch, 1, 0));
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).refused());
        assertEquals(1, queue.stats().failures());
        BufferFlushException handedBack = queue.lifecycle().afterFlush(true);
        assertEquals(List.of("a"), handedBack.unwrittenSessionIds());
        assertNull(queue.lifecycle().afterFlush(true), "handed back once");
    }

    @Test
    @DisplayName("group commit: the caller's future completes when its batch settles, or fails with the refusal")
    void groupCommitWaiters() {
        WriteQueue queue = queue(AckMode.GROUP_COMMIT, 10, 10, Duration.ZERO);
        CompletableFuture<Void> ok = enqueue(queue, sessions.session("a", "u"));
        CompletableFuture<Void> bad = enqueue(queue, sessions.session("b", "u"));
        List<PendingWrite> batch = queue.nextBatch(); // group commit: due as soon as anything is queued
        assertEquals(2, batch.size());
        batch.get(0).state = PendingWrite.State.WRITTEN;
        batch.get(1).giveUp(PendingWrite.State.REFUSED, new IllegalArgumentException("bad"));
        queue.settle(batch, 1, 0);
        assertTrue(ok.isDone() && !ok.isCompletedExceptionally());
        ExecutionException e = assertThrows(ExecutionException.class, bad::get);
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertNull(queue.lifecycle().afterFlush(true), "group commit told the caller, not the ledger");
    }

    @Test
    @DisplayName("a lone caller's claim: only in group commit, only when idle, one at a time")
    void loneClaim() {
        WriteQueue writeBehind = queue(AckMode.WRITE_BEHIND, 10, 10, Duration.ZERO);
        StoredSession a = sessions.session("a", "u");
        assertNull(writeBehind.claimLone(a, a.accessTokenHash(), a.refreshTokenHash(), null));

        WriteQueue queue = queue(AckMode.GROUP_COMMIT, 10, 10, Duration.ZERO);
        PendingWrite claimed = queue.claimLone(a, a.accessTokenHash(), a.refreshTokenHash(), queue.newWaiter());
        assertNotNull(claimed);
        assertEquals(1, queue.stats().pending(), "in flight at once");
        StoredSession b = sessions.session("b", "u");
        assertNull(queue.claimLone(b, b.accessTokenHash(), b.refreshTokenHash(), queue.newWaiter()), "not alone");
        claimed.state = PendingWrite.State.WRITTEN;
        queue.settle(List.of(claimed), 1, 0); // settling a batch of one ends the claim
        assertNotNull(queue.claimLone(b, b.accessTokenHash(), b.refreshTokenHash(), queue.newWaiter()));
    }

    @Test
    @DisplayName("a claim that ended without settling lets the flusher take batches again")
    void endLoneWithoutSettling() throws Exception {
        WriteQueue queue = queue(AckMode.GROUP_COMMIT, 10, 10, Duration.ZERO);
        StoredSession a = sessions.session("a", "u");
        PendingWrite claimed = queue.claimLone(a, a.accessTokenHash(), a.refreshTokenHash(), queue.newWaiter());
        enqueue(queue, sessions.session("b", "u"));
        Future<List<PendingWrite>> next = threads.submit(queue::nextBatch);
        assertThrows(TimeoutException.class, () -> next.get(200, TimeUnit.MILLISECONDS), "no batch while a lone commit runs");
        queue.endLone(claimed.seq);
        assertEquals(List.of("b"), next.get(30, TimeUnit.SECONDS).stream().map(PendingWrite::id).toList());
    }

    @Test
    @DisplayName("closing: no more writes, the flusher stops once drained, what is left is handed back")
    void close() {
        WriteQueue queue = queue(AckMode.GROUP_COMMIT, 10, 10, Duration.ZERO);
        CompletableFuture<Void> caller = enqueue(queue, sessions.session("a", "u"));
        assertTrue(queue.lifecycle().beginClose());
        assertTrue(queue.isClosing());
        assertThrows(IllegalStateException.class, () -> enqueue(queue, sessions.session("b", "u")));
        BufferFlushException unwritten = queue.lifecycle().finishClose(false, Duration.ZERO);
        assertEquals(List.of("a"), unwritten.unwrittenSessionIds());
        assertTrue(caller.isCompletedExceptionally());
        assertNull(queue.nextBatch(), "closed: the flusher stops");
        assertFalse(queue.lifecycle().beginClose(), "closed already");
        assertNull(queue.lifecycle().finishClose(true, null));
        assertThrows(IllegalStateException.class, () -> queue.lifecycle().requireNotClosed());
    }

    @Test
    @DisplayName("when the committing side dies every held write fails and the buffer takes no more")
    void die() {
        WriteQueue queue = queue(AckMode.GROUP_COMMIT, 10, 10, Duration.ZERO);
        CompletableFuture<Void> caller = enqueue(queue, sessions.session("a", "u"));
        queue.die(new OutOfMemoryError("test"));
        ExecutionException e = assertThrows(ExecutionException.class, caller::get);
        assertInstanceOf(BufferFlushException.class, e.getCause());
        assertThrows(TokenStoreException.class, () -> queue.lifecycle().requireOpen());
        BufferFlushException flush = assertThrows(BufferFlushException.class, () -> queue.lifecycle().requestFlush());
        assertEquals(List.of("a"), flush.unwrittenSessionIds());
    }
}
