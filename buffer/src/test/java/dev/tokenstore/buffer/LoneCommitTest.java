package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The lone caller's commit on its own, with the real queue, gate and batch commit but no flusher
 * thread: it commits on the caller's thread only when the caller is alone, settles like any
 * batch, and a commit that breaks takes the buffer down rather than leaving the claim behind.
 */
@DisplayName("lone commit: a group-commit caller that is alone writes its own batch of one")
class LoneCommitTest {
    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);

    private record Parts(WriteQueue queue, LoneCommit lone) {
    }

    private Parts parts(TokenStore delegate) {
        BufferSettings settings = new BufferSettings(10, Duration.ofHours(1), 10, AckMode.GROUP_COMMIT, Duration.ZERO,
                0, Duration.ZERO, f -> { }, clock);
        Outage outage = new Outage();
        WriteQueue queue = new WriteQueue(settings, outage);
        CommitGate gate = new CommitGate(queue.held(), queue.lifecycle());
        BatchCommit commit = new BatchCommit(queue, new BatchWriter(delegate), settings, gate, outage, queue.outcomes());
        return new Parts(queue, new LoneCommit(queue, commit));
    }

    private static boolean tryCommit(Parts parts, StoredSession s, CompletableFuture<Void> waiter) {
        return parts.lone().tryCommit(s, s.accessTokenHash(), s.refreshTokenHash(), waiter);
    }

    @Test
    @DisplayName("alone: committed on the caller's thread as a batch of one, settled and counted")
    void commitsOnTheCallersThread() {
        TestDelegate delegate = TestDelegate.bulk(clock);
        Parts parts = parts(delegate);
        StoredSession s = sessions.session("s", "u");
        CompletableFuture<Void> waiter = parts.queue().newWaiter();
        assertTrue(tryCommit(parts, s, waiter));
        assertTrue(waiter.isDone() && !waiter.isCompletedExceptionally());
        assertSame(Thread.currentThread(), delegate.lastWriter);
        assertEquals(0, ((TestDelegate.Bulk) delegate).bulkCalls.get(), "a batch of one is a plain storeSession");
        assertEquals(s, delegate.inner.loadSessionById("s").orElseThrow());
        BufferStats stats = parts.queue().stats();
        assertEquals(0, stats.pending());
        assertEquals(1, stats.flushed());
        assertEquals(1, stats.batches());
        assertTrue(tryCommit(parts, sessions.session("t", "u"), parts.queue().newWaiter()), "alone again");
    }

    @Test
    @DisplayName("not alone: nothing is done and the caller queues as usual")
    void notAlone() {
        TestDelegate delegate = TestDelegate.singleOps(clock);
        Parts parts = parts(delegate);
        StoredSession queued = sessions.session("q", "u");
        parts.queue().enqueue(queued, queued.accessTokenHash(), queued.refreshTokenHash(), parts.queue().newWaiter());
        CompletableFuture<Void> waiter = parts.queue().newWaiter();
        assertFalse(tryCommit(parts, sessions.session("s", "u"), waiter));
        assertFalse(waiter.isDone());
        assertEquals(0, delegate.writeCalls.get());
        assertEquals(1, parts.queue().stats().pending());
    }

    @Test
    @DisplayName("a commit that breaks (an Error) is rethrown and takes the buffer down; the claim does not linger")
    void brokenCommit() {
        TokenStore breaking = new ForwardingTokenStore() {
            private final TokenStore inner = TestDelegate.singleOps(clock);

            @Override
            protected TokenStore delegate() {
                return inner;
            }

            @Override
            public void storeSession(StoredSession session) {
                throw new AssertionError("broken");
            }
        };
        Parts parts = parts(breaking);
        StoredSession s = sessions.session("s", "u");
        CompletableFuture<Void> waiter = parts.queue().newWaiter();
        assertThrows(AssertionError.class, () -> tryCommit(parts, s, waiter));
        assertTrue(waiter.isCompletedExceptionally(), "the caller's write is failed, not left waiting");
        assertThrows(TokenStoreException.class, () -> parts.queue().lifecycle().requireOpen());
        StoredSession t = sessions.session("t", "u");
        assertNull(parts.queue().claimLone(t, t.accessTokenHash(), t.refreshTokenHash(), parts.queue().newWaiter()),
                "a dead buffer takes no claim");
    }
}
