package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import java.util.List;

/**
 * Session writes that a {@link BufferedTokenStore} could not write, handed back to the caller
 * instead of being dropped: thrown by {@code flush()}, {@code close()} and, in
 * {@link AckMode#GROUP_COMMIT}, by {@code storeSession}. The message gives only a count; the
 * original failure is the cause.
 */
public class BufferFlushException extends TokenStoreException {
    private static final long serialVersionUID = 1L;

    private final transient List<StoredSession> unwrittenSessions;

    public BufferFlushException(String message, Throwable cause, List<StoredSession> unwrittenSessions) {
        super(message + " (" + unwrittenSessions.size() + " session write(s) not written)", cause);
        this.unwrittenSessions = List.copyOf(unwrittenSessions);
    }

    /**
     * The sessions that were not written (the latest write of each). Whether the buffer still holds
     * them is said by the method that threw: see {@link BufferedTokenStore#flush()} and
     * {@link BufferedTokenStore#close()}.
     */
    public List<StoredSession> unwrittenSessions() {
        return unwrittenSessions;
    }
}
