package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The front door of a {@link BufferedTokenStore}'s buffer, and where its parts are put together:
 * the pending queue ({@link WriteQueue}), the exclusive section over the delegate and the reads that
 * see pending writes ({@link CommitGate}), the commit of a batch ({@link BatchCommit}) by the
 * {@link Flusher} thread or by a lone group-commit caller ({@link LoneCommit}), and what is told about
 * flushes ({@link FlushOutcomes}). The flusher sees only the queue's {@link BatchQueue} side;
 * {@link Revocations} only the gate.
 */
final class WriteBuffer {
    private final BatchWriter writer;
    private final WriteQueue queue;
    private final CommitGate gate;
    private final LoneCommit lone;
    private final Flusher flusher;

    WriteBuffer(TokenStore delegate, BufferSettings settings) {
        this.writer = new BatchWriter(delegate);
        Outage outage = new Outage();
        this.queue = new WriteQueue(settings, outage);
        this.gate = new CommitGate(queue.held(), queue.lifecycle());
        BatchCommit commit = new BatchCommit(queue, writer, settings, gate, outage, queue.outcomes());
        this.lone = new LoneCommit(queue, commit);
        this.flusher = new Flusher(queue, commit);
    }

    void start() {
        flusher.start();
    }

    BatchWriter.Strategy strategy() {
        return writer.strategy();
    }

    /** The exclusive section: revocations and write-throughs, and reads that see pending writes. */
    CommitGate gate() {
        return gate;
    }

    /**
     * Queues a session write (coalescing with a queued write of the same session), blocking while
     * the buffer is full; in group commit a caller that is alone commits it itself ({@link LoneCommit}).
     *
     * @return in group-commit mode the future completed when the write is committed; else null
     */
    CompletableFuture<Void> enqueue(StoredSession session) {
        String accessHash = session.accessTokenHash();
        String refreshHash = session.refreshTokenHash();
        CompletableFuture<Void> waiter = queue.newWaiter();
        if (waiter == null || !lone.tryCommit(session, accessHash, refreshHash, waiter)) {
            queue.enqueue(session, accessHash, refreshHash, waiter);
        }
        return waiter;
    }

    /**
     * Writes everything queued before the call and waits until each write is settled.
     *
     * @param report also hand back (and forget) what earlier flushes could not write (write-behind)
     * @throws BufferFlushException if there is such a thing to hand back
     */
    void flush(boolean report) {
        requireNotFlusher("flush()");
        CompletableFuture<Void> done = queue.lifecycle().requestFlush();
        if (done != null) {
            try {
                done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenStoreException("interrupted while waiting for flush (the writes stay queued)", e);
            } catch (ExecutionException e) {
                throw new TokenStoreException("flush failed", e.getCause());
            }
        }
        BufferFlushException unwritten = queue.lifecycle().afterFlush(report);
        if (unwritten != null) {
            throw unwritten;
        }
    }

    BufferStats stats() {
        return queue.stats();
    }

    void addBatchListener(BatchListener listener) {
        queue.outcomes().addBatchListener(listener);
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
        if (!queue.lifecycle().beginClose()) {
            return null;
        }
        boolean ended = flusher.awaitEnd(deadline);
        return queue.lifecycle().finishClose(ended, timeout);
    }

    /** {@code flush()} and {@code close()} wait for the flusher, so it must not call them (from onFlushError). */
    void requireNotFlusher(String call) {
        if (flusher.isFlusherThread()) {
            throw new IllegalStateException(call + " must not be called from onFlushError");
        }
    }

    /** Throws unless the buffer takes writes. */
    void requireOpen() {
        queue.lifecycle().requireOpen();
    }

    /** Throws once {@link #close} has finished. */
    void requireNotClosed() {
        queue.lifecycle().requireNotClosed();
    }
}
