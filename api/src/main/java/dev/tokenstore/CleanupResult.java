package dev.tokenstore;

/**
 * How many expired records {@link TokenStore#cleanupExpired()} removed, by kind.
 *
 * @param states     expired one-time states removed
 * @param authCodes  expired authorization codes removed
 * @param sessions   sessions removed because neither their access nor their refresh token can
 *                   be used any more
 * @param retiredRefreshTokens retired refresh tokens (see {@link TokenStore#rotateSession}) forgotten
 *                   because they are past the expiry they had when they were live
 */
public record CleanupResult(int states, int authCodes, int sessions, int retiredRefreshTokens) {
    /** Nothing removed. */
    public static final CleanupResult NONE = new CleanupResult(0, 0, 0, 0);

    public CleanupResult {
        if (states < 0 || authCodes < 0 || sessions < 0 || retiredRefreshTokens < 0) {
            throw new IllegalArgumentException("cleanup counts must not be negative");
        }
    }

    /** Counts with no retired refresh tokens. */
    public CleanupResult(int states, int authCodes, int sessions) {
        this(states, authCodes, sessions, 0);
    }

    /** All records removed. */
    public int total() {
        return states + authCodes + sessions + retiredRefreshTokens;
    }

    /** The element-wise sum, for stores that clean up in chunks. */
    public CleanupResult plus(CleanupResult other) {
        return new CleanupResult(states + other.states, authCodes + other.authCodes, sessions + other.sessions,
                retiredRefreshTokens + other.retiredRefreshTokens);
    }
}
