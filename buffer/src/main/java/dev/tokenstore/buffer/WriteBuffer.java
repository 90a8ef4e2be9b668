package dev.tokenstore.buffer;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a {@link BufferedTokenStore}: its pending writes, the intent-level operations the
 * store calls on them (queue, look up, write through, cancel, flush, close), and how a batch is
 * settled. The parts: {@link Revocations} (deletes that must not wait for the queue), {@link BatchSchedule} (when the next batch is due), {@link Acknowledgements}
 * (per ack mode), {@link FailureLedger} (what was not written and not yet handed back), and the
 * {@link Flusher} thread (the loop and its retries).
 *
 * <p>Two locks: {@code lock} guards the pending writes, counters and flush requests (held only for
 * short in-memory work); {@code commitLock} is held while anything is written to or deleted from the
 * delegate on behalf of the queue (a batch commit, a revocation, a write-through), so a revocation can
 * never be undone by a batch committing at the same time. Order: {@code commitLock} before
 * {@code lock}, never the other way round.
 */
final class WriteBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedTokenStore.class);

    private enum Phase { OPEN, CLOSING, CLOSED }

    /** A {@code flush()} waiting for every write queued before it to be settled. */
    private record FlushRequest(long upToSeq, CompletableFuture<Void> done) {
    }

    private final BufferSettings settings;
    private final BatchWriter writer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ReentrantLock commitLock = new ReentrantLock();
    private final PendingWrites pending = new PendingWrites();
    private final BatchSchedule schedule;
    private final FailureLedger ledger = new FailureLedger();
    private final Acknowledgements acks;
    private final Flusher flusher;
    private final List<FlushRequest> flushRequests = new ArrayList<>();
    private Throwable flusherDeath;
    private Phase phase = Phase.OPEN;
    private final Outage outage = new Outage();
    private long lastSeq;
    /**
     * Group commit: the sequence number of the write a lone caller is committing itself (see
     * {@link #enqueue}), or {@link Long#MAX_VALUE}. While there is one, the flusher takes no batch.
     */
    private long directSeq = Long.MAX_VALUE;
    /** Counts finished batches; a read that raced with one is repeated (see {@link #read}). */
    private long commitEpoch;
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

    WriteBuffer(TokenStore delegate, BufferSettings settings) {
        this.settings = settings;
        this.writer = new BatchWriter(delegate);
        this.schedule = new BatchSchedule(settings);
        this.acks = new Acknowledgements(settings.ackMode(), ledger);
        this.flusher = new Flusher(this, writer, settings, commitLock, outage);
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
        CompletableFuture<Void> waiter = acks.newWaiter();
        if (waiter != null) {
            PendingWrite direct = claimDirect(session, accessHash, refreshHash, waiter);
            if (direct != null) {
                commitDirect(direct);
                return waiter;
            }
        }
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
            PendingWrite write = new PendingWrite(session, accessHash, refreshHash, ++lastSeq,
                    earlier == null ? now : earlier.firstQueuedNanos, waiter);
            boolean wasEmpty = pending.queuedCount() == 0;
            PendingWrite replaced = pending.add(write);
            if (replaced != null) {
                write.adoptWaiters(replaced);
                coalesced++;
            }
            if (schedule.queued(pending.queuedCount(), wasEmpty, waiter != null, now)) {
                workAvailable.signal();
            }
            return waiter;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Group commit with nothing pending, no batch committing and no wait for released callers on
     * (see {@link BatchSchedule#allowsDirect}): the caller is alone, so there is no one to share a
     * commit with and a hand-off to the flusher would only add two thread wake-ups. Its write becomes a batch of one, in flight at once (visible to reads and to the token
     * uniqueness checks of later writes, like any in-flight batch), which the caller then commits
     * itself ({@link #commitDirect}); the flusher takes no batch meanwhile, so writes queued behind it
     * still commit after it, in order.
     *
     * @return the write, now in flight, or null if the caller must queue as usual
     */
    private PendingWrite claimDirect(StoredSession session, String accessHash, String refreshHash,
            CompletableFuture<Void> waiter) {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (phase != Phase.OPEN || flusherDeath != null || pending.size() != 0 || directSeq != Long.MAX_VALUE
                    || !schedule.allowsDirect(now)) {
                return null;
            }
            PendingWrite write = new PendingWrite(session, accessHash, refreshHash, ++lastSeq, now, waiter);
            pending.add(write);
            pending.take(1);
            directSeq = write.seq;
            return write;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commits a claimed batch of one on the caller's thread, exactly as the flusher would: the same
     * {@link Flusher#commit} (retries, outage fail-fast, refusal, settling, batch listeners, the
     * delegate's change event), then lets the flusher take batches again.
     */
    private void commitDirect(PendingWrite write) {
        try {
            flusher.commit(List.of(write));
        } catch (RuntimeException | Error e) {
            die(e);
            throw e;
        } finally {
            lock.lock();
            try {
                endDirect(write.seq); // settle() has done it, unless commit() threw
            } finally {
                lock.unlock();
            }
        }
    }

    /** The caller's own batch of one is over: the flusher may take batches again. Call under {@code lock}. */
    private void endDirect(long seq) {
        if (directSeq == seq) {
            directSeq = Long.MAX_VALUE;
            workAvailable.signalAll();
        }
    }

    private static void requireFree(String holder, String sessionId, String field) {
        if (holder != null && !holder.equals(sessionId)) {
            throw new IllegalArgumentException(field + " is already used by another session");
        }
    }

    // ---------------------------------------------------------------- reads

    /** The session holding this access-token hash, queued writes first (live at {@code now}). */
    Optional<StoredSession> loadByAccessHash(String hash, Instant now, Supplier<Optional<StoredSession>> load) {
        return read(p -> p.holderOfAccessHash(hash),
                w -> w.accessHash.equals(hash) && w.session.isAccessLive(now), load);
    }

    /** The session with this id, queued writes first (access live at {@code now}). */
    Optional<StoredSession> loadById(String sessionId, Instant now, Supplier<Optional<StoredSession>> load) {
        return read(p -> p.latest(sessionId) != null ? sessionId : null, w -> w.session.isAccessLive(now), load);
    }

    /** The session holding this refresh-token hash, queued writes first (refresh live at {@code now}). */
    Optional<StoredSession> loadByRefreshHash(String hash, Instant now, Supplier<Optional<StoredSession>> load) {
        return read(p -> p.holderOfRefreshHash(hash),
                w -> hash.equals(w.refreshHash) && w.session.isRefreshLive(now), load);
    }

    /**
     * A lookup that sees uncommitted writes. {@code pendingId} finds the session in the pending writes
     * by the lookup key; if one is found, it alone answers ({@code answers} checks key and expiry).
     * Otherwise the delegate answers, unless the session it returns has a newer uncommitted write,
     * which then answers instead. A delegate read that overlapped a batch finishing is repeated (the
     * third time under the commit lock), so an acknowledged write is never hidden by a stale read.
     */
    private Optional<StoredSession> read(java.util.function.Function<PendingWrites, String> pendingId,
            Predicate<PendingWrite> answers, Supplier<Optional<StoredSession>> load) {
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

    // ---------------------------------------------------------------- revocations and write-through

    /**
     * Runs {@code work} (a revocation or a direct write to the delegate) in the buffer's exclusive
     * section: no batch commits meanwhile, so the work sees and decides over the pending writes
     * ({@link #lookupPending}, {@link #cancelPending}) and the delegate at one consistent point.
     */
    <T> T writeThrough(Supplier<T> work) {
        commitLock.lock();
        try {
            requireOpen();
            return work.get();
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * The latest uncommitted write of the session, or null, for a write-through that writes it to the
     * delegate and then settles exactly it ({@link #writtenThrough}).
     */
    PendingWrite latestPending(String sessionId) {
        lock.lock();
        try {
            return pending.latest(sessionId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Settles a write that a write-through wrote to the delegate: it is dropped and its callers
     * released. A newer write of the same session queued meanwhile ({@link #enqueue} does not wait for
     * a write-through) is not touched: it stays queued and is written after, or reported.
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
     * The latest uncommitted write of the session, if any. Inside {@link #writeThrough} no batch
     * commits, but a caller may still queue a newer write of the session meanwhile.
     */
    Optional<StoredSession> lookupPending(String sessionId) {
        lock.lock();
        try {
            PendingWrite latest = pending.latest(sessionId);
            return latest == null ? Optional.empty() : Optional.of(latest.session);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the uncommitted writes of one session; call inside {@link #writeThrough}. Group-commit
     * callers are released (the write happened, then was superseded).
     *
     * @return true if it had one (as far as readers could see, the session existed)
     */
    boolean cancelPending(String sessionId) {
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
     * Drops the uncommitted writes of every session whose latest write matches; call inside
     * {@link #writeThrough}.
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

    /** The session whose uncommitted write holds this access-token hash, or null. */
    String pendingHolderOfAccessHash(String hash) {
        lock.lock();
        try {
            return pending.holderOfAccessHash(hash);
        } finally {
            lock.unlock();
        }
    }

    /** The session whose uncommitted write holds this refresh-token hash, or null. */
    String pendingHolderOfRefreshHash(String hash) {
        lock.lock();
        try {
            return pending.holderOfRefreshHash(hash);
        } finally {
            lock.unlock();
        }
    }

    /** True if any write is queued or committing. */
    boolean hasPending() {
        lock.lock();
        try {
            return pending.size() > 0;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- flush, stats, close

    /**
     * Writes everything queued before the call and waits until each write is settled.
     *
     * @param report also hand back (and forget) what earlier flushes could not write (write-behind)
     * @throws BufferFlushException if there is such a thing to hand back
     */
    void flush(boolean report) {
        requireNotFlusher("flush()");
        FlushRequest request = null;
        lock.lock();
        try {
            requireNotClosed();
            requireFlusherAlive();
            if (pending.size() > 0) {
                request = new FlushRequest(lastSeq, new CompletableFuture<>());
                flushRequests.add(request);
                workAvailable.signal();
            }
        } finally {
            lock.unlock();
        }
        if (request != null) {
            try {
                request.done().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenStoreException("interrupted while waiting for flush (the writes stay queued)", e);
            } catch (ExecutionException e) {
                throw new TokenStoreException("flush failed", e.getCause());
            }
        }
        BufferFlushException unwritten = null;
        lock.lock();
        try {
            requireFlusherAlive();
            if (report) {
                unwritten = ledger.takeAll("flush could not write every session");
            }
        } finally {
            lock.unlock();
        }
        if (unwritten != null) {
            throw unwritten;
        }
    }

    private void requireFlusherAlive() {
        if (flusherDeath != null) {
            throw new BufferFlushException("the buffer's flusher thread stopped", flusherDeath, sessions(pending.all()));
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
     * Stops taking writes, drains the queue (retrying as usual) and stops the flusher, waiting at most
     * {@code timeout} (null: until done). What is not written by then is handed back: queued writes,
     * and the writes of a commit still running (which may yet complete).
     *
     * @return what could not be written (no longer held), or null if everything was
     */
    BufferFlushException close(Duration timeout) {
        requireNotFlusher("close()");
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Math.max(0, timeout.toNanos());
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
        boolean ended = flusher.awaitEnd(deadline);
        List<PendingWrite> abandoned;
        BufferFlushException unwritten;
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return null;
            }
            phase = Phase.CLOSED;
            abandoned = pending.all();
            String message = "close could not write every queued session";
            if (!ended) {
                int inFlight = abandoned.size() - pending.queuedCount();
                TokenStoreException timedOut = new TokenStoreException("close(" + timeout + ") ran out with "
                        + pending.queuedCount() + " session write(s) queued and " + inFlight
                        + " in a commit that had not finished (it may still complete)");
                ledger.add(sessions(abandoned), timedOut);
                message = "close(" + timeout + ") ran out before every queued session was written";
            } else if (flusherDeath != null) {
                ledger.add(sessions(abandoned), flusherDeath);
            }
            pending.clear();
            flushRequests.forEach(r -> r.done().complete(null));
            flushRequests.clear();
            workAvailable.signalAll();
            unwritten = ledger.takeAll(message);
        } finally {
            lock.unlock();
        }
        if (!abandoned.isEmpty()) {
            LOG.warn("buffer closed with {} session write(s) not written: {}", abandoned.size(), fingerprints(abandoned));
            TokenStoreException closed = new TokenStoreException("the buffer was closed before the write was committed");
            abandoned.forEach(w -> acks.notWritten(w, closed));
        }
        return unwritten;
    }

    /** {@code flush()} and {@code close()} wait for the flusher, so it must not call them (from onFlushError). */
    void requireNotFlusher(String call) {
        if (flusher.isFlusherThread()) {
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

    /** Throws once {@link #close} has finished. */
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

    // ---------------------------------------------------------------- called by the flusher

    /** Waits for the next due batch and takes it; null when the flusher should stop. */
    List<PendingWrite> nextBatch() {
        lock.lock();
        try {
            while (true) {
                answerFlushRequests();
                if (phase == Phase.CLOSED || phase == Phase.CLOSING && pending.size() == 0) {
                    return null;
                }
                long wait = directSeq != Long.MAX_VALUE ? Long.MAX_VALUE
                        : schedule.nanosUntilDue(pending.queuedCount(),
                                phase != Phase.OPEN || !flushRequests.isEmpty(), System.nanoTime());
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

    private void answerFlushRequests() {
        long firstQueued = Math.min(pending.firstQueuedSeq(), directSeq);
        Iterator<FlushRequest> it = flushRequests.iterator();
        while (it.hasNext()) {
            FlushRequest request = it.next();
            if (firstQueued > request.upToSeq()) {
                request.done().complete(null);
                it.remove();
            }
        }
    }

    void countRetry() {
        lock.lock();
        try {
            retries++;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the batch: written writes are acknowledged; refused and set-aside ones reported and let go. */
    int settle(List<PendingWrite> batch, int attempts, long commitNanos) {
        List<PendingWrite> refused = new ArrayList<>();
        List<PendingWrite> setAside = new ArrayList<>();
        List<FlushFailure> reports = new ArrayList<>(2);
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
            if (written > 0) {
                batches++;
                flushed += written;
            }
            schedule.committed(written, commitNanos, pending.queuedCount(), System.nanoTime());
            commitEpoch++;
            if (batch.size() == 1) {
                // before onFlushError runs (on the caller's thread), so a flush() from it is answered
                endDirect(batch.get(0).seq);
            }
            if (!refused.isEmpty()) {
                reports.add(new FlushFailure(refused.get(0).failure, sessions(refused), attempts, true));
            }
            if (!setAside.isEmpty()) {
                RuntimeException cause = setAside.get(0).failure;
                reports.add(new FlushFailure(cause != null ? cause : new TokenStoreException("not written"),
                        sessions(setAside), attempts, false));
            }
            for (FlushFailure report : reports) {
                acks.report(report.sessions(), report.cause());
            }
            failures += reports.size();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        reports.forEach(this::report);
        refused.forEach(w -> acks.notWritten(w, w.failure));
        setAside.forEach(w -> acks.notWritten(w, w.failure));
        return written;
    }

    void addBatchListener(BatchListener listener) {
        batchListeners.add(listener);
    }

    /**
     * Tells every batch listener that a batch of {@code written} writes committed in
     * {@code elapsedNanos}, on the thread that committed it; calls never overlap.
     */
    void tellBatchListeners(int written, long elapsedNanos) {
        if (batchListeners.isEmpty()) {
            return;
        }
        listenerLock.lock();
        try {
            for (BatchListener listener : batchListeners) {
                try {
                    listener.batchFlushed(written, elapsedNanos);
                } catch (RuntimeException e) {
                    LOG.error("batch listener threw {}", e.getClass().getName());
                }
            }
        } finally {
            listenerLock.unlock();
        }
    }

    /** Logs by count, kind, SQLState and session-id fingerprint (never a token, value or driver message), then tells the listener. */
    private void report(FlushFailure failure) {
        LOG.warn("{} buffered session write(s) {} after {} attempt(s), handed back: {}; sessions {}",
                failure.sessions().size(), failure.refused() ? "refused by the store" : "still failing",
                failure.attempts(), FailureKinds.describe(failure.cause()), fingerprintsOf(failure.sessions()));
        tellListener(failure);
    }

    private void tellListener(FlushFailure failure) {
        try {
            settings.onFlushError().accept(failure);
        } catch (RuntimeException e) {
            LOG.error("onFlushError listener threw {}", e.getClass().getName());
        }
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
            LOG.warn("{} buffered session write(s) wait for the database, which is unavailable ({}); kept queued and "
                    + "retried with back-off", batch.size(), FailureKinds.describe(failure));
        } else {
            LOG.debug("{} buffered session write(s) still wait for the database (attempt {})", batch.size(), attempts);
        }
        tellListener(report);
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

    void die(Throwable death) {
        LOG.error("buffer flusher thread stopped unexpectedly ({}); queued writes are handed back by close()",
                death.getClass().getName());
        lock.lock();
        try {
            flusherDeath = death;
            for (PendingWrite write : pending.all()) {
                write.fail(new BufferFlushException("the buffer's flusher thread stopped", death, List.of(write.session)));
            }
            flushRequests.forEach(r -> r.done().complete(null));
            flushRequests.clear();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static List<StoredSession> sessions(List<PendingWrite> writes) {
        List<StoredSession> sessions = new ArrayList<>(writes.size());
        writes.forEach(w -> sessions.add(w.session));
        return sessions;
    }

    private static String fingerprints(List<PendingWrite> writes) {
        return fingerprintsOf(sessions(writes));
    }

    /** Short SHA-256 prefixes of the session ids (as {@code StoredSession.toString()} shows them), at most 10. */
    private static String fingerprintsOf(List<StoredSession> sessions) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < sessions.size() && i < 10; i++) {
            sb.append(i == 0 ? "" : ", ").append('#').append(TokenHash.sha256Hex(sessions.get(i).sessionId()), 0, 8);
        }
        return sb.append(sessions.size() > 10 ? ", …]" : "]").toString();
    }
}
