package dev.tokenstore.buffer;

import dev.tokenstore.TokenStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the buffer is in its life: open, closing (draining, taking no writes) or closed; whether
 * the flusher died (then every held write fails); the {@code flush()} calls waiting for what was
 * queued before them; and the queue's side of {@code flush()} and {@code close()}: what they hand
 * back. Guarded by the buffer's state lock (the {@code lock} given here, {@link WriteQueue}'s): the
 * methods called from outside take it themselves, the rest say "call under the lock".
 */
final class BufferLifecycle {
    private enum Phase { OPEN, CLOSING, CLOSED }

    /** A {@code flush()} waiting for every write queued before it to be settled. */
    private record FlushRequest(long upToSeq, CompletableFuture<Void> done) {
    }

    private final ReentrantLock lock;
    private final Condition workAvailable;
    private final Condition notFull;
    private final PendingWrites pending;
    private final FailureLedger ledger;
    private final Acknowledgements acks;
    private final FlushOutcomes outcomes;
    private final List<FlushRequest> flushRequests = new ArrayList<>();
    private Phase phase = Phase.OPEN;
    private Throwable flusherDeath;

    BufferLifecycle(ReentrantLock lock, Condition workAvailable, Condition notFull, PendingWrites pending,
            FailureLedger ledger, Acknowledgements acks, FlushOutcomes outcomes) {
        this.lock = lock;
        this.workAvailable = workAvailable;
        this.notFull = notFull;
        this.pending = pending;
        this.ledger = ledger;
        this.acks = acks;
        this.outcomes = outcomes;
    }

    /** Throws unless the buffer takes writes. */
    void requireOpen() {
        lock.lock();
        try {
            if (phase != Phase.OPEN) {
                throw new IllegalStateException("token store is closed");
            }
            if (flusherDeath != null) {
                throw new TokenStoreException("the buffer's flusher thread stopped", flusherDeath);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Throws once {@code close()} has finished. */
    void requireNotClosed() {
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                throw new IllegalStateException("token store is closed");
            }
        } finally {
            lock.unlock();
        }
    }

    /** True once {@code close()} has begun: an outage no longer keeps batches queued. */
    boolean isClosing() {
        lock.lock();
        try {
            return phase != Phase.OPEN;
        } finally {
            lock.unlock();
        }
    }

    /** Open and the flusher alive. Call under the lock. */
    boolean isRunning() {
        return phase == Phase.OPEN && flusherDeath == null;
    }

    /** Whether the flusher should stop, with {@code held} writes still held. Call under the lock. */
    boolean flusherStops(int held) {
        return phase == Phase.CLOSED || phase == Phase.CLOSING && held == 0;
    }

    /** Closing, or a {@code flush()} waiting: anything queued is due now. Call under the lock. */
    boolean urgent() {
        return phase != Phase.OPEN || !flushRequests.isEmpty();
    }

    /** Why the flusher stopped, or null while it runs. Call under the lock. */
    Throwable death() {
        return flusherDeath;
    }

    /** The committing side failed in a way no batch handles: every held write is failed; close() hands them back. */
    void die(Throwable death) {
        outcomes.died(death);
        lock.lock();
        try {
            flusherDeath = death;
            for (PendingWrite write : pending.all()) {
                write.fail(new BufferFlushException("the buffer's flusher thread stopped", death, List.of(write.session)));
            }
            releaseFlushRequests();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Releases the flushes whose writes are all settled: none left below {@code firstHeldSeq}. Call under the lock. */
    void answerFlushRequests(long firstHeldSeq) {
        Iterator<FlushRequest> it = flushRequests.iterator();
        while (it.hasNext()) {
            FlushRequest request = it.next();
            if (firstHeldSeq > request.upToSeq()) {
                request.done().complete(null);
                it.remove();
            }
        }
    }

    // ---------------------------------------------------------------- flush and close

    /**
     * Asks the flusher for everything queued up to now.
     *
     * @return completed once each of those writes is settled, or null if nothing is held
     */
    CompletableFuture<Void> requestFlush() {
        lock.lock();
        try {
            requireNotClosed();
            requireFlusherAlive();
            if (pending.size() == 0) {
                return null;
            }
            FlushRequest request = new FlushRequest(pending.lastSeq(), new CompletableFuture<>());
            flushRequests.add(request);
            workAvailable.signal();
            return request.done();
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a flush: checks the flusher is alive, and with {@code report} takes (and forgets) what
     * earlier flushes could not write, as one exception (null if nothing).
     */
    BufferFlushException afterFlush(boolean report) {
        lock.lock();
        try {
            requireFlusherAlive();
            return report ? ledger.takeAll("flush could not write every session") : null;
        } finally {
            lock.unlock();
        }
    }

    private void requireFlusherAlive() {
        if (flusherDeath != null) {
            throw new BufferFlushException("the buffer's flusher thread stopped", flusherDeath,
                    FlushOutcomes.sessions(pending.all()));
        }
    }

    /**
     * {@code close()} begins: no more writes; the flusher drains what is queued and stops.
     *
     * @return false if the buffer is closed already
     */
    boolean beginClose() {
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return false;
            }
            if (phase == Phase.OPEN) {
                phase = Phase.CLOSING;
                workAvailable.signalAll();
                notFull.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code close()} ends, the flusher stopped or not ({@code drained}): every write still held is
     * let go, with what earlier flushes could not write, and their callers told.
     *
     * @param timeout the limit {@code close} was given (for the message), or null
     * @return what could not be written (no longer held), or null if everything was (or the buffer was
     *         closed already)
     */
    BufferFlushException finishClose(boolean drained, Duration timeout) {
        List<PendingWrite> abandoned;
        BufferFlushException unwritten;
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return null;
            }
            phase = Phase.CLOSED;
            releaseFlushRequests();
            abandoned = pending.all();
            String message = "close could not write every queued session";
            if (!drained) {
                int inFlight = abandoned.size() - pending.queuedCount();
                TokenStoreException timedOut = new TokenStoreException("close(" + timeout + ") ran out with "
                        + pending.queuedCount() + " session write(s) queued and " + inFlight
                        + " in a commit that had not finished (it may still complete)");
                ledger.add(FlushOutcomes.sessions(abandoned), timedOut);
                message = "close(" + timeout + ") ran out before every queued session was written";
            } else if (flusherDeath != null) {
                ledger.add(FlushOutcomes.sessions(abandoned), flusherDeath);
            }
            pending.clear();
            workAvailable.signalAll();
            unwritten = ledger.takeAll(message);
        } finally {
            lock.unlock();
        }
        if (!abandoned.isEmpty()) {
            outcomes.closedUnwritten(abandoned);
            TokenStoreException closed = new TokenStoreException("the buffer was closed before the write was committed");
            abandoned.forEach(w -> acks.notWritten(w, closed));
        }
        return unwritten;
    }

    private void releaseFlushRequests() {
        flushRequests.forEach(r -> r.done().complete(null));
        flushRequests.clear();
    }
}
