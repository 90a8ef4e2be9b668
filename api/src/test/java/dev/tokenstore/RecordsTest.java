package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecordsTest {
    private static final Instant NOW = Fixtures.NOW;

    private static void assertRejected(String field, Runnable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
        assertTrue(e.getMessage().contains(field), () -> "message should name " + field + ": " + e.getMessage());
    }

    @Test
    @DisplayName("state: required fields are named when missing or blank")
    void stateValidation() {
        assertRejected("state", () -> new StateRecord(null, "c", "r", null, null, null, null, null, NOW, NOW));
        assertRejected("state", () -> new StateRecord("  ", "c", "r", null, null, null, null, null, NOW, NOW));
        assertRejected("clientId", () -> new StateRecord("s", "", "r", null, null, null, null, null, NOW, NOW));
        assertRejected("redirectUri", () -> new StateRecord("s", "c", null, null, null, null, null, null, NOW, NOW));
        assertRejected("expiresAt", () -> new StateRecord("s", "c", "r", null, null, null, null, null, null, NOW));
        assertRejected("createdAt", () -> new StateRecord("s", "c", "r", null, null, null, null, null, NOW, null));
        assertRejected("expiresAt", () -> new StateRecord("s", "c", "r", null, null, null, null, null,
                NOW.minusSeconds(1), NOW));
        assertRejected("scopes", () -> new StateRecord("s", "c", "r", null, null, null, null,
                Arrays.asList("a", null), NOW, NOW));
    }

    @Test
    @DisplayName("auth code: required fields are named when missing")
    void codeValidation() {
        assertRejected("code", () -> new AuthCodeRecord(null, "sid", "c", "r", null, null, null, NOW, NOW));
        assertRejected("sessionId", () -> new AuthCodeRecord("x", " ", "c", "r", null, null, null, NOW, NOW));
        assertRejected("clientId", () -> new AuthCodeRecord("x", "sid", null, "r", null, null, null, NOW, NOW));
        assertRejected("redirectUri", () -> new AuthCodeRecord("x", "sid", "c", "", null, null, null, NOW, NOW));
        assertRejected("expiresAt", () -> new AuthCodeRecord("x", "sid", "c", "r", null, null, null,
                NOW.minusMillis(1), NOW));
    }

    @Test
    @DisplayName("session: accessExpiresAt is required; refresh expiry required with a refresh token")
    void sessionValidation() {
        UserInfo user = UserInfo.of("github", "u1");
        assertRejected("accessExpiresAt", () -> new StoredSession("sid", "github", user, "at", null, null, null,
                null, null, null, null, NOW));
        assertRejected("sessionId", () -> new StoredSession("", "github", user, "at", null, null, null,
                null, NOW, null, null, NOW));
        assertRejected("accessToken", () -> new StoredSession("sid", "github", user, null, null, null, null,
                null, NOW, null, null, NOW));
        assertRejected("userInfo", () -> new StoredSession("sid", "github", null, "at", null, null, null,
                null, NOW, null, null, NOW));
        assertRejected("refreshExpiresAt", () -> new StoredSession("sid", "github", user, "at", "rt", null, null,
                null, NOW, null, null, NOW));
        assertRejected("refreshToken", () -> new StoredSession("sid", "github", user, "at", "at", null, null,
                null, NOW, NOW, null, NOW));
        assertRejected("accessExpiresAt", () -> new StoredSession("sid", "github", user, "at", null, null, null,
                null, NOW.minusSeconds(5), null, null, NOW));
        assertRejected("userInfo.userId", () -> UserInfo.of("github", " "));
    }

    @Test
    @DisplayName("times are kept to the millisecond and issuedAt defaults to createdAt")
    void timesTruncated() {
        Instant precise = NOW.plusNanos(1_234_567);
        StoredSession s = new StoredSession("sid", "github", UserInfo.of("github", "u"), "at", null, null, null,
                precise, precise.plusSeconds(60), null, null, precise);
        assertEquals(NOW.plusMillis(1), s.createdAt());
        assertEquals(s.createdAt(), s.issuedAt());
        assertEquals(NOW.plusMillis(1), s.providerExpiresAt());
    }

    @Test
    @DisplayName("lists are copied, so later changes to the caller's list don't leak in")
    void listsCopied() {
        List<String> scopes = new ArrayList<>(List.of("a"));
        StateRecord s = new StateRecord("s", "c", "r", null, null, null, null, scopes, NOW, NOW);
        scopes.add("b");
        assertEquals(List.of("a"), s.scopes());
        assertThrows(UnsupportedOperationException.class, () -> s.scopes().add("x"));
        assertEquals(List.of(), new StateRecord("s", "c", "r", null, null, null, null, null, NOW, NOW).scopes());
    }

    @Test
    @DisplayName("toString never shows a token, code, state, verifier or secret")
    void toStringRedacts() {
        StoredSession session = new StoredSession("session-id-1", "github",
                new UserInfo("github", "u1", "name", "mail@example.com", "Full Name", null,
                        Map.of("secretish", "profile-value"), List.of(), List.of()),
                "ACCESS-TOKEN-VALUE", "REFRESH-TOKEN-VALUE", "PROVIDER-ACCESS", "PROVIDER-REFRESH",
                null, NOW.plusSeconds(60), NOW.plusSeconds(120), null, NOW);
        String text = session.toString() + session.userInfo();
        for (String secret : List.of("session-id-1", "ACCESS-TOKEN-VALUE", "REFRESH-TOKEN-VALUE", "PROVIDER-ACCESS",
                "PROVIDER-REFRESH", "mail@example.com", "profile-value")) {
            assertFalse(text.contains(secret), () -> "toString leaks " + secret + ": " + text);
        }
        assertTrue(text.contains("#" + TokenHash.sha256Hex("ACCESS-TOKEN-VALUE").substring(0, 8)));

        String state = new StateRecord("STATE-VALUE", "c", "r", "ch", "S256", "VERIFIER", "CLIENT-STATE", null,
                NOW, NOW).toString();
        assertFalse(state.contains("STATE-VALUE") || state.contains("VERIFIER") || state.contains("CLIENT-STATE"), state);
        String code = Fixtures.code("CODE-VALUE", Duration.ofMinutes(1)).toString();
        assertFalse(code.contains("CODE-VALUE"), code);
        String client = Fixtures.client("app").toString();
        assertFalse(client.contains("s3cret"), client);
    }

    @Test
    @DisplayName("session liveness follows access and refresh expiry separately")
    void liveness() {
        StoredSession s = Fixtures.session("sid", "u", "at", "rt");
        assertTrue(s.isAccessLive(NOW));
        assertFalse(s.isAccessLive(s.accessExpiresAt()));
        assertTrue(s.isRefreshLive(s.accessExpiresAt()));
        assertFalse(s.isFullyExpired(s.accessExpiresAt()));
        assertTrue(s.isFullyExpired(s.refreshExpiresAt()));
        assertEquals(TokenHash.sha256Hex("at"), s.accessTokenHash());
    }

    @Test
    void tokenHashIsSha256Hex() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", TokenHash.sha256Hex(""));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", TokenHash.sha256Hex("abc"));
        assertThrows(IllegalArgumentException.class, () -> TokenHash.sha256Hex(null));
    }

    @Test
    void cleanupResultSums() {
        assertEquals(new CleanupResult(2, 4, 6), new CleanupResult(1, 2, 3).plus(new CleanupResult(1, 2, 3)));
        assertEquals(6, new CleanupResult(1, 2, 3).total());
        assertThrows(IllegalArgumentException.class, () -> new CleanupResult(-1, 0, 0));
    }

    @Test
    @DisplayName("the profile JSON limit is counted the way Jackson writes it: exactly the limit passes, one more fails")
    void profileLimitMatchesJackson() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Object> base = new java.util.LinkedHashMap<>();
        base.put("ctl", "\u0001\n\t\"\\/\u00e9\ud83d\ude80");
        base.put("n", List.of(1, 2.5, -3L, new java.math.BigDecimal("1.50"), true, false));
        base.put("nested", Map.of("k", Arrays.asList("v", null)));
        base.put("pad", "");
        int without = mapper.writeValueAsString(base).length();
        base.put("pad", "x".repeat(RecordLimits.PROFILE_JSON - without));
        assertEquals(RecordLimits.PROFILE_JSON, mapper.writeValueAsString(base).length());
        new UserInfo("github", "u", null, null, null, null, base, null, null);
        base.put("pad", "x".repeat(RecordLimits.PROFILE_JSON - without + 1));
        assertRejected("userInfo.rawProfile", () -> new UserInfo("github", "u", null, null, null, null, base, null,
                null));
    }

    @Test
    @DisplayName("limits and NUL: the message names the field and the limit, never the value")
    void limitsAndNul() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UserInfo.of("github", "secret-user-" + "x".repeat(5000)));
        assertTrue(e.getMessage().contains("userInfo.userId") && e.getMessage().contains("512"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-user"));
        assertRejected("userInfo.rawProfile.a[1].b", () -> new UserInfo("github", "u", null, null, null, null,
                Map.of("a", List.of(1, Map.of("b", "x\u0000"))), null, null));
        assertRejected("userInfo.rawProfile.a", () -> new UserInfo("github", "u", null, null, null, null,
                Map.of("a", Double.NaN), null, null));
        assertRejected("userInfo.rawProfile.a", () -> new UserInfo("github", "u", null, null, null, null,
                Map.of("a", new Object()), null, null));
        assertRejected("refreshToken", () -> new StoredSession("sid", "github", UserInfo.of("g", "u"), "at",
                "r\u0000", null, null, null, NOW, NOW, null, NOW));
    }
}
