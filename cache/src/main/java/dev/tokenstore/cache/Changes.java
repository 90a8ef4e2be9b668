package dev.tokenstore.cache;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The identifiers a write (or a whole transaction) touched, collected so the cache can
 * invalidate them once the write is done. Thread-safe.
 */
final class Changes {
    private static final java.util.regex.Pattern HEX64 = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");
    private final List<String> sessionIds = new ArrayList<>();
    private final List<String> accessHashes = new ArrayList<>();
    private final List<String> userIds = new ArrayList<>();
    private final List<String> reachableIds = new ArrayList<>();
    private final List<String> reachableHashes = new ArrayList<>();
    private final List<String> clientIds = new ArrayList<>();

    /** A session was stored (or replaced): its id, and every key it is now reachable by. */
    synchronized Changes sessionStored(StoredSession session) {
        if (session != null) {
            sessionIds.add(session.sessionId());
            reachableIds.add(session.sessionId());
            reachableHashes.add(session.accessTokenHash());
            if (session.refreshToken() != null) {
                reachableHashes.add(session.refreshTokenHash());
            }
        }
        return this;
    }

    synchronized Changes sessionDeleted(String sessionId) {
        if (sessionId != null) {
            sessionIds.add(sessionId);
        }
        return this;
    }

    synchronized Changes accessTokenDeleted(String accessToken) {
        if (accessToken != null) {
            accessHashes.add(TokenHash.sha256Hex(accessToken));
        }
        return this;
    }

    /** A deleted access-token hash; anything but 64 hex digits cannot name a session and is ignored. */
    synchronized Changes accessHashDeleted(String accessTokenHash) {
        if (accessTokenHash != null && HEX64.matcher(accessTokenHash).matches()) {
            accessHashes.add(accessTokenHash.toLowerCase(Locale.ROOT));
        }
        return this;
    }

    synchronized Changes userDeleted(String userId) {
        if (userId != null) {
            userIds.add(userId);
        }
        return this;
    }

    synchronized Changes clientChanged(String clientId) {
        if (clientId != null) {
            clientIds.add(clientId);
        }
        return this;
    }

    synchronized boolean isEmptyForSessions() {
        return sessionIds.isEmpty() && accessHashes.isEmpty() && userIds.isEmpty() && reachableIds.isEmpty()
                && reachableHashes.isEmpty();
    }

    synchronized List<String> sessionIds() {
        return List.copyOf(sessionIds);
    }

    synchronized List<String> accessHashes() {
        return List.copyOf(accessHashes);
    }

    synchronized List<String> userIds() {
        return List.copyOf(userIds);
    }

    synchronized List<String> reachableIds() {
        return List.copyOf(reachableIds);
    }

    synchronized List<String> reachableHashes() {
        return List.copyOf(reachableHashes);
    }

    synchronized List<String> clientIds() {
        return List.copyOf(clientIds);
    }

    /** How many keys these changes invalidate (for the statistics). */
    synchronized int size() {
        return sessionIds.size() + accessHashes.size() + userIds.size() + clientIds.size();
    }
}
