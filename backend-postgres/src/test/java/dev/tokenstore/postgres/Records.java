package dev.tokenstore.postgres;

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

/** Test records with random 256-bit tokens and times from the test clock. */
final class Records {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Clock clock;

    Records(Clock clock) {
        this.clock = clock;
    }

    static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    Instant now() {
        return clock.instant();
    }

    StateRecord state(Duration ttl) {
        return new StateRecord("st-" + token(), "client-1", "https://app.example/cb", "chal-" + token(), "S256",
                "verifier-" + token(), "cs-" + token(), List.of("openid", "profile"), now().plus(ttl), now());
    }

    AuthCodeRecord code(Duration ttl) {
        return new AuthCodeRecord("code-" + token(), "sid-" + token(), "client-1", "https://app.example/cb",
                "chal-" + token(), "S256", List.of("openid"), now().plus(ttl), now());
    }

    UserInfo user(String userId) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("login", userId);
        profile.put("id", 12345);
        profile.put("plan", Map.of("name", "pro", "seats", 3));
        profile.put("bio", null);
        return new UserInfo("github", userId, userId + "-name", userId + "@example.com", "Ada " + userId,
                "https://avatars.example/" + userId, profile, List.of("read:user"), List.of("admin"));
    }

    StoredSession session(String userId) {
        return session("sid-" + token(), userId, Duration.ofHours(1), Duration.ofDays(30));
    }

    StoredSession session(String sessionId, String userId, Duration accessTtl, Duration refreshTtl) {
        Instant now = now();
        return new StoredSession(sessionId, "github", user(userId), "at-" + token(),
                refreshTtl == null ? null : "rt-" + token(), "gho_" + token(), "ghr_" + token(),
                now.plus(Duration.ofHours(8)), now.plus(accessTtl), refreshTtl == null ? null : now.plus(refreshTtl),
                now, now);
    }

    /** The same session with new tokens. */
    StoredSession rotated(StoredSession s) {
        return withTokens(s, "at-" + token(), s.refreshToken() == null ? null : "rt-" + token());
    }

    static StoredSession withTokens(StoredSession s, String accessToken, String refreshToken) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), accessToken, refreshToken,
                s.providerAccessToken(), s.providerRefreshToken(), s.providerExpiresAt(), s.accessExpiresAt(),
                refreshToken == null ? null : s.accessExpiresAt().plus(Duration.ofDays(1)), s.issuedAt(), s.createdAt());
    }

    ClientRecord client(String clientId) {
        return new ClientRecord(clientId, "secret-" + token(), "client_secret_basic",
                List.of("https://app.example/cb"), List.of("authorization_code", "refresh_token"), List.of("code"),
                "openid profile", "App " + clientId, now());
    }
}
