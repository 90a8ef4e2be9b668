package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * What the buffer tells the world about its flushes: the counters behind {@link BufferStats}, the
 * {@link BatchListener}s, {@code onFlushError} and the log lines (by count, kind, SQLState and
 * session-id fingerprint; never a token, value or driver message).
 *
 * <p>The counters are guarded by the buffer's state lock (the {@code lock} given here, the one
 * {@link WriteQueue} holds), so {@link #stats} is one consistent snapshot together with the
 * pending count. Methods named "call under the lock" expect the caller to hold it; the others take
 * it themselves. Listeners and {@code onFlushError} are called without it.
 */
final class FlushOutcomes {
    private final Logger log;
    private final Consumer<FlushFailure> onFlushError;
    private final ReentrantLock lock;
    private long flushed;
    private long batches;
    private long coalesced;
    private long retries;
    private long failures;
    private final List<BatchListener> batchListeners = new CopyOnWriteArrayList<>();
    /**
     * Held while batch listeners are told: batches commit one at a time, but a lone group-commit
     * caller may be telling them about its batch of one while the flusher tells them about the next.
     */
    private final ReentrantLock listenerLock = new ReentrantLock();

    FlushOutcomes(Logger log, Consumer<FlushFailure> onFlushError, ReentrantLock lock) {
        this.log = log;
        this.onFlushError = onFlushError;
        this.lock = lock;
    }

    // ---------------------------------------------------------------- counters

    /** A queued write replaced an earlier queued write of its session. Call under the lock. */
    void coalesced() {
        coalesced++;
    }

    /** A batch was settled with {@code written} writes committed. Call under the lock. */
    void settled(int written) {
        if (written > 0) {
            batches++;
            flushed += written;
        }
    }

    /** A failed attempt will be retried. */
    void retried() {
        lock.lock();
        try {
            retries++;
        } finally {
            lock.unlock();
        }
    }

    /** The counters now, with {@code pending} writes held. Call under the lock. */
    BufferStats stats(int pending) {
        return new BufferStats(pending, flushed, batches, batches == 0 ? 0 : (double) flushed / batches,
                coalesced, retries, failures);
    }

    // ---------------------------------------------------------------- failures

    /**
     * The reports of a settled batch: one for the writes the delegate refused, one for those set
     * aside after every retry (with a generic cause if none was kept), each counted as a failure.
     * Call under the lock; hand each to {@link #report} once the lock is released.
     */
    List<FlushFailure> failuresOf(List<PendingWrite> refused, List<PendingWrite> setAside, int attempts) {
        List<FlushFailure> reports = new ArrayList<>(2);
        if (!refused.isEmpty()) {
            reports.add(new FlushFailure(refused.get(0).failure, sessions(refused), attempts, true));
        }
        if (!setAside.isEmpty()) {
            RuntimeException cause = setAside.get(0).failure;
            reports.add(new FlushFailure(cause != null ? cause : new TokenStoreException("not written"),
                    sessions(setAside), attempts, false));
        }
        failures += reports.size();
        return reports;
    }

    /** Logs a failure by count, kind, SQLState and session-id fingerprint, then tells {@code onFlushError}. */
    void report(FlushFailure failure) {
        log.warn("{} buffered session write(s) {} after {} attempt(s), handed back: {}; sessions {}",
                failure.sessions().size(), failure.refused() ? "refused by the store" : "still failing",
                failure.attempts(), FailureKinds.describe(failure.cause()), fingerprintsOf(failure.sessions()));
        tellListener(failure);
    }

    /**
     * A write-behind batch failed because the database is unavailable and stays queued: counted as
     * a failure and reported to {@code onFlushError} (with the sessions it holds, not refused), but
     * not handed back: it is tried again after the outage back-off.
     */
    void outageAttemptFailed(List<PendingWrite> batch, RuntimeException failure, int attempts) {
        lock.lock();
        try {
            failures++;
        } finally {
            lock.unlock();
        }
        FlushFailure report = new FlushFailure(failure, sessions(batch), attempts, false);
        if (attempts == 1) {
            log.warn("{} buffered session write(s) wait for the database, which is unavailable ({}); kept queued and "
                    + "retried with back-off", batch.size(), FailureKinds.describe(failure));
        } else {
            log.debug("{} buffered session write(s) still wait for the database (attempt {})", batch.size(), attempts);
        }
        tellListener(report);
    }

    private void tellListener(FlushFailure failure) {
        try {
            onFlushError.accept(failure);
        } catch (RuntimeException e) {
            log.error("onFlushError listener threw {}", e.getClass().getName());
        }
    }

    /** The flusher (or a lone caller's commit) failed in a way no batch handles. */
    void died(Throwable death) {
        log.error("buffer flusher thread stopped unexpectedly ({}); queued writes are handed back by close()",
                death.getClass().getName());
    }

    /** {@code close()} let these writes go unwritten (they are handed back in its exception). */
    void closedUnwritten(List<PendingWrite> abandoned) {
        log.warn("buffer closed with {} session write(s) not written: {}", abandoned.size(),
                fingerprintsOf(sessions(abandoned)));
    }

    // ---------------------------------------------------------------- batch listeners

    void addBatchListener(BatchListener listener) {
        batchListeners.add(listener);
    }

    /**
     * Tells every batch listener that a batch of {@code written} writes committed in
     * {@code elapsedNanos}, on the thread that committed it; calls never overlap.
     */
    void batchCommitted(int written, long elapsedNanos) {
        if (batchListeners.isEmpty()) {
            return;
        }
        listenerLock.lock();
        try {
            for (BatchListener listener : batchListeners) {
                try {
                    listener.batchFlushed(written, elapsedNanos);
                } catch (RuntimeException e) {
                    log.error("batch listener threw {}", e.getClass().getName());
                }
            }
        } finally {
            listenerLock.unlock();
        }
    }

    // ---------------------------------------------------------------- helpers

    static List<StoredSession> sessions(List<PendingWrite> writes) {
        List<StoredSession> sessions = new ArrayList<>(writes.size());
        writes.forEach(w -> sessions.add(w.session));
        return sessions;
    }

    /** Short SHA-256 prefixes of the session ids (as {@code StoredSession.toString()} shows them), at most 10. */
    static String fingerprintsOf(List<StoredSession> sessions) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < sessions.size() && i < 10; i++) {
            sb.append(i == 0 ? "" : ", ").append('#').append(TokenHash.sha256Hex(sessions.get(i).sessionId()), 0, 8);
        }
        return sb.append(sessions.size() > 10 ? ", …]" : "]").toString();
    }
}
