package dev.tokenstore.tck;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.UserInfo;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Realistic records for tests: random 256-bit tokens like real ones, times taken from the kit's
 * clock. Every record is new and unique unless a method says otherwise.
 */
public final class TestData {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Clock clock;

    public TestData(Clock clock) {
        this.clock = clock;
    }

    /** A random URL-safe token of 32 bytes (43 characters), like an opaque OAuth token. */
    public static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public Instant now() {
        return clock.instant();
    }

    /** A state valid for 10 minutes. */
    public StateRecord state() {
        return state(token(), Duration.ofMinutes(10));
    }

    public StateRecord state(String value, Duration ttl) {
        Instant now = now();
        return new StateRecord(value, "client-1", "https://app.example/callback", "challenge-" + token(), "S256",
                "verifier-" + token(), "client-state-" + token(), List.of("openid", "profile"), now.plus(ttl), now);
    }

    /** An authorization code valid for 1 minute. */
    public AuthCodeRecord authCode() {
        return authCode(token(), Duration.ofMinutes(1));
    }

    public AuthCodeRecord authCode(String code, Duration ttl) {
        Instant now = now();
        return new AuthCodeRecord(code, "session-" + token(), "client-1", "https://app.example/callback",
                "challenge-" + token(), "S256", List.of("openid"), now.plus(ttl), now);
    }

    public UserInfo user(String userId) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("login", userId);
        profile.put("id", 12345);
        profile.put("site_admin", false);
        profile.put("plan", Map.of("name", "pro", "seats", 3));
        profile.put("orgs", List.of("a", "b"));
        profile.put("bio", null);
        return new UserInfo("github", userId, userId + "-name", userId + "@example.com", "Ada " + userId,
                "https://avatars.example/" + userId, profile, List.of("read:user"), List.of("admin"));
    }

    /** A session of a new random user: access token live 1 hour, refresh token 30 days. */
    public StoredSession session() {
        return session("user-" + token().substring(0, 12));
    }

    /** A session of {@code userId}: access token live 1 hour, refresh token 30 days. */
    public StoredSession session(String userId) {
        return session("sid-" + token(), userId, Duration.ofHours(1), Duration.ofDays(30));
    }

    /** A session with the given lifetimes (a null refresh lifetime means no refresh token). */
    public StoredSession session(String sessionId, String userId, Duration accessTtl, Duration refreshTtl) {
        Instant now = now();
        return new StoredSession(sessionId, "github", user(userId), "at-" + token(),
                refreshTtl == null ? null : "rt-" + token(), "gho_" + token(), "ghr_" + token(),
                now.plus(Duration.ofHours(8)), now.plus(accessTtl), refreshTtl == null ? null : now.plus(refreshTtl),
                now, now);
    }

    /** The same session with fresh access and refresh tokens (a token refresh). */
    public StoredSession rotated(StoredSession s) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), "at-" + token(),
                s.refreshToken() == null ? null : "rt-" + token(), s.providerAccessToken(), s.providerRefreshToken(),
                s.providerExpiresAt(), s.accessExpiresAt(), s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
    }

    /** A confidential client with a random secret. */
    public ClientRecord client(String clientId) {
        return new ClientRecord(clientId, "secret-" + token(), "client_secret_basic",
                List.of("https://app.example/callback", "https://app.example/cb2"),
                List.of("authorization_code", "refresh_token"), List.of("code"), "openid profile",
                "App " + clientId, now());
    }
}
