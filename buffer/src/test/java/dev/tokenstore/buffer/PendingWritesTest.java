package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StoredSession;
import dev.tokenstore.testing.TestClock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pending writes as a data structure: coalescing, the in-flight batch, visibility and cancellation. */
@DisplayName("pending writes: the queue, the batch in flight and what reads see")
class PendingWritesTest {
    private final Sessions sessions = new Sessions(new TestClock());
    private final PendingWrites pending = new PendingWrites();

    private PendingWrite write(StoredSession session, CompletableFuture<Void> waiter) {
        return new PendingWrite(session, session.accessTokenHash(), session.refreshTokenHash(), pending.nextSeq(), 0,
                waiter);
    }

    @Test
    @DisplayName("a second queued write of a session replaces the first; the old tokens stop naming it")
    void coalescing() {
        StoredSession first = sessions.session("s1", "u");
        StoredSession second = sessions.rotated(first);
        PendingWrite a = write(first, null);
        PendingWrite b = write(second, null);
        assertNull(pending.add(a));
        assertSame(a, pending.add(b));
        assertEquals(1, pending.size());
        assertEquals(1, pending.queuedCount());
        assertSame(b, pending.latest("s1"));
        assertNull(pending.holderOfAccessHash(first.accessTokenHash()));
        assertNull(pending.holderOfRefreshHash(first.refreshTokenHash()));
        assertEquals("s1", pending.holderOfAccessHash(second.accessTokenHash()));
        assertEquals("s1", pending.holderOfRefreshHash(second.refreshTokenHash()));
        assertNull(pending.holderOfRefreshHash(null));
    }

    @Test
    @DisplayName("writes are numbered in order; the oldest queued number and time are those of the head")
    void ordering() {
        PendingWrite a = write(sessions.session("a", "u"), null);
        PendingWrite b = write(sessions.session("b", "u"), null);
        assertTrue(b.seq > a.seq);
        assertEquals(b.seq, pending.lastSeq());
        assertEquals(Long.MAX_VALUE, pending.firstQueuedSeq());
        pending.add(a);
        pending.add(b);
        assertEquals(a.seq, pending.firstQueuedSeq());
        assertEquals(0, pending.oldestQueuedNanos(42));
        pending.clear();
        assertEquals(42, pending.oldestQueuedNanos(42));
        assertEquals(b.seq, pending.lastSeq(), "clearing does not restart the numbering");
    }

    @Test
    @DisplayName("taking a batch moves writes in flight: still held and visible, no longer queued")
    void takingAndFinishing() {
        PendingWrite a = write(sessions.session("a", "u"), null);
        PendingWrite b = write(sessions.session("b", "u"), null);
        PendingWrite c = write(sessions.session("c", "u"), null);
        pending.add(a);
        pending.add(b);
        pending.add(c);
        assertEquals(List.of(a, b), pending.take(2));
        assertEquals(3, pending.size());
        assertEquals(1, pending.queuedCount());
        assertNull(pending.queuedWrite("a"));
        assertSame(a, pending.latest("a"));
        pending.finish(a);
        assertNull(pending.latest("a"));
        assertEquals(2, pending.size());
        assertEquals(2, pending.all().size());
    }

    @Test
    @DisplayName("a write queued while its session's earlier write is in flight stays visible when that one finishes")
    void newerWriteOutlivesTheBatch() {
        StoredSession first = sessions.session("s", "u");
        PendingWrite a = write(first, null);
        pending.add(a);
        pending.take(1);
        PendingWrite b = write(sessions.rotated(first), null);
        assertNull(pending.add(b), "nothing queued was replaced: the first write is in flight");
        pending.finish(a);
        assertSame(b, pending.latest("s"));
        assertEquals(1, pending.size());
    }

    @Test
    @DisplayName("cancelling drops queued and in-flight writes of the session and releases their callers")
    void cancel() {
        CompletableFuture<Void> queuedCaller = new CompletableFuture<>();
        CompletableFuture<Void> inFlightCaller = new CompletableFuture<>();
        StoredSession first = sessions.session("s", "u");
        PendingWrite inFlight = write(first, inFlightCaller);
        pending.add(inFlight);
        pending.take(1);
        PendingWrite queued = write(sessions.rotated(first), queuedCaller);
        pending.add(queued);
        assertTrue(pending.cancel("s"));
        assertTrue(queuedCaller.isDone() && inFlightCaller.isDone());
        assertEquals(PendingWrite.State.CANCELLED, queued.state);
        assertEquals(PendingWrite.State.CANCELLED, inFlight.state);
        assertNull(pending.latest("s"));
        assertEquals(0, pending.queuedCount());
        assertFalse(pending.cancel("s"), "nothing left to cancel");
    }

    @Test
    @DisplayName("cancelMatching drops the sessions whose latest write matches, and names them")
    void cancelMatching() {
        pending.add(write(sessions.session("a", "alice"), null));
        pending.add(write(sessions.session("b", "bob"), null));
        pending.add(write(sessions.session("c", "alice"), null));
        List<String> ids = pending.cancelMatching(w -> w.session.userId().equals("alice"));
        assertEquals(List.of("a", "c"), ids.stream().sorted().toList());
        assertEquals(1, pending.size());
        assertSame("b", pending.latest("b").id());
    }

    @Test
    @DisplayName("a written-through write that is still the latest ends the session's pending writes")
    void writtenThroughLatest() {
        CompletableFuture<Void> caller = new CompletableFuture<>();
        PendingWrite a = write(sessions.session("s", "u"), caller);
        pending.add(a);
        pending.settleWrittenThrough(a);
        assertTrue(caller.isDone());
        assertNull(pending.latest("s"));
        assertEquals(0, pending.size());
    }

    @Test
    @DisplayName("a written-through write with a newer write behind it lets only itself go")
    void writtenThroughWithANewerOne() {
        StoredSession first = sessions.session("s", "u");
        PendingWrite a = write(first, null);
        pending.add(a);
        pending.take(1);
        PendingWrite b = write(sessions.rotated(first), null);
        pending.add(b);
        pending.settleWrittenThrough(a);
        assertEquals(PendingWrite.State.CANCELLED, a.state, "a batch holding it skips it");
        assertSame(b, pending.latest("s"));
        assertEquals(PendingWrite.State.QUEUED, b.state);
    }

    @Test
    @DisplayName("the epoch counts settled batches and survives clearing")
    void epoch() {
        long before = pending.epoch();
        pending.batchSettled();
        pending.batchSettled();
        pending.clear();
        assertEquals(before + 2, pending.epoch());
    }
}
