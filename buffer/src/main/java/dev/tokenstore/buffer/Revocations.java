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
 * ({@link WriteBuffer#writeThrough}), so a batch committing at the same time can never bring a
 * revoked session back. Each session is counted once, queued or persisted.
 */
final class Revocations {
    private final WriteBuffer buffer;
    private final TokenStore delegate;

    Revocations(WriteBuffer buffer, TokenStore delegate) {
        this.buffer = buffer;
        this.delegate = delegate;
    }

    /** Deletes the session now, queued write included. */
    boolean revokeById(String sessionId) {
        return buffer.writeThrough(() -> {
            boolean wasPending = buffer.cancelPending(sessionId);
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
        return buffer.writeThrough(() -> {
            boolean revoked = false;
            String pendingId = buffer.pendingHolderOfAccessHash(hash);
            if (pendingId != null) {
                buffer.cancelPending(pendingId);
                delegate.deleteSessionById(pendingId);
                revoked = true;
            }
            if (buffer.hasPending()) {
                Optional<StoredSession> holder = delegate.loadSessionByAccessToken(accessToken);
                holder.ifPresent(h -> buffer.cancelPending(h.sessionId()));
            }
            return delegate.deleteSessionByAccessToken(accessToken) | revoked;
        });
    }

    /** Revokes every session of the user now; each counted once, queued or persisted. */
    int revokeUser(String userId) {
        return buffer.writeThrough(() -> {
            List<String> ids = buffer.cancelMatching(w -> w.session.userId().equals(userId));
            for (String id : ids) {
                delegate.deleteSessionById(id);
            }
            return ids.size() + delegate.deleteSessionsByUser(userId);
        });
    }

    /** Revokes the sessions holding these access-token hashes now: queued ones here, the rest in one bulk delete. */
    int revokeByAccessHashes(Set<String> hashes, BulkSessionStore bulk) {
        return buffer.writeThrough(() -> {
            Set<String> pendingHashes = new HashSet<>();
            List<String> ids = buffer.cancelMatching(w -> hashes.contains(w.accessHash) && pendingHashes.add(w.accessHash));
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
