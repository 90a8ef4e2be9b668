package dev.tokenstore.buffer;

import dev.tokenstore.StoredSession;
import dev.tokenstore.UserInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Sessions with unique tokens, timed by a clock. */
final class Sessions {
    private static final AtomicLong COUNTER = new AtomicLong();
    private final Clock clock;

    Sessions(Clock clock) {
        this.clock = clock;
    }

    StoredSession session(String id, String user) {
        return session(id, user, Duration.ofHours(1));
    }

    StoredSession session(String id, String user, Duration accessTtl) {
        long n = COUNTER.incrementAndGet();
        Instant now = clock.instant();
        return new StoredSession(id, "github", UserInfo.of("github", user), "at-" + n + "-" + id, "rt-" + n + "-" + id,
                null, null, null, now.plus(accessTtl), now.plus(Duration.ofDays(30)), now, now);
    }

    /** The same session with new tokens. */
    StoredSession rotated(StoredSession s) {
        long n = COUNTER.incrementAndGet();
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), "at-" + n + "-" + s.sessionId(),
                "rt-" + n + "-" + s.sessionId(), null, null, null, s.accessExpiresAt(), s.refreshExpiresAt(),
                s.issuedAt(), s.createdAt());
    }

    /** A session of {@code user} with exactly these tokens. */
    StoredSession withTokens(String id, String user, String accessToken, String refreshToken) {
        Instant now = clock.instant();
        return new StoredSession(id, "github", UserInfo.of("github", user), accessToken, refreshToken, null, null, null,
                now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), now, now);
    }
}
