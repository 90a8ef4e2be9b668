package dev.tokenstore;

/**
 * The outcome of {@link TokenStore#rotateSession(String, StoredSession)}: refresh-token rotation
 * with reuse detection (RFC 9700 §4.14.2).
 */
public sealed interface Rotation permits Rotation.Rotated, Rotation.Reused, Rotation.AlreadyRotated, Rotation.NotFound {

    /**
     * The presented token was the live refresh token of {@code previous}; the session now is
     * {@code next} and the presented token is retired.
     */
    record Rotated(StoredSession previous) implements Rotation {
        public Rotated {
            Checks.requireNonNull(previous, "previous");
        }
    }

    /**
     * The presented token is a retired refresh token of the session with this id: either the
     * client or an attacker holds a stolen token, so the store has revoked the session (deleted it
     * and retired its current refresh token). Alert or log it.
     */
    record Reused(String sessionId) implements Rotation {
        public Reused {
            Checks.requireText(sessionId, "sessionId");
        }

        @Override
        public String toString() {
            return "Reused[sessionId=" + Redaction.fingerprint(sessionId) + "]";
        }
    }

    /**
     * Only with a reuse grace window: the presented token was retired by the session's latest
     * rotation within the window, so it is answered with the session as it is now (a client
     * retrying a refresh whose response it lost). Nothing was written.
     */
    record AlreadyRotated(StoredSession current) implements Rotation {
        public AlreadyRotated {
            Checks.requireNonNull(current, "current");
        }
    }

    /** Unknown, expired, or {@code next} names another session: nothing was written. */
    record NotFound() implements Rotation {
    }

    /** The one {@link NotFound} value. */
    NotFound NOT_FOUND = new NotFound();

    /**
     * Checks the arguments of {@link TokenStore#rotateSession} as every store does: a non-blank
     * presented token, and a {@code next} session with a refresh token of its own that is not the
     * presented one.
     *
     * @return the presented token's SHA-256 hex
     * @throws IllegalArgumentException naming the bad argument
     */
    static String checkArguments(String presentedRefreshToken, StoredSession next) {
        Checks.requireText(presentedRefreshToken, "presentedRefreshToken");
        Checks.requireRotationSuccessor(presentedRefreshToken, next);
        return TokenHash.sha256Hex(presentedRefreshToken);
    }
}
