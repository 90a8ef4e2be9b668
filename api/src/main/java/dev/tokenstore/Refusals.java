package dev.tokenstore;

/**
 * The failures a store raises when it refuses a write that would undo a revocation or a rotation:
 * {@link TokenStoreException.Kind#REFUSED}, naming the session only by fingerprint. Every backend
 * raises these, so callers (and the write buffer, which sets refused records aside and reports
 * them) see the same thing whatever the storage.
 */
public final class Refusals {
    private Refusals() {
    }

    /**
     * A write of a session that was revoked (by id, access token, user or reuse detection) while
     * the revocation's tombstone lasts.
     */
    public static TokenStoreException sessionRevoked(String sessionId) {
        return new TokenStoreException("session " + Redaction.fingerprint(sessionId) + " was revoked; a revoked "
                + "session is never stored again (until it would have expired anyway): issue a new session id",
                null, TokenStoreException.Kind.REFUSED, null, 0);
    }

    /** A write of a session carrying a refresh token that rotation or reuse detection retired. */
    public static TokenStoreException refreshTokenRetired(String sessionId, String field) {
        return new TokenStoreException(field + " of session " + Redaction.fingerprint(sessionId) + " was retired by "
                + "a rotation; a retired refresh token never becomes live again", null,
                TokenStoreException.Kind.REFUSED, null, 0);
    }
}
