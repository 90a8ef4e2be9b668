package dev.tokenstore.buffer;

import dev.tokenstore.TokenStoreException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one batch: writes it with bounded retries, inside the {@link CommitGate}, then has it
 * settled ({@link BatchQueue#settle}) and tells the batch listeners. Only transient and
 * unclassified failures are retried (with back-off); a batch the delegate refuses is written one
 * record at a time so only the refused records fail; after {@code maxRetries} what still fails is set
 * aside (an unclassified failure of a batch is first tried once record by record, so only the records
 * it repeats for are). Runs on the {@link Flusher} thread, or on the thread of a lone group-commit
 * caller writing its own batch of one ({@link LoneCommit}); never two at once.
 */
final class BatchCommit {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedTokenStore.class);

    private final BatchQueue queue;
    private final BatchWriter writer;
    private final BufferSettings settings;
    private final CommitGate gate;
    private final Outage outage;
    private final FlushOutcomes outcomes;

    BatchCommit(BatchQueue queue, BatchWriter writer, BufferSettings settings, CommitGate gate, Outage outage,
            FlushOutcomes outcomes) {
        this.queue = queue;
        this.writer = writer;
        this.settings = settings;
        this.gate = gate;
        this.outage = outage;
        this.outcomes = outcomes;
    }

    /** Writes the batch, retrying with back-off, then has every write of it settled and tells the batch listeners. */
    void commit(List<PendingWrite> batch) {
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
                if (settings.ackMode() == AckMode.GROUP_COMMIT || queue.isClosing()) {
                    setAside(batch, failure);
                    break;
                }
                outcomes.outageAttemptFailed(queued(batch), failure, ++outageAttempts);
                attempts--;
                sleepNanos(outage.backoffNanos(settings));
                continue;
            }
            if (last) {
                setAside(batch, failure);
                break;
            }
            outcomes.retried();
            LOG.debug("flush attempt {} of {} session write(s) failed: {}; retrying", attempts, batch.size(),
                    FailureKinds.describe(failure));
            sleepNanos(settings.backoffNanos(attempts));
        }
        int written = queue.settle(batch, attempts, firstAttemptNanos);
        if (written > 0) {
            outcomes.batchCommitted(written, System.nanoTime() - startNanos);
        }
    }

    /**
     * One attempt at the writes of {@code batch} still queued.
     *
     * @return the failure to retry (some writes are still queued), or null
     */
    private RuntimeException attempt(List<PendingWrite> batch, boolean last) {
        gate.enter();
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
                if (kind == Kind.REFUSED && todo.size() == 1) {
                    // a batch of one was already written alone (a plain storeSession): it is the refused record
                    todo.get(0).giveUp(PendingWrite.State.REFUSED, e);
                    return null;
                }
                if (kind == Kind.REFUSED || kind == Kind.UNCLASSIFIED && last && todo.size() > 1) {
                    LOG.debug("the delegate failed a batch of {} ({}); writing them one by one", todo.size(),
                            FailureKinds.describe(e));
                    return writer.isolate(todo, last);
                }
                return e;
            }
        } finally {
            gate.leave();
        }
    }

    /** After the last retry: what is still queued is let go (inside the gate, so no revocation races it). */
    private void setAside(List<PendingWrite> batch, RuntimeException failure) {
        gate.enter();
        try {
            for (PendingWrite write : queued(batch)) {
                write.giveUp(PendingWrite.State.SET_ASIDE, failure);
            }
        } finally {
            gate.leave();
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
