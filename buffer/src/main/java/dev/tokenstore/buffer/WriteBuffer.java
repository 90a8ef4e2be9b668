package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of a {@link BufferedTokenStore} and its one flusher thread.
 *
 * <p>Two locks: {@code lock} guards the pending writes, counters and flush requests (held only for
 * short in-memory work); {@code commitLock} is held while anything is written to or deleted from the
 * delegate on behalf of the queue (a batch commit, a revocation), so a revocation can never be undone
 * by a batch committing at the same time. Order: {@code commitLock} before {@code lock}, never the
 * other way round.
 */
final class WriteBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedTokenStore.class);
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    private enum Phase { OPEN, CLOSING, CLOSED }

    /** A {@code flush()} waiting for every write queued before it. */
    private static final class FlushRequest {
        final long upToSeq;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final List<FlushFailure> failures = new ArrayList<>();
        /** A failed write stays queued ahead of the others: this request cannot be met, only answered. */
        boolean blocked;

        FlushRequest(long upToSeq) {
            this.upToSeq = upToSeq;
        }
    }

    private final BufferSettings settings;
    private final BatchWriter writer;
    private final long maxDelayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ReentrantLock commitLock = new ReentrantLock();
    private final PendingWrites pending = new PendingWrites();
    private final List<FlushRequest> flushRequests = new ArrayList<>();
    private final List<StoredSession> unreportedRejections = new ArrayList<>();
    private final List<StoredSession> unwrittenOnClose = new ArrayList<>();
    private final Thread flusher;
    private Throwable lastRejection;
    private Throwable closeFailure;
    private Throwable flusherDeath;
    private Phase phase = Phase.OPEN;
    private long lastSeq;
    private long queuedSinceNanos;
    private boolean holding;
    private long holdUntilNanos;
    /** Group commit: after a commit, the next batch waits until this many writes are queued ... */
    private int gatherTarget;
    /** ... or until this instant, whichever comes first (see {@link #gatherAfterCommit}). */
    private long gatherUntilNanos;
    /** Counts finished batches; a read that raced with one is repeated (see {@link #read}). */
    private long commitEpoch;
    private long flushed;
    private long batches;
    private long coalesced;
    private long retries;
    private long failures;
    private final List<BatchListener> batchListeners = new CopyOnWriteArrayList<>();

    WriteBuffer(TokenStore delegate, BufferSettings settings) {
        this.settings = settings;
        this.writer = new BatchWriter(delegate);
        this.maxDelayNanos = settings.maxDelay().toNanos();
        this.flusher = new Thread(this::runFlusher, "tokenstore-buffer-flusher-" + THREAD_NUMBERS.incrementAndGet());
        flusher.setDaemon(true);
    }

    void start() {
        flusher.start();
    }

    BatchWriter.Strategy strategy() {
        return writer.strategy();
    }

    // ---------------------------------------------------------------- writes

    /**
     * Queues a session write (coalescing with a queued write of the same session), blocking while
     * the buffer is full.
     *
     * @return in group-commit mode the future completed when the write is committed; else null
     */
    CompletableFuture<Void> enqueue(StoredSession session) {
        String accessHash = session.accessTokenHash();
        String refreshHash = session.refreshTokenHash();
        String id = session.sessionId();
        CompletableFuture<Void> waiter = settings.ackMode() == AckMode.GROUP_COMMIT ? new CompletableFuture<>() : null;
        long deadline = System.nanoTime() + settings.enqueueTimeout().toNanos();
        lock.lock();
        try {
            while (true) {
                requireOpen();
                requireFree(pending.holderOfAccessHash(accessHash), id, "accessToken");
                requireFree(pending.holderOfRefreshHash(refreshHash), id, "refreshToken");
                if (pending.queuedWrite(id) != null || pending.size() < settings.maxPending()) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TokenStoreException("write buffer is full: " + settings.maxPending()
                            + " session writes stayed pending for longer than enqueueTimeout ("
                            + settings.enqueueTimeout() + ")");
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
            PendingWrite write = new PendingWrite(session, accessHash, refreshHash, ++lastSeq,
                    earlier == null ? now : earlier.firstQueuedNanos, waiter);
            boolean wasEmpty = pending.queuedCount() == 0;
            PendingWrite replaced = pending.add(write);
            if (replaced != null) {
                write.adoptWaiters(replaced);
                coalesced++;
            }
            if (wasEmpty) {
                queuedSinceNanos = now;
            }
            if (wasEmpty || pending.queuedCount() == settings.maxBatchSize()
                    || (waiter != null && pending.queuedCount() == gatherTarget)) {
                workAvailable.signal();
            }
            return waiter;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a group-commit write; rethrows its failure in the caller's thread. */
    static void awaitCommit(CompletableFuture<Void> committed) {
        try {
            committed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenStoreException("interrupted while waiting for the group commit (the write stays queued)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException invalid) {
                throw new IllegalArgumentException(invalid.getMessage(), invalid);
            }
            if (cause instanceof BufferFlushException failed) {
                throw new BufferFlushException("session write was not committed", failed.getCause(),
                        failed.unwrittenSessions());
            }
            throw new TokenStoreException("session write was not committed", cause);
        }
    }

    private static void requireFree(String holder, String sessionId, String field) {
        if (holder != null && !holder.equals(sessionId)) {
            throw new IllegalArgumentException(field + " is already used by another session");
        }
    }

    // ---------------------------------------------------------------- reads and revocations

    /**
     * A lookup that sees uncommitted writes. {@code pendingId} finds the session in the pending writes
     * by the lookup key; if one is found, it alone answers ({@code answers} checks key and expiry).
     * Otherwise the delegate answers, unless the session it returns has a newer uncommitted write,
     * which then answers instead. A delegate read that overlapped a batch finishing is repeated (the
     * third time under the commit lock), so an acknowledged write is never hidden by a stale read.
     */
    Optional<StoredSession> read(Function<PendingWrites, String> pendingId, Predicate<PendingWrite> answers,
            Supplier<Optional<StoredSession>> load) {
        for (int attempt = 0; ; attempt++) {
            boolean exclusive = attempt >= 2;
            if (exclusive) {
                commitLock.lock();
            }
            try {
                long epoch;
                lock.lock();
                try {
                    requireNotClosed();
                    String id = pendingId.apply(pending);
                    if (id != null) {
                        return answer(pending.latest(id), answers);
                    }
                    epoch = commitEpoch;
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
                    if (exclusive || epoch == commitEpoch) {
                        return found;
                    }
                } finally {
                    lock.unlock();
                }
            } finally {
                if (exclusive) {
                    commitLock.unlock();
                }
            }
        }
    }

    private static Optional<StoredSession> answer(PendingWrite write, Predicate<PendingWrite> answers) {
        return write != null && answers.test(write) ? Optional.of(write.session) : Optional.empty();
    }

    /** Runs {@code work} (a revocation or direct write to the delegate) with no batch committing meanwhile. */
    <T> T exclusive(Supplier<T> work) {
        commitLock.lock();
        try {
            lock.lock();
            try {
                requireOpen();
            } finally {
                lock.unlock();
            }
            return work.get();
        } finally {
            commitLock.unlock();
        }
    }

    /** Looks at the pending writes under the lock. */
    <T> T inspect(Function<PendingWrites, T> look) {
        lock.lock();
        try {
            return look.apply(pending);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the uncommitted writes of the sessions whose latest write matches; call inside
     * {@link #exclusive}. Their group-commit callers are released (the write happened, then was deleted).
     *
     * @return the ids of those sessions
     */
    List<String> cancelMatching(Predicate<PendingWrite> filter) {
        lock.lock();
        try {
            List<String> ids = pending.latestIdsMatching(filter);
            ids.forEach(pending::cancel);
            if (!ids.isEmpty()) {
                notFull.signalAll();
            }
            return ids;
        } finally {
            lock.unlock();
        }
    }

    /** Drops the uncommitted writes of one session; call inside {@link #exclusive}. True if it had one. */
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

    // ---------------------------------------------------------------- flush, stats, close

    /**
     * Writes everything queued before the call and waits.
     *
     * @param takeRejections also report (and forget) records rejected by earlier background flushes
     * @throws BufferFlushException if some of those writes failed (in write-behind they stay queued)
     */
    void flush(boolean takeRejections) {
        requireNotFlusher("flush()");
        FlushRequest request = null;
        lock.lock();
        try {
            requireNotClosed();
            if (flusherDeath != null) {
                throw new BufferFlushException("the buffer's flusher thread stopped", flusherDeath, sessions(pending.all()));
            }
            if (pending.size() > 0) {
                request = new FlushRequest(lastSeq);
                flushRequests.add(request);
                workAvailable.signal();
            }
        } finally {
            lock.unlock();
        }
        if (request != null) {
            try {
                request.done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenStoreException("interrupted while waiting for flush (the writes stay queued)", e);
            } catch (ExecutionException e) {
                throw new TokenStoreException("flush failed", e.getCause());
            }
        }
        Map<String, StoredSession> unwritten = new LinkedHashMap<>();
        Throwable cause = null;
        lock.lock();
        try {
            if (flusherDeath != null) {
                throw new BufferFlushException("the buffer's flusher thread stopped", flusherDeath, sessions(pending.all()));
            }
            if (request != null) {
                for (FlushFailure failure : request.failures) {
                    failure.sessions().forEach(s -> unwritten.put(s.sessionId(), s));
                    cause = failure.cause();
                }
            }
            if (takeRejections && !unreportedRejections.isEmpty()) {
                unreportedRejections.forEach(s -> unwritten.putIfAbsent(s.sessionId(), s));
                cause = cause == null ? lastRejection : cause;
                unreportedRejections.clear();
            }
        } finally {
            lock.unlock();
        }
        if (!unwritten.isEmpty()) {
            throw new BufferFlushException("flush could not write every session", cause, List.copyOf(unwritten.values()));
        }
    }

    BufferStats stats() {
        lock.lock();
        try {
            return new BufferStats(pending.size(), flushed, batches, batches == 0 ? 0 : (double) flushed / batches,
                    coalesced, retries, failures);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking writes, drains the queue (retrying as usual) and stops the flusher.
     *
     * @return what could not be written (handed back, no longer held), or null if everything was
     */
    BufferFlushException close() {
        requireNotFlusher("close()");
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return null;
            }
            if (phase == Phase.OPEN) {
                phase = Phase.CLOSING;
                workAvailable.signalAll();
                notFull.signalAll();
            }
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (flusher.isAlive()) {
            try {
                flusher.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return null;
            }
            phase = Phase.CLOSED;
            Map<String, StoredSession> unwritten = new LinkedHashMap<>();
            unwrittenOnClose.forEach(s -> unwritten.put(s.sessionId(), s));
            unreportedRejections.forEach(s -> unwritten.putIfAbsent(s.sessionId(), s));
            Throwable cause = closeFailure != null ? closeFailure : lastRejection;
            if (flusherDeath != null) {
                pending.all().forEach(w -> unwritten.put(w.id(), w.session));
                cause = flusherDeath;
            }
            pending.clear();
            unwrittenOnClose.clear();
            unreportedRejections.clear();
            return unwritten.isEmpty() ? null
                    : new BufferFlushException("close could not write every queued session", cause,
                            List.copyOf(unwritten.values()));
        } finally {
            lock.unlock();
        }
    }

    /** {@code flush()} and {@code close()} wait for the flusher, so it must not call them (from onFlushError). */
    void requireNotFlusher(String call) {
        if (Thread.currentThread() == flusher) {
            throw new IllegalStateException(call + " must not be called from onFlushError");
        }
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

    /** Throws once {@link #close()} has finished. */
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

    // ---------------------------------------------------------------- the flusher thread

    private void runFlusher() {
        try {
            while (true) {
                List<PendingWrite> batch;
                lock.lock();
                try {
                    while (true) {
                        answerFlushRequests();
                        if (phase != Phase.OPEN && pending.size() == 0) {
                            return;
                        }
                        long wait = nanosUntilDue();
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
                    batch = pending.take(settings.maxBatchSize());
                    int left = pending.queuedCount();
                    if (left > 0 && left < settings.maxBatchSize()) {
                        queuedSinceNanos = pending.oldestQueuedNanos(queuedSinceNanos);
                    }
                } finally {
                    lock.unlock();
                }
                commit(batch);
            }
        } catch (Throwable t) {
            die(t);
        }
    }

    /** Nanoseconds until the next batch is due (0 or less: now; {@link Long#MAX_VALUE}: nothing queued). */
    private long nanosUntilDue() {
        if (pending.queuedCount() == 0) {
            return Long.MAX_VALUE;
        }
        if (phase != Phase.OPEN || !flushRequests.isEmpty()) {
            return 0;
        }
        if (settings.ackMode() == AckMode.GROUP_COMMIT) {
            if (pending.queuedCount() >= Math.min(gatherTarget, settings.maxBatchSize())) {
                return 0;
            }
            return gatherUntilNanos - System.nanoTime();
        }
        long now = System.nanoTime();
        long due = pending.queuedCount() >= settings.maxBatchSize() ? now : queuedSinceNanos + maxDelayNanos;
        if (holding) {
            if (holdUntilNanos - now > 0) {
                due = due - holdUntilNanos > 0 ? due : holdUntilNanos;
            } else {
                holding = false;
            }
        }
        return due - now;
    }

    private void answerFlushRequests() {
        if (flushRequests.isEmpty()) {
            return;
        }
        long firstQueued = pending.firstQueuedSeq();
        Iterator<FlushRequest> it = flushRequests.iterator();
        while (it.hasNext()) {
            FlushRequest request = it.next();
            if (request.blocked || firstQueued > request.upToSeq) {
                request.done.complete(null);
                it.remove();
            }
        }
    }

    /** Writes one batch, retrying with back-off, then settles every write of it. */
    private void commit(List<PendingWrite> batch) {
        int attempts = 0;
        RuntimeException failure;
        long startNanos = System.nanoTime();
        long firstAttemptNanos = 0;
        while (true) {
            attempts++;
            commitLock.lock();
            try {
                List<PendingWrite> todo = new ArrayList<>(batch.size());
                for (PendingWrite write : batch) {
                    if (write.state == PendingWrite.State.QUEUED) {
                        todo.add(write);
                    }
                }
                if (todo.isEmpty()) {
                    failure = null;
                } else {
                    try {
                        writer.writeAll(todo);
                        failure = null;
                    } catch (IllegalArgumentException invalid) {
                        LOG.debug("delegate rejected a batch of {} as invalid; writing them one by one", todo.size());
                        failure = writer.isolate(todo);
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
            } finally {
                commitLock.unlock();
            }
            if (attempts == 1) {
                firstAttemptNanos = System.nanoTime() - startNanos;
            }
            if (failure == null || attempts > settings.maxRetries()) {
                break;
            }
            lock.lock();
            try {
                retries++;
            } finally {
                lock.unlock();
            }
            LOG.debug("flush attempt {} of {} session writes failed; retrying", attempts, batch.size());
            sleepNanos(settings.backoffNanos(attempts));
        }
        int written = settle(batch, failure, attempts, firstAttemptNanos);
        if (written > 0) {
            tellBatchListeners(written, System.nanoTime() - startNanos);
        }
    }

    void addBatchListener(BatchListener listener) {
        batchListeners.add(listener);
    }

    private void tellBatchListeners(int written, long elapsedNanos) {
        for (BatchListener listener : batchListeners) {
            try {
                listener.batchFlushed(written, elapsedNanos);
            } catch (RuntimeException e) {
                LOG.error("batch listener threw", e);
            }
        }
    }

    /** Settles every write of the batch and returns how many it wrote. */
    private int settle(List<PendingWrite> batch, RuntimeException failure, int attempts, long commitNanos) {
        List<FlushFailure> reports = new ArrayList<>(2);
        List<PendingWrite> rejected = new ArrayList<>();
        List<PendingWrite> failed = new ArrayList<>();
        // callers are failed after onFlushError has seen the failure
        List<Runnable> failCallers = new ArrayList<>();
        int written = 0;
        lock.lock();
        try {
            for (PendingWrite write : batch) {
                switch (write.state) {
                    case WRITTEN -> {
                        written++;
                        pending.finish(write);
                        write.release();
                    }
                    case CANCELLED -> pending.finish(write);
                    case REJECTED -> {
                        rejected.add(write);
                        pending.finish(write);
                        failCallers.add(() -> write.fail(write.rejection));
                    }
                    case QUEUED -> failed.add(write);
                }
            }
            if (written > 0) {
                batches++;
                flushed += written;
            }
            gatherAfterCommit(written, commitNanos);
            commitEpoch++;
            if (!rejected.isEmpty()) {
                FlushFailure report = new FlushFailure(rejected.get(0).rejection, sessions(rejected), attempts, false);
                reports.add(report);
                if (settings.ackMode() == AckMode.WRITE_BEHIND) {
                    unreportedRejections.addAll(report.sessions());
                    lastRejection = report.cause();
                }
            }
            if (!failed.isEmpty()) {
                boolean retain = settings.ackMode() == AckMode.WRITE_BEHIND && phase == Phase.OPEN;
                FlushFailure report = new FlushFailure(failure, sessions(failed), attempts, retain);
                reports.add(report);
                if (retain) {
                    long now = System.nanoTime();
                    if (pending.queuedCount() == 0) {
                        queuedSinceNanos = now;
                    }
                    pending.requeueFront(failed);
                    holding = true;
                    holdUntilNanos = now + Math.max(maxDelayNanos, settings.backoffNanos(1));
                } else {
                    for (PendingWrite write : failed) {
                        pending.finish(write);
                        failCallers.add(() -> write.fail(
                                new BufferFlushException("group commit failed", failure, List.of(write.session))));
                    }
                    if (phase != Phase.OPEN) {
                        unwrittenOnClose.addAll(report.sessions());
                        closeFailure = failure;
                    }
                }
                for (FlushRequest request : flushRequests) {
                    request.failures.add(report);
                    request.blocked |= retain;
                }
            }
            failures += reports.size();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        reports.forEach(this::report);
        failCallers.forEach(Runnable::run);
        return written;
    }

    /**
     * Group commit: the callers of the batch just committed are released now and will mostly be
     * back with their next write in a moment. Rather than commit whoever is queued at once (with
     * 16 writers, batches would then alternate between two halves for good), the next batch waits
     * until those callers are queued again too, but never longer than a quarter of the commit that
     * just ran (nor {@code maxDelay}). Where a commit is expensive (a durable one) this doubles the
     * batch for a short wait; where it is cheap the wait is too. Like PostgreSQL's
     * {@code commit_delay}, bounded and only right after a commit.
     */
    private void gatherAfterCommit(int released, long commitNanos) {
        if (settings.ackMode() != AckMode.GROUP_COMMIT || released <= 1) {
            gatherTarget = 0;
            return;
        }
        gatherTarget = pending.queuedCount() + released;
        gatherUntilNanos = System.nanoTime() + Math.min(maxDelayNanos, commitNanos / 4);
    }

    private void report(FlushFailure failure) {
        LOG.warn("could not write {} buffered session write(s) after {} attempt(s); {}", failure.sessions().size(),
                failure.attempts(), failure.retained() ? "they stay queued for the next attempt" : "handed back",
                failure.cause());
        try {
            settings.onFlushError().accept(failure);
        } catch (RuntimeException e) {
            LOG.error("onFlushError listener threw", e);
        }
    }

    private void die(Throwable death) {
        LOG.error("buffer flusher thread stopped unexpectedly; queued writes are handed back by close()", death);
        lock.lock();
        try {
            flusherDeath = death;
            for (PendingWrite write : pending.all()) {
                write.fail(new BufferFlushException("the buffer's flusher thread stopped", death, List.of(write.session)));
            }
            flushRequests.forEach(r -> r.done.complete(null));
            flushRequests.clear();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void sleepNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                LOG.debug("buffer flusher ignores interrupts during back-off");
            }
        }
    }

    private static List<StoredSession> sessions(List<PendingWrite> writes) {
        List<StoredSession> sessions = new ArrayList<>(writes.size());
        writes.forEach(w -> sessions.add(w.session));
        return sessions;
    }
}
