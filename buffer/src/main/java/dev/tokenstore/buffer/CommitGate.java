package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The buffer's exclusive section over the delegate. It is held while anything is written to or
 * deleted from the delegate on behalf of the queue: a batch's attempts ({@link BatchCommit}), a
 * revocation, a write-through. So a revocation can never be undone by a batch committing at the
 * same time, and a write-through sees and decides over the pending writes ({@link HeldWrites}) and
 * the delegate at one consistent point. Reads that see pending writes go through here too: a read
 * whose delegate load overlapped a batch finishing is repeated, the third time inside the section.
 *
 * <p>Lock order: this section before the buffer's state lock, never the other way round.
 */
final class CommitGate {
    /** Attempts of a read before it takes the section (no batch can finish then). */
    static final int OPTIMISTIC_READS = 2;

    private final ReentrantLock commitLock = new ReentrantLock();
    private final HeldWrites held;
    private final BufferLifecycle life;

    CommitGate(HeldWrites held, BufferLifecycle life) {
        this.held = held;
        this.life = life;
    }

    /**
     * Runs {@code work} (a revocation or a direct write to the delegate) inside the section, once
     * the buffer is checked to take writes; it is handed the pending writes to look up and cancel.
     */
    <T> T writeThrough(Function<HeldWrites, T> work) {
        commitLock.lock();
        try {
            life.requireOpen();
            return work.apply(held);
        } finally {
            commitLock.unlock();
        }
    }

    /** Enters the section (a batch attempt); pair with {@link #leave()} in a {@code finally}. */
    void enter() {
        commitLock.lock();
    }

    void leave() {
        commitLock.unlock();
    }

    // ---------------------------------------------------------------- reads

    /** The session holding this access-token hash, pending writes first (live at {@code now}). */
    Optional<StoredSession> loadByAccessHash(String hash, Instant now, Supplier<Optional<StoredSession>> load) {
        return read(p -> p.holderOfAccessHash(hash),
                w -> w.accessHash.equals(hash) && w.session.isAccessLive(now), load);
    }

    /** The session with this id, pending writes first (access live at {@code now}). */
    Optional<StoredSession> loadById(String sessionId, Instant now, Supplier<Optional<StoredSession>> load) {
        return read(p -> p.latest(sessionId) != null ? sessionId : null, w -> w.session.isAccessLive(now), load);
    }

    /** The session holding this refresh-token hash, pending writes first (refresh live at {@code now}). */
    Optional<StoredSession> loadByRefreshHash(String hash, Instant now, Supplier<Optional<StoredSession>> load) {
        return read(p -> p.holderOfRefreshHash(hash),
                w -> hash.equals(w.refreshHash) && w.session.isRefreshLive(now), load);
    }

    /**
     * A lookup that sees uncommitted writes ({@link HeldWrites#readOnce}), repeated while its
     * delegate read overlaps a batch finishing, the third time inside the section, so an
     * acknowledged write is never hidden by a stale read.
     */
    private Optional<StoredSession> read(Function<PendingWrites, String> pendingId, Predicate<PendingWrite> answers,
            Supplier<Optional<StoredSession>> load) {
        for (int attempt = 0; ; attempt++) {
            boolean exclusive = attempt >= OPTIMISTIC_READS;
            if (exclusive) {
                commitLock.lock();
            }
            try {
                Optional<StoredSession> found = held.readOnce(pendingId, answers, load, exclusive);
                if (found != null) {
                    return found;
                }
            } finally {
                if (exclusive) {
                    commitLock.unlock();
                }
            }
        }
    }
}
