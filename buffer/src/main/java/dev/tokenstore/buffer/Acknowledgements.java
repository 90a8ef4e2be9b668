package dev.tokenstore.buffer;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Acknowledgement per {@link AckMode}: in write-behind a write is acknowledged when queued, and a
 * write that could not be written goes to the {@link FailureLedger} for the next {@code flush()} or
 * {@code close()}; in group commit the caller waits on a future that the batch settles, and gets the
 * failure itself.
 */
final class Acknowledgements {
    private final AckMode mode;
    private final FailureLedger ledger;

    Acknowledgements(AckMode mode, FailureLedger ledger) {
        this.mode = mode;
        this.ledger = ledger;
    }

    /** What a caller of {@code storeSession} waits on: a future in group commit, else null. */
    CompletableFuture<Void> newWaiter() {
        return mode == AckMode.GROUP_COMMIT ? new CompletableFuture<>() : null;
    }

    /** The write is committed: its callers return. */
    void written(PendingWrite write) {
        write.release();
    }

    /**
     * The write was not written and the buffer lets it go. Group commit: its callers get the failure
     * (an {@link IllegalArgumentException} if the delegate refused it as invalid, else a
     * {@link BufferFlushException} holding it); write-behind: it is kept for the next report. Call
     * after {@code onFlushError} has seen it.
     */
    void notWritten(PendingWrite write, RuntimeException cause) {
        if (mode == AckMode.GROUP_COMMIT) {
            write.fail(cause instanceof IllegalArgumentException invalid ? invalid
                    : new BufferFlushException("session write was not committed", cause, List.of(write.session)));
        }
    }

    /** Write-behind keeps what was not written for {@code flush()}/{@code close()}; group commit told the callers. */
    void report(List<StoredSession> sessions, Throwable cause) {
        if (mode == AckMode.WRITE_BEHIND) {
            ledger.add(sessions, cause);
        }
    }

    /** Waits for a group-commit write; rethrows its failure in the caller's thread. */
    static void await(CompletableFuture<Void> committed) {
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
            DatabaseUnavailableException down = Outage.unavailable(cause);
            if (down != null) {
                throw new DatabaseUnavailableException("session write was not committed: " + down.getMessage(),
                        down.since(), cause);
            }
            if (cause instanceof BufferFlushException failed) {
                throw new BufferFlushException("session write was not committed", failed.getCause(),
                        failed.unwrittenSessions());
            }
            throw new TokenStoreException("session write was not committed", cause);
        }
    }
}
