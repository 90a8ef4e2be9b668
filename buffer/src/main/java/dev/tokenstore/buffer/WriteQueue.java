package dev.tokenstore.buffer;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending queue of a {@link BufferedTokenStore}: queueing a write (coalescing with a queued write
 * of the same session, back-pressure when full), claiming a lone caller's batch of one, taking each
 * due batch and settling it. It owns the buffer's state lock, held only for short in-memory work;
 * {@link PendingWrites}, {@link BatchSchedule}, {@link FailureLedger}, {@link BufferLifecycle} (open,
 * closing, closed; {@code flush()} and {@code close()}), {@link HeldWrites} (what reads and
 * write-throughs see) and the counters of {@link FlushOutcomes} are guarded by it. The committing side
 * sees it as a {@link BatchQueue}.
 */
final class WriteQueue implements BatchQueue {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedTokenStore.class);

    private final BufferSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final PendingWrites pending = new PendingWrites();
    private final BatchSchedule schedule;
    private final FailureLedger ledger = new FailureLedger();
    private final Acknowledgements acks;
    private final Outage outage;
    private final FlushOutcomes outcomes;
    private final BufferLifecycle life;
    private final HeldWrites held;
    /**
     * Group commit: the sequence number of the write a lone caller is committing itself (see
     * {@link #claimLone}), or {@link Long#MAX_VALUE}. While there is one, the flusher takes no batch.
     */
    private long loneSeq = Long.MAX_VALUE;

    WriteQueue(BufferSettings settings, Outage outage) {
        this.settings = settings;
        this.outage = outage;
        this.schedule = new BatchSchedule(settings);
        this.acks = new Acknowledgements(settings.ackMode(), ledger);
        this.outcomes = new FlushOutcomes(LOG, settings.onFlushError(), lock);
        this.life = new BufferLifecycle(lock, workAvailable, notFull, pending, ledger, acks, outcomes);
        this.held = new HeldWrites(lock, notFull, pending, life);
    }

    BufferLifecycle lifecycle() {
        return life;
    }

    HeldWrites held() {
        return held;
    }

    FlushOutcomes outcomes() {
        return outcomes;
    }

    /** What a caller of {@code storeSession} waits on: a future in group commit, else null. */
    CompletableFuture<Void> newWaiter() {
        return acks.newWaiter();
    }

    // ---------------------------------------------------------------- queueing

    /** Queues a session write (coalescing with a queued write of the same session), blocking while the queue is full. */
    void enqueue(StoredSession session, String accessHash, String refreshHash, CompletableFuture<Void> waiter) {
        String id = session.sessionId();
        long deadline = System.nanoTime() + settings.enqueueTimeout().toNanos();
        lock.lock();
        try {
            while (true) {
                life.requireOpen();
                requireFree(pending.holderOfAccessHash(accessHash), id, "accessToken");
                requireFree(pending.holderOfRefreshHash(refreshHash), id, "refreshToken");
                if (pending.queuedWrite(id) != null || pending.size() < settings.maxPending()) {
                    break;
                }
                DatabaseUnavailableException down = outage.current();
                if (down != null) {
                    throw new DatabaseUnavailableException("write buffer is full: " + settings.maxPending()
                            + " session writes are pending and the database is unavailable since " + down.since()
                            + "; not waiting for room", down.since(), down);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TokenStoreException("write buffer is full: " + settings.maxPending()
                            + " session writes stayed pending for longer than enqueueTimeout ("
                            + settings.enqueueTimeout() + ")", null, TokenStoreException.Kind.TRANSIENT, null, 0);
                }
                try {
                    notFull.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TokenStoreException("interrupted while waiting for room in the write buffer", e);
                }
            }
            long now = System.nanoTime();
            PendingWrite earlier = pending.queuedWrite(id);
            PendingWrite write = new PendingWrite(session, accessHash, refreshHash, pending.nextSeq(),
                    earlier == null ? now : earlier.firstQueuedNanos, waiter);
            boolean wasEmpty = pending.queuedCount() == 0;
            PendingWrite replaced = pending.add(write);
            if (replaced != null) {
                write.adoptWaiters(replaced);
                outcomes.coalesced();
            }
            if (schedule.queued(pending.queuedCount(), wasEmpty, waiter != null, now)) {
                workAvailable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void requireFree(String holder, String sessionId, String field) {
        if (holder != null && !holder.equals(sessionId)) {
            throw new IllegalArgumentException(field + " is already used by another session");
        }
    }

    /**
     * Group commit with nothing pending, no batch committing and no wait for released callers on
     * (see {@link BatchSchedule#allowsDirect}): the write becomes a batch of one, in flight at once
     * (visible to reads and to the token uniqueness checks of later writes, like any in-flight batch),
     * for the caller to commit itself; the flusher takes no batch until {@link #endLone}.
     *
     * @return the write, now in flight, or null if the caller must queue as usual
     */
    PendingWrite claimLone(StoredSession session, String accessHash, String refreshHash, CompletableFuture<Void> waiter) {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (!life.isRunning() || pending.size() != 0 || loneSeq != Long.MAX_VALUE || !schedule.allowsDirect(now)) {
                return null;
            }
            PendingWrite write = new PendingWrite(session, accessHash, refreshHash, pending.nextSeq(), now, waiter);
            pending.add(write);
            pending.take(1);
            loneSeq = write.seq;
            return write;
        } finally {
            lock.unlock();
        }
    }

    /** The lone caller's batch of one is over (settled, or its commit threw): the flusher may take batches again. */
    void endLone(long seq) {
        lock.lock();
        try {
            if (loneSeq == seq) {
                loneSeq = Long.MAX_VALUE;
                workAvailable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- the committing side

    @Override
    public List<PendingWrite> nextBatch() {
        lock.lock();
        try {
            while (true) {
                life.answerFlushRequests(Math.min(pending.firstQueuedSeq(), loneSeq));
                if (life.flusherStops(pending.size())) {
                    return null;
                }
                long wait = loneSeq != Long.MAX_VALUE ? Long.MAX_VALUE
                        : schedule.nanosUntilDue(pending.queuedCount(), life.urgent(), System.nanoTime());
                if (wait <= 0) {
                    break;
                }
                try {
                    if (wait == Long.MAX_VALUE) {
                        workAvailable.await();
                    } else {
                        workAvailable.awaitNanos(wait);
                    }
                } catch (InterruptedException e) {
                    LOG.debug("buffer flusher ignores interrupts; close() stops it");
                }
            }
            List<PendingWrite> batch = pending.take(settings.maxBatchSize());
            schedule.taken(pending);
            return batch;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int settle(List<PendingWrite> batch, int attempts, long commitNanos) {
        List<PendingWrite> refused = new ArrayList<>();
        List<PendingWrite> setAside = new ArrayList<>();
        List<FlushFailure> reports;
        int written = 0;
        lock.lock();
        try {
            for (PendingWrite write : batch) {
                switch (write.state) {
                    case WRITTEN -> {
                        written++;
                        acks.written(write);
                    }
                    case CANCELLED -> { }
                    case REFUSED -> refused.add(write);
                    case SET_ASIDE, QUEUED -> setAside.add(write);
                }
                pending.finish(write);
            }
            outcomes.settled(written);
            schedule.committed(written, commitNanos, pending.queuedCount(), System.nanoTime());
            pending.batchSettled();
            if (batch.size() == 1) {
                // before onFlushError runs (on the caller's thread), so a flush() from it is answered
                endLone(batch.get(0).seq);
            }
            reports = outcomes.failuresOf(refused, setAside, attempts);
            for (FlushFailure report : reports) {
                acks.report(report.sessions(), report.cause());
            }
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        reports.forEach(outcomes::report);
        refused.forEach(w -> acks.notWritten(w, w.failure));
        setAside.forEach(w -> acks.notWritten(w, w.failure));
        return written;
    }

    @Override
    public boolean isClosing() {
        return life.isClosing();
    }

    @Override
    public void die(Throwable death) {
        life.die(death);
    }

    BufferStats stats() {
        lock.lock();
        try {
            return outcomes.stats(pending.size());
        } finally {
            lock.unlock();
        }
    }
}
