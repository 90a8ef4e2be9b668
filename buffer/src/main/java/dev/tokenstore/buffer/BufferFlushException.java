package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * Session writes that a {@link BufferedTokenStore} could not write, handed back to the caller
 * instead of being dropped: thrown by {@code flush()}, {@code close()} and, in
 * {@link AckMode#GROUP_COMMIT}, by {@code storeSession}. The message gives only counts; the
 * original failure (the last one seen) is the cause; {@link #unwrittenSessionIds()} says which.
 */
public class BufferFlushException extends TokenStoreException {
    private static final long serialVersionUID = 1L;

    private final transient List<StoredSession> unwrittenSessions;

    public BufferFlushException(String message, Throwable cause, List<StoredSession> unwrittenSessions) {
        super(message + " (" + unwrittenSessions.size() + " session write(s) not written)", cause);
        this.unwrittenSessions = List.copyOf(unwrittenSessions);
    }

    /**
     * The sessions that were not written (the latest write of each). The buffer no longer holds
     * them; write them again (or elsewhere) to keep them.
     */
    public List<StoredSession> unwrittenSessions() {
        return unwrittenSessions;
    }

    /** The ids of {@link #unwrittenSessions()}, in the same order. */
    public List<String> unwrittenSessionIds() {
        List<String> ids = new ArrayList<>(unwrittenSessions.size());
        unwrittenSessions.forEach(s -> ids.add(s.sessionId()));
        return ids;
    }
}
