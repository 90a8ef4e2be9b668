package dev.tokenstore.buffer;

import dev.tokenstore.TokenStoreException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the buffer is in its life: open, closing (draining, taking no writes) or closed; whether
 * the flusher died; and the {@code flush()} calls waiting for what was queued before them. Guarded
 * by the buffer's state lock (the {@code lock} given here, {@link WriteQueue}'s): the checks that
 * callers use from outside take it themselves, the rest say "call under the lock".
 */
final class BufferLifecycle {
    private enum Phase { OPEN, CLOSING, CLOSED }

    /** A {@code flush()} waiting for every write queued before it to be settled. */
    private record FlushRequest(long upToSeq, CompletableFuture<Void> done) {
    }

    private final ReentrantLock lock;
    private final List<FlushRequest> flushRequests = new ArrayList<>();
    private Phase phase = Phase.OPEN;
    private Throwable flusherDeath;

    BufferLifecycle(ReentrantLock lock) {
        this.lock = lock;
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

    /** Call under the lock. */
    boolean isClosed() {
        return phase == Phase.CLOSED;
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

    /** The flusher stopped: waiting flushes are released. Call under the lock. */
    void died(Throwable death) {
        flusherDeath = death;
        releaseFlushRequests();
    }

    /** A {@code flush()} that waits until every write up to {@code upToSeq} is settled. Call under the lock. */
    CompletableFuture<Void> requestFlush(long upToSeq) {
        FlushRequest request = new FlushRequest(upToSeq, new CompletableFuture<>());
        flushRequests.add(request);
        return request.done();
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

    /**
     * {@code close()} begins: no more writes. Call under the lock.
     *
     * @return true if this call moved the buffer from open to closing (waiters must be woken)
     */
    boolean beginClose() {
        if (phase != Phase.OPEN) {
            return false;
        }
        phase = Phase.CLOSING;
        return true;
    }

    /**
     * {@code close()} ends: waiting flushes are released. Call under the lock.
     *
     * @return false if the buffer was closed already
     */
    boolean markClosed() {
        if (phase == Phase.CLOSED) {
            return false;
        }
        phase = Phase.CLOSED;
        releaseFlushRequests();
        return true;
    }

    private void releaseFlushRequests() {
        flushRequests.forEach(r -> r.done().complete(null));
        flushRequests.clear();
    }
}
