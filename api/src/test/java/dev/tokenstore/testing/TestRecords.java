package dev.tokenstore.testing;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.UserInfo;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Valid test records with random 256-bit tokens, timed by the given clock; every record is fresh. */
public final class TestRecords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Clock clock;

    /** Records timed by {@code clock}. */
    public TestRecords(Clock clock) {
        this.clock = clock;
    }

    /** A random URL-safe 256-bit token. */
    public static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The clock's current instant. */
    public Instant now() {
        return clock.instant();
    }

    /** A state with every optional field set, expiring after {@code ttl}. */
    public StateRecord state(Duration ttl) {
        return new StateRecord("st-" + token(), "client-1", "https://app.example/cb", "chal-" + token(), "S256",
                "verifier-" + token(), "cs-" + token(), List.of("openid", "profile"), now().plus(ttl), now());
    }

    /** An authorization code expiring after {@code ttl}. */
    public AuthCodeRecord code(Duration ttl) {
        return new AuthCodeRecord("code-" + token(), "sid-" + token(), "client-1", "https://app.example/cb",
                "chal-" + token(), "S256", List.of("openid"), now().plus(ttl), now());
    }

    /**
     * A user whose raw profile holds every JSON shape a provider sends: int, long beyond int, double,
     * boolean, nested object, array and an explicit null.
     */
    public UserInfo user(String userId) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("login", userId);
        profile.put("id", 12345);
        profile.put("big", 12345678901L);
        profile.put("ratio", 0.5);
        profile.put("admin", false);
        profile.put("plan", Map.of("name", "pro", "seats", 3));
        profile.put("orgs", List.of("a", "b"));
        profile.put("bio", null);
        return new UserInfo("github", userId, userId + "-name", userId + "@example.com", "Ada " + userId,
                "https://avatars.example/" + userId, profile, List.of("read:user"), List.of("admin"));
    }

    /** A session of {@code userId}: access live for an hour, refresh for 30 days. */
    public StoredSession session(String userId) {
        return session("sid-" + token(), userId, Duration.ofHours(1), Duration.ofDays(30));
    }

    /** A session with the given id and lifetimes; no refresh token when {@code refreshTtl} is null. */
    public StoredSession session(String sessionId, String userId, Duration accessTtl, Duration refreshTtl) {
        Instant now = now();
        return new StoredSession(sessionId, "github", user(userId), "at-" + token(),
                refreshTtl == null ? null : "rt-" + token(), "gho_" + token(), "ghr_" + token(),
                now.plus(Duration.ofHours(8)), now.plus(accessTtl), refreshTtl == null ? null : now.plus(refreshTtl),
                now, now);
    }

    /** The same session id and user with new tokens. */
    public StoredSession rotated(StoredSession s) {
        return withTokens(s, "at-" + token(), s.refreshToken() == null ? null : "rt-" + token());
    }

    /** {@code s} with the given tokens (a refresh token lives a day past the access expiry). */
    public static StoredSession withTokens(StoredSession s, String accessToken, String refreshToken) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), accessToken, refreshToken,
                s.providerAccessToken(), s.providerRefreshToken(), s.providerExpiresAt(), s.accessExpiresAt(),
                refreshToken == null ? null : s.accessExpiresAt().plus(Duration.ofDays(1)), s.issuedAt(),
                s.createdAt());
    }

    /** A confidential client with a random secret. */
    public ClientRecord client(String clientId) {
        return new ClientRecord(clientId, "secret-" + token(), "client_secret_basic",
                List.of("https://app.example/cb"), List.of("authorization_code", "refresh_token"), List.of("code"),
                "openid profile", "App " + clientId, now());
    }
}
