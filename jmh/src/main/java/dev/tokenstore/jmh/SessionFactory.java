package dev.tokenstore.jmh;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.UserInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes realistic records for the benchmarks: random 256-bit URL-safe tokens (43 characters, like
 * real opaque OAuth tokens), a GitHub-like user profile per session, access tokens live for an
 * hour and refresh tokens for 30 days. Seeded, so a run is repeatable; not thread-safe (give each
 * thread its own, with its own seed).
 */
final class SessionFactory {
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private final SplittableRandom random;

    SessionFactory(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A random URL-safe token of 32 bytes. */
    String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return BASE64.encodeToString(bytes);
    }

    /** A new live session of a new user (access token 1 hour, refresh token 30 days from {@code now}). */
    StoredSession session(Instant now) {
        return session(now, Duration.ofHours(1), Duration.ofDays(30));
    }

    /**
     * A new session created one day before {@code now} whose access and refresh tokens both expired
     * an hour ago: what {@code cleanupExpired} removes.
     */
    StoredSession expiredSession(Instant now) {
        return session(now.minus(Duration.ofDays(1)), Duration.ofHours(1), Duration.ofHours(23));
    }

    /** The same session with fresh access and refresh tokens: what a refresh issues. */
    StoredSession rotated(StoredSession s) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), "at-" + token(), "rt-" + token(),
                s.providerAccessToken(), s.providerRefreshToken(), s.providerExpiresAt(), s.accessExpiresAt(),
                s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
    }

    /** {@code count} new live sessions. */
    List<StoredSession> sessions(Instant now, int count) {
        List<StoredSession> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(session(now));
        }
        return out;
    }

    private StoredSession session(Instant createdAt, Duration accessTtl, Duration refreshTtl) {
        String userId = "u" + Long.toUnsignedString(random.nextLong(), 36);
        return new StoredSession("sid-" + token(), "github", user(userId), "at-" + token(), "rt-" + token(),
                "gho_" + token(), "ghr_" + token(), createdAt.plus(Duration.ofHours(8)),
                createdAt.plus(accessTtl), createdAt.plus(refreshTtl), createdAt, createdAt);
    }

    private UserInfo user(String userId) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("login", userId);
        profile.put("id", random.nextInt(1, Integer.MAX_VALUE));
        profile.put("node_id", "MDQ6VXNlcj" + random.nextInt(1_000_000));
        profile.put("site_admin", false);
        profile.put("company", "Example Corp");
        profile.put("public_repos", random.nextInt(200));
        return new UserInfo("github", userId, userId, userId + "@users.example.com", "User " + userId,
                "https://avatars.example.com/u/" + userId, profile, List.of("read:user", "user:email"),
                List.of("sessions:read"));
    }

    /** A one-time state valid for 10 minutes. */
    StateRecord state(Instant now) {
        return new StateRecord(token(), "client-1", "https://app.example.com/callback", token(), "S256", token(),
                token(), List.of("openid", "profile"), now.plus(Duration.ofMinutes(10)), now);
    }

    /** An authorization code valid for 1 minute. */
    AuthCodeRecord authCode(Instant now) {
        return new AuthCodeRecord(token(), "sid-" + token(), "client-1", "https://app.example.com/callback", token(),
                "S256", List.of("openid"), now.plus(Duration.ofMinutes(1)), now);
    }
}
