package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One batch's commit against a stand-in {@link BatchQueue} (what the flusher sees of the buffer):
 * retries, refusals, outages, and the settlement and listener call that end every batch.
 */
@DisplayName("batch commit: retries, refusals and outages, then settled")
class BatchCommitTest {
    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);
    private final List<FlushFailure> told = new CopyOnWriteArrayList<>();
    private final List<Integer> batchesHeard = new CopyOnWriteArrayList<>();

    /** Records what the commit settles; "closing" on request. */
    private static final class RecordingQueue implements BatchQueue {
        final List<List<PendingWrite.State>> settled = new ArrayList<>();
        final List<Integer> attempts = new ArrayList<>();
        volatile boolean closing;

        @Override
        public List<PendingWrite> nextBatch() {
            return null;
        }

        @Override
        public int settle(List<PendingWrite> batch, int attemptCount, long commitNanos) {
            settled.add(batch.stream().map(w -> w.state).toList());
            attempts.add(attemptCount);
            return (int) batch.stream().filter(w -> w.state == PendingWrite.State.WRITTEN).count();
        }

        @Override
        public boolean isClosing() {
            return closing;
        }

        @Override
        public void die(Throwable death) {
            throw new AssertionError("not expected", death);
        }
    }

    private final RecordingQueue queue = new RecordingQueue();
    private FlushOutcomes outcomes;

    private BatchCommit commit(TestDelegate delegate, AckMode mode, int maxRetries) {
        BufferSettings settings = new BufferSettings(10, Duration.ofHours(1), 10, mode, Duration.ZERO, maxRetries,
                Duration.ZERO, told::add, clock);
        ReentrantLock lock = new ReentrantLock();
        outcomes = new FlushOutcomes(org.slf4j.LoggerFactory.getLogger(BatchCommitTest.class), told::add, lock);
        outcomes.addBatchListener((size, nanos) -> batchesHeard.add(size));
        PendingWrites none = new PendingWrites();
        BufferLifecycle life = new BufferLifecycle(lock, lock.newCondition(), lock.newCondition(), none,
                new FailureLedger(), new Acknowledgements(mode, new FailureLedger()), outcomes);
        CommitGate gate = new CommitGate(new HeldWrites(lock, lock.newCondition(), none, life), life);
        return new BatchCommit(queue, new BatchWriter(delegate), settings, gate, new Outage(), outcomes);
    }

    private List<PendingWrite> batch(StoredSession... of) {
        List<PendingWrite> batch = new ArrayList<>();
        long seq = 0;
        for (StoredSession s : of) {
            batch.add(new PendingWrite(s, s.accessTokenHash(), s.refreshTokenHash(), ++seq, 0, null));
        }
        return batch;
    }

    @Test
    @DisplayName("a transient failure is retried, counted, and the batch then settles as written")
    void retried() {
        TestDelegate delegate = TestDelegate.bulk(clock);
        delegate.failuresLeft.set(1);
        BatchCommit commit = commit(delegate, AckMode.WRITE_BEHIND, 3);
        commit.commit(batch(sessions.session("a", "u"), sessions.session("b", "u")));
        assertEquals(List.of(List.of(PendingWrite.State.WRITTEN, PendingWrite.State.WRITTEN)), queue.settled);
        assertEquals(List.of(2), queue.attempts);
        assertEquals(1, outcomes.stats(0).retries());
        assertEquals(List.of(2), batchesHeard);
    }

    @Test
    @DisplayName("after maxRetries what still fails is set aside; listeners hear nothing of an empty batch")
    void setAside() {
        TestDelegate delegate = TestDelegate.singleOps(clock);
        delegate.failAlways = true;
        BatchCommit commit = commit(delegate, AckMode.WRITE_BEHIND, 1);
        commit.commit(batch(sessions.session("a", "u")));
        assertEquals(List.of(List.of(PendingWrite.State.SET_ASIDE)), queue.settled);
        assertEquals(List.of(2), queue.attempts);
        assertTrue(batchesHeard.isEmpty());
    }

    @Test
    @DisplayName("a refused batch is written one by one: only the refused record fails")
    void refusedRecordIsolated() {
        TestDelegate delegate = TestDelegate.bulk(clock);
        delegate.inner.storeSession(sessions.withTokens("owner", "u", "at-taken", "rt-owner"));
        BatchCommit commit = commit(delegate, AckMode.WRITE_BEHIND, 3);
        List<PendingWrite> batch = batch(sessions.session("a", "u"), sessions.withTokens("b", "u", "at-taken", "rt-b"));
        commit.commit(batch);
        assertEquals(List.of(List.of(PendingWrite.State.WRITTEN, PendingWrite.State.REFUSED)), queue.settled);
        assertInstanceOf(IllegalArgumentException.class, batch.get(1).failure);
        assertEquals(0, outcomes.stats(0).retries(), "refusals are never retried");
    }

    @Test
    @DisplayName("group commit: an outage sets the batch aside at once, without retries")
    void outageInGroupCommit() {
        TestDelegate delegate = TestDelegate.singleOps(clock);
        delegate.unavailableSince = Instant.EPOCH;
        BatchCommit commit = commit(delegate, AckMode.GROUP_COMMIT, 3);
        List<PendingWrite> batch = batch(sessions.session("a", "u"));
        commit.commit(batch);
        assertEquals(List.of(List.of(PendingWrite.State.SET_ASIDE)), queue.settled);
        assertInstanceOf(DatabaseUnavailableException.class, batch.get(0).failure);
        assertEquals(0, outcomes.stats(0).retries());
        assertTrue(told.isEmpty(), "the caller is told by settling, not onFlushError from here");
    }

    @Test
    @DisplayName("write-behind: an outage keeps the batch and tries again, reporting each attempt, until it is back")
    void outageInWriteBehind() throws Exception {
        TestDelegate delegate = TestDelegate.singleOps(clock);
        delegate.unavailableSince = Instant.EPOCH;
        BatchCommit commit = commit(delegate, AckMode.WRITE_BEHIND, 0);
        Thread committing = new Thread(() -> commit.commit(batch(sessions.session("a", "u"))));
        committing.start();
        while (told.size() < 2) {
            Thread.sleep(1);
        }
        delegate.unavailableSince = null;
        committing.join(30_000);
        assertFalse(committing.isAlive());
        assertEquals(List.of(List.of(PendingWrite.State.WRITTEN)), queue.settled);
        assertEquals(List.of(1), queue.attempts, "outage attempts are not retries");
        assertTrue(told.stream().noneMatch(FlushFailure::refused));
    }

    @Test
    @DisplayName("write-behind while closing: an outage no longer keeps the batch")
    void outageWhileClosing() {
        TestDelegate delegate = TestDelegate.singleOps(clock);
        delegate.unavailableSince = Instant.EPOCH;
        queue.closing = true;
        BatchCommit commit = commit(delegate, AckMode.WRITE_BEHIND, 3);
        commit.commit(batch(sessions.session("a", "u")));
        assertEquals(List.of(List.of(PendingWrite.State.SET_ASIDE)), queue.settled);
    }
}
