package dev.tokenstore.cache;

import dev.tokenstore.StoredSession;
import java.util.Optional;

/**
 * One cached answer to a session lookup: the session (or null for "not found"), when the entry
 * stops being usable (ticker nanos: {@code min(path expiry, now + ttlCap) - skew}, so never past
 * the record's expiry for that path), and the stripes and versions of the identifiers it was
 * loaded under (see {@link SessionVersions}). Checking it touches only this object and the stripe
 * arrays, not the session.
 */
final class SessionEntry {
    /** The session, or null for a cached miss. */
    final StoredSession session;
    /** What a hit returns: {@code Optional.ofNullable(session)}, made once at load, not per hit. */
    final Optional<StoredSession> answer;
    final long deadline;
    // Positives: stripes of session id, access-token hash and user id. Negatives: the missed key's stripe in a.
    private final int stripeA;
    private final int stripeB;
    private final int stripeC;
    private final int versionA;
    private final int versionB;
    private final int versionC;

    private SessionEntry(StoredSession session, long deadline, int stripeA, int stripeB, int stripeC,
                         int versionA, int versionB, int versionC) {
        this.session = session;
        this.answer = Optional.ofNullable(session);
        this.deadline = deadline;
        this.stripeA = stripeA;
        this.stripeB = stripeB;
        this.stripeC = stripeC;
        this.versionA = versionA;
        this.versionB = versionB;
        this.versionC = versionC;
    }

    /** A found session; {@code accessHash} is the identity hash of its access-token hash. */
    static SessionEntry found(StoredSession session, long deadline, int accessHash, SessionVersions v) {
        int a = v.sessions.index(Stripes.hashOfId(session.sessionId()));
        int b = v.tokens.index(accessHash);
        int c = v.users.index(Stripes.hashOfId(session.userId()));
        return new SessionEntry(session, deadline, a, b, c, v.sessions.version(a), v.tokens.version(b), v.users.version(c));
    }

    /** A cached miss of the key with this identity hash. */
    static SessionEntry missing(long deadline, int keyHash, SessionVersions v) {
        int a = v.negatives.index(keyHash);
        return new SessionEntry(null, deadline, a, 0, 0, v.negatives.version(a), 0, 0);
    }

    /** True while no write through the cache has touched what this entry was loaded under. */
    boolean isCurrent(SessionVersions v) {
        if (session == null) {
            return v.negatives.version(stripeA) == versionA;
        }
        return v.sessions.version(stripeA) == versionA
                && v.tokens.version(stripeB) == versionB
                && v.users.version(stripeC) == versionC;
    }

    @Override
    public String toString() {
        return session == null ? "SessionEntry[missing]" : "SessionEntry[" + session + "]";
    }
}
