package dev.tokenstore.cache;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The identifiers a write (or a whole transaction) through this cache touched, collected as a
 * {@link ChangeEvent} — the same shape the delegate's change feed delivers for writes of other
 * instances — so local and remote writes invalidate alike. Thread-safe.
 */
final class Changes {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private final ChangeEvent.Builder event = ChangeEvent.builder();

    /** A session was stored (or replaced): its id, and every key it is now reachable by. */
    Changes sessionStored(StoredSession session) {
        event.sessionStored(session);
        return this;
    }

    Changes sessionDeleted(String sessionId) {
        event.sessionRemoved(sessionId);
        return this;
    }

    Changes accessTokenDeleted(String accessToken) {
        if (accessToken != null) {
            event.tokenHash(TokenHash.sha256Hex(accessToken));
        }
        return this;
    }

    /** A deleted access-token hash; anything but 64 hex digits cannot name a session and is ignored. */
    Changes accessHashDeleted(String accessTokenHash) {
        if (accessTokenHash != null && HEX64.matcher(accessTokenHash).matches()) {
            event.tokenHash(accessTokenHash.toLowerCase(Locale.ROOT));
        }
        return this;
    }

    /** A refresh token (by hash) was retired or presented to a rotation. */
    Changes tokenHash(String tokenHash) {
        event.tokenHash(tokenHash);
        return this;
    }

    Changes userDeleted(String userId) {
        event.userRevoked(userId);
        return this;
    }

    Changes clientChanged(String clientId) {
        event.clientChanged(clientId);
        return this;
    }

    /** What was collected. */
    ChangeEvent event() {
        return event.build();
    }
}
