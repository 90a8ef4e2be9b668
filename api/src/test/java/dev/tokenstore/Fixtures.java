package dev.tokenstore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Valid records for the api tests. */
final class Fixtures {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private Fixtures() {
    }

    static StateRecord state(String value, Duration ttl) {
        return new StateRecord(value, "client", "https://app/cb", "chal", "S256", "verifier", "cs",
                List.of("openid"), NOW.plus(ttl), NOW);
    }

    static AuthCodeRecord code(String value, Duration ttl) {
        return new AuthCodeRecord(value, "sid", "client", "https://app/cb", "chal", "S256", List.of("openid"),
                NOW.plus(ttl), NOW);
    }

    static StoredSession session(String id, String user, String access, String refresh) {
        return new StoredSession(id, "github", new UserInfo("github", user, "u", "u@example.com", "U", null,
                Map.of("k", "v"), List.of(), List.of()), access, refresh, "pat", "prt", null,
                NOW.plus(Duration.ofHours(1)), refresh == null ? null : NOW.plus(Duration.ofDays(1)), null, NOW);
    }

    static ClientRecord client(String id) {
        return new ClientRecord(id, "s3cret", "client_secret_basic", List.of("https://app/cb"),
                List.of("authorization_code"), List.of("code"), "openid", "App", NOW);
    }
}
