package dev.tokenstore.cache;

import dev.tokenstore.StoredSession;

/**
 * One cached answer to a session lookup: the session (or null for "not found"), when the entry
 * stops being usable (ticker nanos, already capped by the record's expiry, ttlCap and skew), and
 * the identifier versions it was loaded under (see {@link SessionVersions}).
 */
final class SessionEntry {
    /** The session, or null for a cached miss. */
    final StoredSession session;
    final long deadline;
    /** Stripe of the session's access-token hash in {@link SessionVersions#tokens} (positives). */
    final int tokenStripe;
    /** Positives: version of the session id; negatives: version of the missed key. */
    final int sessionVersion;
    final int tokenVersion;
    final int userVersion;

    private SessionEntry(StoredSession session, long deadline, int tokenStripe, int sessionVersion,
                         int tokenVersion, int userVersion) {
        this.session = session;
        this.deadline = deadline;
        this.tokenStripe = tokenStripe;
        this.sessionVersion = sessionVersion;
        this.tokenVersion = tokenVersion;
        this.userVersion = userVersion;
    }

    static SessionEntry found(StoredSession session, long deadline, String accessHash, SessionVersions versions) {
        int stripe = versions.tokens.index(accessHash);
        return new SessionEntry(session, deadline, stripe, versions.sessions.versionOf(session.sessionId()),
                versions.tokens.version(stripe), versions.users.versionOf(session.userId()));
    }

    static SessionEntry missing(long deadline, String key, SessionVersions versions) {
        return new SessionEntry(null, deadline, 0, versions.negatives.versionOf(key), 0, 0);
    }

    /** True while no write through the cache has touched what this entry was loaded under. */
    boolean isCurrent(String key, SessionVersions versions) {
        if (session == null) {
            return versions.negatives.versionOf(key) == sessionVersion;
        }
        return versions.sessions.versionOf(session.sessionId()) == sessionVersion
                && versions.tokens.version(tokenStripe) == tokenVersion
                && versions.users.versionOf(session.userId()) == userVersion;
    }

    @Override
    public String toString() {
        return session == null ? "SessionEntry[missing]" : "SessionEntry[" + session + "]";
    }
}
