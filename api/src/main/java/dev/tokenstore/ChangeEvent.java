package dev.tokenstore;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one committed write (or one batch, or one transaction) changed, as a {@link ChangeFeed}
 * delivers it. Sessions and users are named by {@link #keyOf(String) the SHA-256 of their ids},
 * tokens by {@link TokenHash#sha256Hex(String) their SHA-256}, clients by their id (public in
 * OAuth). A consumer treats every key of a named session as changed: the event names the
 * session's id and the tokens it holds now, or the id or token hash the write named when it
 * deleted. A {@link #isReset() reset} names nothing and means "anything may have changed".
 *
 * @param reset           true if changes may have been missed
 * @param sessionIdHashes {@link #keyOf} of every session id stored, replaced or removed
 * @param tokenHashes     SHA-256 hex of access and refresh tokens made or unmade
 * @param userIdHashes    {@link #keyOf} of every user whose sessions were all revoked
 * @param clientIds       ids of clients stored, replaced or deleted
 */
public record ChangeEvent(boolean reset, Set<String> sessionIdHashes, Set<String> tokenHashes,
                          Set<String> userIdHashes, Set<String> clientIds) {

    /** The event that says "anything may have changed". */
    public static final ChangeEvent RESET = new ChangeEvent(true, Set.of(), Set.of(), Set.of(), Set.of());

    public ChangeEvent {
        sessionIdHashes = Set.copyOf(Checks.requireNonNull(sessionIdHashes, "sessionIdHashes"));
        tokenHashes = Set.copyOf(Checks.requireNonNull(tokenHashes, "tokenHashes"));
        userIdHashes = Set.copyOf(Checks.requireNonNull(userIdHashes, "userIdHashes"));
        clientIds = Set.copyOf(Checks.requireNonNull(clientIds, "clientIds"));
    }

    /** The key events name a session id or user id by: its SHA-256 as 64 lower-case hex digits. */
    public static String keyOf(String id) {
        return TokenHash.sha256Hex(Checks.requireNonNull(id, "id"));
    }

    /** True if this is a reset. */
    public boolean isReset() {
        return reset;
    }

    /** True if the event names nothing and is no reset. */
    public boolean isEmpty() {
        return !reset && sessionIdHashes.isEmpty() && tokenHashes.isEmpty() && userIdHashes.isEmpty()
                && clientIds.isEmpty();
    }

    /** An empty builder, for stores and wrappers that collect what a write touched. */
    public static Builder builder() {
        return new Builder();
    }

    /** Counts only: the hashes are not secret, but nobody needs them in a log. */
    @Override
    public String toString() {
        return reset ? "ChangeEvent[reset]" : "ChangeEvent[sessions=" + sessionIdHashes.size() + ", tokens="
                + tokenHashes.size() + ", users=" + userIdHashes.size() + ", clients=" + clientIds.size() + "]";
    }

    /** Collects what writes touched into one {@link ChangeEvent}. Thread-safe; null arguments are ignored. */
    public static final class Builder {
        private final Set<String> sessions = new LinkedHashSet<>();
        private final Set<String> tokens = new LinkedHashSet<>();
        private final Set<String> users = new LinkedHashSet<>();
        private final Set<String> clients = new LinkedHashSet<>();

        private Builder() {
        }

        /** A session was stored or replaced: its id and the tokens it holds now. */
        public synchronized Builder sessionStored(StoredSession session) {
            if (session != null) {
                sessions.add(keyOf(session.sessionId()));
                tokens.add(session.accessTokenHash());
                if (session.refreshToken() != null) {
                    tokens.add(session.refreshTokenHash());
                }
            }
            return this;
        }

        /** A session was removed (or replaced) by id. */
        public synchronized Builder sessionRemoved(String sessionId) {
            if (sessionId != null) {
                sessions.add(keyOf(sessionId));
            }
            return this;
        }

        /** A token (by its SHA-256 hex) stopped or started naming a session. */
        public synchronized Builder tokenHash(String tokenHash) {
            if (tokenHash != null) {
                tokens.add(tokenHash);
            }
            return this;
        }

        /** Every session of this user was revoked. */
        public synchronized Builder userRevoked(String userId) {
            if (userId != null) {
                users.add(keyOf(userId));
            }
            return this;
        }

        /** A client was stored, replaced or deleted. */
        public synchronized Builder clientChanged(String clientId) {
            if (clientId != null) {
                clients.add(clientId);
            }
            return this;
        }

        /** Adds everything another event names (not its reset flag). */
        public synchronized Builder addAll(ChangeEvent other) {
            sessions.addAll(other.sessionIdHashes());
            tokens.addAll(other.tokenHashes());
            users.addAll(other.userIdHashes());
            clients.addAll(other.clientIds());
            return this;
        }

        /** The event collected so far. */
        public synchronized ChangeEvent build() {
            return new ChangeEvent(false, sessions, tokens, users, clients);
        }
    }
}
