package dev.tokenstore;

/**
 * How many expired records {@link TokenStore#cleanupExpired()} removed, by kind.
 *
 * @param states     expired one-time states removed
 * @param authCodes  expired authorization codes removed
 * @param sessions   sessions removed because neither their access nor their refresh token can
 *                   be used any more
 */
public record CleanupResult(int states, int authCodes, int sessions) {
    /** Nothing removed. */
    public static final CleanupResult NONE = new CleanupResult(0, 0, 0);

    public CleanupResult {
        if (states < 0 || authCodes < 0 || sessions < 0) {
            throw new IllegalArgumentException("cleanup counts must not be negative");
        }
    }

    /** All records removed. */
    public int total() {
        return states + authCodes + sessions;
    }

    /** The element-wise sum, for stores that clean up in chunks. */
    public CleanupResult plus(CleanupResult other) {
        return new CleanupResult(states + other.states, authCodes + other.authCodes, sessions + other.sessions);
    }
}
