package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit's fast path. A caller that finds nothing pending, no batch committing and no wait
 * for released callers on is alone: there is no one to share a commit with, and a hand-off to the
 * flusher would only add two thread wake-ups. Its write becomes a batch of one
 * ({@link WriteQueue#claimLone}) which it commits on its own thread exactly as the flusher would,
 * through the same {@link BatchCommit} (retries, outage fail-fast, refusal, settling, batch listeners,
 * the delegate's change event); the flusher takes no batch meanwhile, so writes queued behind it still
 * commit after it, in order.
 */
final class LoneCommit {
    private final WriteQueue queue;
    private final BatchCommit commit;

    LoneCommit(WriteQueue queue, BatchCommit commit) {
        this.queue = queue;
        this.commit = commit;
    }

    /**
     * Commits the write on the caller's thread if the caller is alone; {@code waiter} is then
     * settled when this returns.
     *
     * @return false if the caller must queue as usual (nothing was done)
     */
    boolean tryCommit(StoredSession session, String accessHash, String refreshHash, CompletableFuture<Void> waiter) {
        PendingWrite write = queue.claimLone(session, accessHash, refreshHash, waiter);
        if (write == null) {
            return false;
        }
        try {
            commit.commit(List.of(write));
        } catch (RuntimeException | Error e) {
            queue.die(e);
            throw e;
        } finally {
            queue.endLone(write.seq); // settling has done it, unless the commit threw
        }
        return true;
    }
}
