package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes that were let go (refused by the delegate, set aside after {@code maxRetries}, or still
 * unwritten when {@code close(timeout)} ran out) and not yet handed back through {@code flush()} or
 * {@code close()}. One entry per session (the latest). Not thread-safe: {@link WriteBuffer} guards it.
 */
final class FailureLedger {
    private final Map<String, StoredSession> unreported = new LinkedHashMap<>();
    private Throwable lastCause;

    void add(List<StoredSession> sessions, Throwable cause) {
        sessions.forEach(s -> unreported.put(s.sessionId(), s));
        lastCause = cause;
    }

    boolean isEmpty() {
        return unreported.isEmpty();
    }

    /** Everything recorded, as one exception (null if nothing), and forgets it. */
    BufferFlushException takeAll(String message) {
        if (unreported.isEmpty()) {
            return null;
        }
        BufferFlushException e = new BufferFlushException(message, lastCause, List.copyOf(unreported.values()));
        unreported.clear();
        lastCause = null;
        return e;
    }
}
