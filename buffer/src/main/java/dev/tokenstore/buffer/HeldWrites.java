package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The uncommitted writes as reads and write-throughs see them, each call under the buffer's state
 * lock: lookups by key, one pass of a read that sees pending writes ({@link #readOnce}), and the
 * cancellations and settlements a revocation or a write-through makes. The {@link CommitGate}
 * decides when these run (inside its exclusive section, or retried); this class only keeps each
 * step consistent with the queue.
 */
final class HeldWrites {
    private final ReentrantLock lock;
    private final Condition notFull;
    private final PendingWrites pending;
    private final BufferLifecycle life;

    HeldWrites(ReentrantLock lock, Condition notFull, PendingWrites pending, BufferLifecycle life) {
        this.lock = lock;
        this.notFull = notFull;
        this.pending = pending;
        this.life = life;
    }

    /**
     * One pass of a lookup that sees uncommitted writes. {@code pendingId} finds the session in the
     * pending writes by the lookup key; if one is found, it alone answers ({@code answers} checks key
     * and expiry). Otherwise the delegate answers ({@code load}, called without the lock), unless the
     * session it returns has a newer uncommitted write, which then answers instead.
     *
     * @param exclusive true when no batch can finish meanwhile (the caller holds the commit gate)
     * @return the answer, or null if the delegate's read overlapped a batch finishing and must be repeated
     */
    Optional<StoredSession> readOnce(Function<PendingWrites, String> pendingId, Predicate<PendingWrite> answers,
            Supplier<Optional<StoredSession>> load, boolean exclusive) {
        long epoch;
        lock.lock();
        try {
            life.requireNotClosed();
            String id = pendingId.apply(pending);
            if (id != null) {
                return answer(pending.latest(id), answers);
            }
            epoch = pending.epoch();
        } finally {
            lock.unlock();
        }
        Optional<StoredSession> found = load.get();
        if (found.isEmpty()) {
            return found;
        }
        lock.lock();
        try {
            PendingWrite newer = pending.latest(found.get().sessionId());
            if (newer != null) {
                return answer(newer, answers);
            }
            return exclusive || epoch == pending.epoch() ? found : null;
        } finally {
            lock.unlock();
        }
    }

    private static Optional<StoredSession> answer(PendingWrite write, Predicate<PendingWrite> answers) {
        return write != null && answers.test(write) ? Optional.of(write.session) : Optional.empty();
    }

    /** The latest uncommitted write of the session, or null. */
    PendingWrite latest(String sessionId) {
        lock.lock();
        try {
            return pending.latest(sessionId);
        } finally {
            lock.unlock();
        }
    }

    /** The session whose uncommitted write holds this access-token hash, or null. */
    String holderOfAccessHash(String hash) {
        lock.lock();
        try {
            return pending.holderOfAccessHash(hash);
        } finally {
            lock.unlock();
        }
    }

    /** The session whose uncommitted write holds this refresh-token hash, or null. */
    String holderOfRefreshHash(String hash) {
        lock.lock();
        try {
            return pending.holderOfRefreshHash(hash);
        } finally {
            lock.unlock();
        }
    }

    /** True if any write is queued or committing. */
    boolean any() {
        lock.lock();
        try {
            return pending.size() > 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Settles a write that a write-through wrote to the delegate: it is dropped and its callers
     * released. A newer write of the same session queued meanwhile (enqueueing does not wait for a
     * write-through) is not touched: it stays queued and is written after, or reported.
     */
    void writtenThrough(PendingWrite write) {
        lock.lock();
        try {
            pending.settleWrittenThrough(write);
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the uncommitted writes of one session. Group-commit callers are released (the write
     * happened, then was superseded).
     *
     * @return true if it had one (as far as readers could see, the session existed)
     */
    boolean cancel(String sessionId) {
        lock.lock();
        try {
            boolean had = pending.cancel(sessionId);
            notFull.signalAll();
            return had;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the uncommitted writes of every session whose latest write matches.
     *
     * @return the ids of those sessions
     */
    List<String> cancelMatching(Predicate<PendingWrite> filter) {
        lock.lock();
        try {
            List<String> ids = pending.cancelMatching(filter);
            if (!ids.isEmpty()) {
                notFull.signalAll();
            }
            return ids;
        } finally {
            lock.unlock();
        }
    }
}
