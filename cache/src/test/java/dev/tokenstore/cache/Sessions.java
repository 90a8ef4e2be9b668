package dev.tokenstore.cache;

import dev.tokenstore.ClientRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.UserInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Test records made against a clock. */
final class Sessions {
    private Sessions() {
    }

    static String token() {
        return UUID.randomUUID() + "-" + UUID.randomUUID();
    }

    static StoredSession session(Clock clock, String userId) {
        Instant now = clock.instant();
        return new StoredSession("sid-" + token(), "github", UserInfo.of("github", userId), "at-" + token(),
                "rt-" + token(), null, null, null, now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), now, now);
    }

    static StoredSession rotated(StoredSession s) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), "at-" + token(), "rt-" + token(), null, null,
                null, s.accessExpiresAt(), s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
    }

    static ClientRecord client(Clock clock, String clientId, String name) {
        return new ClientRecord(clientId, null, "none", List.of("https://app.example/cb"), List.of("authorization_code"),
                List.of("code"), "openid", name, clock.instant());
    }
}
