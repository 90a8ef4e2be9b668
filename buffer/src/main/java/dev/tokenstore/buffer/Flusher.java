package dev.tokenstore.buffer;

import dev.tokenstore.TokenStoreException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buffer's one flusher thread: takes each due batch from the {@link WriteBuffer}, writes it with
 * bounded retries, and hands it back to be settled. Only transient and unclassified failures are
 * retried (with back-off); a batch the delegate refuses is written one record at a time so only the
 * refused records fail; after {@code maxRetries} what still fails is set aside (an unclassified
 * failure of a batch is first tried once record by record, so only the records it repeats for are).
 */
final class Flusher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedTokenStore.class);
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    private final WriteBuffer buffer;
    private final BatchWriter writer;
    private final BufferSettings settings;
    private final ReentrantLock commitLock;
    private final Outage outage;
    private final Thread thread;

    Flusher(WriteBuffer buffer, BatchWriter writer, BufferSettings settings, ReentrantLock commitLock, Outage outage) {
        this.buffer = buffer;
        this.writer = writer;
        this.settings = settings;
        this.commitLock = commitLock;
        this.outage = outage;
        this.thread = new Thread(this, "tokenstore-buffer-flusher-" + THREAD_NUMBERS.incrementAndGet());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean isFlusherThread() {
        return Thread.currentThread() == thread;
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Waits for the thread to end, at most until {@code deadlineNanos} ({@link System#nanoTime()};
     * {@link Long#MAX_VALUE} for no limit). Interrupts are remembered, not obeyed.
     *
     * @return true if it ended
     */
    boolean awaitEnd(long deadlineNanos) {
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                try {
                    if (deadlineNanos == Long.MAX_VALUE) {
                        thread.join();
                    } else {
                        long left = deadlineNanos - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        TimeUnit.NANOSECONDS.timedJoin(thread, left);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        try {
            List<PendingWrite> batch;
            while ((batch = buffer.nextBatch()) != null) {
                commit(batch);
            }
        } catch (Throwable t) {
            buffer.die(t);
        }
    }

    /** Writes one batch, retrying with back-off, then has every write of it settled. */
    private void commit(List<PendingWrite> batch) {
        long startNanos = System.nanoTime();
        long firstAttemptNanos = 0;
        int attempts = 0;
        int outageAttempts = 0;
        while (true) {
            attempts++;
            boolean last = attempts > settings.maxRetries();
            RuntimeException failure = attempt(batch, last);
            if (attempts == 1) {
                firstAttemptNanos = System.nanoTime() - startNanos;
            }
            outage.attempted(failure);
            if (failure == null) {
                break;
            }
            if (outage.active()) {
                // The database is down: group commit fails its callers at once; write-behind keeps the
                // batch and tries again after the outage back-off (not counted as a retry), until the
                // database is back or the buffer is closing.
                if (settings.ackMode() == AckMode.GROUP_COMMIT || buffer.isClosing()) {
                    setAside(batch, failure);
                    break;
                }
                buffer.outageAttemptFailed(queued(batch), failure, ++outageAttempts);
                attempts--;
                sleepNanos(outage.backoffNanos(settings));
                continue;
            }
            if (last) {
                setAside(batch, failure);
                break;
            }
            buffer.countRetry();
            LOG.debug("flush attempt {} of {} session write(s) failed: {}; retrying", attempts, batch.size(),
                    FailureKinds.describe(failure));
            sleepNanos(settings.backoffNanos(attempts));
        }
        int written = buffer.settle(batch, attempts, firstAttemptNanos);
        if (written > 0) {
            buffer.tellBatchListeners(written, System.nanoTime() - startNanos);
        }
    }

    /**
     * One attempt at the writes of {@code batch} still queued.
     *
     * @return the failure to retry (some writes are still queued), or null
     */
    private RuntimeException attempt(List<PendingWrite> batch, boolean last) {
        commitLock.lock();
        try {
            List<PendingWrite> todo = queued(batch);
            if (todo.isEmpty()) {
                return null;
            }
            try {
                writer.writeAll(todo);
                return null;
            } catch (RuntimeException e) {
                todo = queued(todo); // single ops mark each write as it succeeds
                Kind kind = FailureKinds.of(e);
                if (kind == Kind.REFUSED || kind == Kind.UNCLASSIFIED && last && todo.size() > 1) {
                    LOG.debug("the delegate failed a batch of {} ({}); writing them one by one", todo.size(),
                            FailureKinds.describe(e));
                    return writer.isolate(todo, last);
                }
                return e;
            }
        } finally {
            commitLock.unlock();
        }
    }

    /** After the last retry: what is still queued is let go (under the commit lock, so no revocation races it). */
    private void setAside(List<PendingWrite> batch, RuntimeException failure) {
        commitLock.lock();
        try {
            for (PendingWrite write : queued(batch)) {
                write.giveUp(PendingWrite.State.SET_ASIDE, failure);
            }
        } finally {
            commitLock.unlock();
        }
    }

    private static List<PendingWrite> queued(List<PendingWrite> writes) {
        List<PendingWrite> queued = new ArrayList<>(writes.size());
        for (PendingWrite write : writes) {
            if (write.state == PendingWrite.State.QUEUED) {
                queued.add(write);
            }
        }
        return queued;
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
}
