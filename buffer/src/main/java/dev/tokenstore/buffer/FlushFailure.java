package dev.tokenstore.buffer;

import dev.tokenstore.Arguments;
import dev.tokenstore.StoredSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Session writes a flush could not write, as handed to {@code onFlushError}. The buffer no longer
 * holds them: in write-behind the next {@code flush()} or {@code close()} hands them back again in a
 * {@link BufferFlushException}, in group commit their callers get one. Either the delegate refused
 * the records themselves ({@link #refused()}: an {@link IllegalArgumentException}, or a
 * {@link dev.tokenstore.TokenStoreException} of kind {@code REFUSED} such as SQLState 22001), or
 * the write kept failing until {@code maxRetries}.
 *
 * @param cause    the last failure seen (for a refusal, the refusal of the first of these records)
 * @param sessions the session writes that were not written (they hold tokens: never log them)
 * @param attempts how many times the batch was tried
 * @param refused  true if the delegate refused these records (retrying cannot help); false if
 *                 they were set aside after failing {@code maxRetries + 1} times
 */
public record FlushFailure(Throwable cause, List<StoredSession> sessions, int attempts, boolean refused) {

    public FlushFailure {
        Arguments.requireNonNull(cause, "cause");
        sessions = List.copyOf(sessions);
    }

    /** The ids of {@link #sessions()}: how failures are reported (never by token). */
    public List<String> sessionIds() {
        List<String> ids = new ArrayList<>(sessions.size());
        sessions.forEach(s -> ids.add(s.sessionId()));
        return ids;
    }

    /** Counts only: never lists the sessions, which hold tokens. */
    @Override
    public String toString() {
        return "FlushFailure[sessions=" + sessions.size() + ", attempts=" + attempts + ", refused=" + refused
                + ", cause=" + cause.getClass().getName() + "]";
    }
}
