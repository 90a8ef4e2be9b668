package dev.tokenstore.buffer;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Revocations of a {@link BufferedTokenStore}: they drop the queued writes of the sessions they hit
 * and go to the delegate at once, inside the buffer's exclusive section
 * ({@link CommitGate#writeThrough}), so a batch committing at the same time can never bring a
 * revoked session back. Each session is counted once, queued or persisted.
 */
final class Revocations {
    private final CommitGate gate;
    private final TokenStore delegate;

    Revocations(CommitGate gate, TokenStore delegate) {
        this.gate = gate;
        this.delegate = delegate;
    }

    /** Deletes the session now, queued write included. */
    boolean revokeById(String sessionId) {
        return gate.writeThrough(held -> {
            boolean wasPending = held.cancel(sessionId);
            boolean persisted = delegate.deleteSessionById(sessionId);
            return wasPending || persisted;
        });
    }

    /**
     * Revokes the session holding the access token now, in the queue and in the delegate: a queued
     * write holding the token is dropped, and whatever the delegate holds under the token is revoked,
     * even when that session has a queued replacement that no longer holds it (the replacement is
     * dropped too; if it is refused later, the token still stays revoked).
     *
     * @return true if a session held the token, in the queue or in the delegate
     */
    boolean revokeByAccessToken(String accessToken, String hash) {
        return gate.writeThrough(held -> {
            boolean revoked = false;
            String pendingId = held.holderOfAccessHash(hash);
            if (pendingId != null) {
                held.cancel(pendingId);
                delegate.deleteSessionById(pendingId);
                revoked = true;
            }
            if (held.any()) {
                Optional<StoredSession> holder = delegate.loadSessionByAccessToken(accessToken);
                holder.ifPresent(h -> held.cancel(h.sessionId()));
            }
            return delegate.deleteSessionByAccessToken(accessToken) | revoked;
        });
    }

    /** Revokes every session of the user now; each counted once, queued or persisted. */
    int revokeUser(String userId) {
        return gate.writeThrough(held -> {
            List<String> ids = held.cancelMatching(w -> w.session.userId().equals(userId));
            for (String id : ids) {
                delegate.deleteSessionById(id);
            }
            return ids.size() + delegate.deleteSessionsByUser(userId);
        });
    }

    /** Revokes the sessions holding these access-token hashes now: queued ones here, the rest in one bulk delete. */
    int revokeByAccessHashes(Set<String> hashes, BulkSessionStore bulk) {
        return gate.writeThrough(held -> {
            Set<String> pendingHashes = new HashSet<>();
            List<String> ids = held.cancelMatching(w -> hashes.contains(w.accessHash) && pendingHashes.add(w.accessHash));
            for (String id : ids) {
                delegate.deleteSessionById(id);
            }
            List<String> rest = new ArrayList<>(hashes.size());
            for (String hash : hashes) {
                if (!pendingHashes.contains(hash)) {
                    rest.add(hash);
                }
            }
            return ids.size() + (rest.isEmpty() ? 0 : bulk.bulkDeleteSessionsByHash(rest));
        });
    }
}
