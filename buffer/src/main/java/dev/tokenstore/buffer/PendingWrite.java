package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One queued session write, with the callers waiting for it in group-commit mode. */
final class PendingWrite {
    /**
     * QUEUED until settled: WRITTEN (committed), CANCELLED (a revocation dropped it), REFUSED (the
     * delegate refused the record itself) or SET_ASIDE (it kept failing until {@code maxRetries}).
     */
    enum State { QUEUED, WRITTEN, CANCELLED, REFUSED, SET_ASIDE }

    final StoredSession session;
    final String accessHash;
    final String refreshHash;
    /** Order of the write among all writes of this buffer (a rewrite gets a new, larger number). */
    final long seq;
    /** When the first of the writes this one coalesced was queued (bounds how long a hot key waits). */
    final long firstQueuedNanos;
    /** Callers to release when this write is committed (group commit only; else null). */
    private List<CompletableFuture<Void>> waiters;
    volatile State state = State.QUEUED;
    /** Why the write was refused or set aside. */
    volatile RuntimeException failure;

    PendingWrite(StoredSession session, String accessHash, String refreshHash, long seq, long firstQueuedNanos,
            CompletableFuture<Void> waiter) {
        this.session = session;
        this.accessHash = accessHash;
        this.refreshHash = refreshHash;
        this.seq = seq;
        this.firstQueuedNanos = firstQueuedNanos;
        if (waiter != null) {
            waiters = new ArrayList<>(2);
            waiters.add(waiter);
        }
    }

    String id() {
        return session.sessionId();
    }

    /** Moves the callers of a write this one replaced over to this one. */
    void adoptWaiters(PendingWrite replaced) {
        if (replaced.waiters != null) {
            if (waiters == null) {
                waiters = new ArrayList<>(replaced.waiters.size());
            }
            waiters.addAll(replaced.waiters);
            replaced.waiters = null;
        }
    }

    void release() {
        if (waiters != null) {
            waiters.forEach(w -> w.complete(null));
            waiters = null;
        }
    }

    void fail(RuntimeException failure) {
        if (waiters != null) {
            waiters.forEach(w -> w.completeExceptionally(failure));
            waiters = null;
        }
    }

    /** Settles the write as not written: refused by the delegate, or set aside after every retry. */
    void giveUp(State outcome, RuntimeException why) {
        failure = why;
        state = outcome;
    }

    /** Marks the write as superseded by a delete: its callers are released (the write happened, then was deleted). */
    void cancel() {
        if (state == State.QUEUED) {
            state = State.CANCELLED;
        }
        release();
    }
}
