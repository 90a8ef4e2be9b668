package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import java.util.List;

/**
 * A flush that could not write some sessions, as handed to {@code onFlushError}. Either the
 * delegate kept failing after every retry ({@code cause} is then usually a
 * {@link dev.tokenstore.TokenStoreException}), or it rejected records as invalid ({@code cause} is an
 * {@link IllegalArgumentException}, e.g. a token already held by a session written elsewhere).
 *
 * @param cause    the last failure seen
 * @param sessions the session writes that were not written
 * @param attempts how many times the write was tried
 * @param retained true if the writes stay queued and will be tried again (write-behind, transient
 *                 failure); false if they were handed back (group commit callers, rejected
 *                 records, or the final drain of {@code close()}) and the buffer no longer holds them
 */
public record FlushFailure(Throwable cause, List<StoredSession> sessions, int attempts, boolean retained) {

    public FlushFailure {
        if (cause == null) {
            throw new IllegalArgumentException("cause is required (was null)");
        }
        sessions = List.copyOf(sessions);
    }

    /** Counts only: never lists the sessions, which hold tokens. */
    @Override
    public String toString() {
        return "FlushFailure[sessions=" + sessions.size() + ", attempts=" + attempts + ", retained=" + retained
                + ", cause=" + cause.getClass().getName() + "]";
    }
}
