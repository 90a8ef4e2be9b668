package dev.tokenstore.tck;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.RecordLimits;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.UserInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Records for the limit tests of {@link TokenStoreCompatibilityKit}: every string field of every
 * record at its {@link RecordLimits} limit (with the costliest content: 3-byte UTF-8 characters in
 * ids, JSON-escaped control characters in lists and profiles), and the same field one past it or
 * holding NUL.
 */
final class LimitCases {
    /** U+20AC: one Java char, three UTF-8 bytes (the worst case for byte-limited indexes). */
    static final String WIDE = "\u20ac";
    /** U+0001: one Java char, six chars once JSON-escaped (the worst case for JSON columns). */
    static final String ESCAPED = "\u0001";

    /** A bad input: which field, what its message must mention, and how to build the record. */
    record Bad(String field, String mention, Supplier<Object> build) {
    }

    private final TestData data;

    LimitCases(TestData data) {
        this.data = data;
    }

    /** {@code length} chars: {@code unit} repeated, ending in a unique token so records never collide. */
    static String fill(String unit, int length) {
        String tail = TestData.token();
        return unit.repeat(length - tail.length()) + tail;
    }

    // ---------------------------------------------------------------- at the limit

    UserInfo userAtLimits(Map<String, Object> profile) {
        return new UserInfo(fill(WIDE, RecordLimits.ID), fill(WIDE, RecordLimits.ID), fill(ESCAPED, RecordLimits.NAME),
                fill(ESCAPED, RecordLimits.NAME), fill(ESCAPED, RecordLimits.NAME), fill(ESCAPED, RecordLimits.URI),
                profile, shortList(), shortList());
    }

    StoredSession sessionAtLimits(Map<String, Object> profile) {
        Instant now = data.now();
        return new StoredSession(fill(WIDE, RecordLimits.ID), fill(WIDE, RecordLimits.ID), userAtLimits(profile),
                fill(WIDE, RecordLimits.SECRET), fill(WIDE, RecordLimits.SECRET), fill(WIDE, RecordLimits.SECRET),
                fill(WIDE, RecordLimits.SECRET), now.plusSeconds(600), now.plusSeconds(600), now.plusSeconds(6000),
                now, now);
    }

    ClientRecord clientAtLimits() {
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < RecordLimits.REDIRECT_URIS; i++) {
            uris.add(fill(ESCAPED, RecordLimits.URI));
        }
        return new ClientRecord(fill(WIDE, RecordLimits.ID), fill(WIDE, RecordLimits.SECRET),
                fill(ESCAPED, RecordLimits.SHORT), uris, shortList(), shortList(), fill(ESCAPED, RecordLimits.SCOPE),
                fill(ESCAPED, RecordLimits.NAME), data.now());
    }

    StateRecord stateAtLimits() {
        Instant now = data.now();
        return new StateRecord(fill(WIDE, RecordLimits.SECRET), fill(WIDE, RecordLimits.ID),
                fill(ESCAPED, RecordLimits.URI), fill(WIDE, RecordLimits.SECRET), fill(ESCAPED, RecordLimits.SHORT),
                fill(WIDE, RecordLimits.SECRET), fill(WIDE, RecordLimits.SECRET), shortList(), now.plusSeconds(60), now);
    }

    AuthCodeRecord codeAtLimits() {
        Instant now = data.now();
        return new AuthCodeRecord(fill(WIDE, RecordLimits.SECRET), fill(WIDE, RecordLimits.ID),
                fill(WIDE, RecordLimits.ID), fill(ESCAPED, RecordLimits.URI), fill(WIDE, RecordLimits.SECRET),
                fill(ESCAPED, RecordLimits.SHORT), shortList(), now.plusSeconds(60), now);
    }

    /** {@link RecordLimits#LIST_ENTRIES} entries of {@link RecordLimits#SHORT} escaped chars each. */
    static List<String> shortList() {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < RecordLimits.LIST_ENTRIES; i++) {
            list.add(fill(ESCAPED, RecordLimits.SHORT));
        }
        return list;
    }

    /**
     * A profile whose compact JSON is exactly {@link RecordLimits#PROFILE_JSON} chars plus
     * {@code extra}: {@code {"bio":"…"}} with 1,000 control characters (six JSON chars each), 1,000
     * quotes (two each) and plain letters for the rest.
     */
    static Map<String, Object> profileOfJsonLength(int extra) {
        int fixed = "{\"bio\":\"\"}".length() + 1_000 * 6 + 1_000 * 2;
        String bio = ESCAPED.repeat(1_000) + "\"".repeat(1_000) + "x".repeat(RecordLimits.PROFILE_JSON - fixed + extra);
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("bio", bio);
        return profile;
    }

    /** A profile whose innermost list is at nesting level {@code depth} (the profile map is level 1). */
    static Map<String, Object> profileOfDepth(int depth) {
        Object inner = List.of("bottom");
        for (int level = depth - 1; level > 1; level--) {
            inner = List.of(inner);
        }
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("deep", inner);
        return profile;
    }

    // ---------------------------------------------------------------- one past the limit

    List<Bad> onePast() {
        List<Bad> cases = new ArrayList<>();
        int id = RecordLimits.ID + 1;
        int secret = RecordLimits.SECRET + 1;
        cases.add(session("sessionId", id, s -> new StoredSession(fill("s", id), s.provider(), s.userInfo(),
                s.accessToken(), s.refreshToken(), null, null, null, s.accessExpiresAt(), s.refreshExpiresAt(), null,
                s.createdAt())));
        cases.add(session("provider", id, s -> new StoredSession(s.sessionId(), fill("p", id), s.userInfo(),
                s.accessToken(), null, null, null, null, s.accessExpiresAt(), null, null, s.createdAt())));
        cases.add(session("accessToken", secret, s -> new StoredSession(s.sessionId(), s.provider(), s.userInfo(),
                fill("a", secret), null, null, null, null, s.accessExpiresAt(), null, null, s.createdAt())));
        cases.add(session("refreshToken", secret, s -> new StoredSession(s.sessionId(), s.provider(), s.userInfo(),
                s.accessToken(), fill("r", secret), null, null, null, s.accessExpiresAt(), s.refreshExpiresAt(), null,
                s.createdAt())));
        cases.add(session("providerAccessToken", secret, s -> withProviderTokens(s, fill("p", secret), null)));
        cases.add(session("providerRefreshToken", secret, s -> withProviderTokens(s, null, fill("p", secret))));
        cases.add(user("userInfo.provider", RecordLimits.ID, () -> new UserInfo(fill("g", id), "u", null, null, null,
                null, null, null, null)));
        cases.add(user("userInfo.userId", RecordLimits.ID, () -> new UserInfo("github", fill("u", id), null, null,
                null, null, null, null, null)));
        int name = RecordLimits.NAME + 1;
        cases.add(user("userInfo.username", RecordLimits.NAME, () -> new UserInfo("github", "u", fill("n", name),
                null, null, null, null, null, null)));
        cases.add(user("userInfo.email", RecordLimits.NAME, () -> new UserInfo("github", "u", null, fill("e", name),
                null, null, null, null, null)));
        cases.add(user("userInfo.name", RecordLimits.NAME, () -> new UserInfo("github", "u", null, null,
                fill("n", name), null, null, null, null)));
        cases.add(user("userInfo.avatarUrl", RecordLimits.URI, () -> new UserInfo("github", "u", null, null, null,
                fill("h", RecordLimits.URI + 1), null, null, null)));
        cases.add(user("userInfo.rawProfile", RecordLimits.PROFILE_JSON, () -> new UserInfo("github", "u", null,
                null, null, null, profileOfJsonLength(1), null, null)));
        cases.add(user("userInfo.rawProfile", RecordLimits.PROFILE_DEPTH, () -> new UserInfo("github", "u", null,
                null, null, null, profileOfDepth(RecordLimits.PROFILE_DEPTH + 1), null, null)));
        cases.add(user("userInfo.scopes", RecordLimits.LIST_ENTRIES, () -> new UserInfo("github", "u", null, null,
                null, null, null, longer(shortList()), null)));
        cases.add(user("userInfo.scopes[0]", RecordLimits.SHORT, () -> new UserInfo("github", "u", null, null, null,
                null, null, List.of(fill("s", RecordLimits.SHORT + 1)), null)));
        cases.add(user("userInfo.capabilities", RecordLimits.LIST_ENTRIES, () -> new UserInfo("github", "u", null,
                null, null, null, null, null, longer(shortList()))));
        cases.add(user("userInfo.capabilities[0]", RecordLimits.SHORT, () -> new UserInfo("github", "u", null, null,
                null, null, null, null, List.of(fill("c", RecordLimits.SHORT + 1)))));
        Instant now = data.now();
        cases.add(new Bad("state", limit(RecordLimits.SECRET), () -> new StateRecord(fill("s", secret), "c", "r", null,
                null, null, null, null, now, now)));
        cases.add(new Bad("clientId", limit(RecordLimits.ID), () -> new StateRecord("s", fill("c", id), "r", null,
                null, null, null, null, now, now)));
        cases.add(new Bad("redirectUri", limit(RecordLimits.URI), () -> new StateRecord("s", "c",
                fill("r", RecordLimits.URI + 1), null, null, null, null, null, now, now)));
        cases.add(new Bad("codeChallenge", limit(RecordLimits.SECRET), () -> new StateRecord("s", "c", "r",
                fill("x", secret), null, null, null, null, now, now)));
        cases.add(new Bad("codeChallengeMethod", limit(RecordLimits.SHORT), () -> new StateRecord("s", "c", "r",
                null, fill("x", RecordLimits.SHORT + 1), null, null, null, now, now)));
        cases.add(new Bad("providerCodeVerifier", limit(RecordLimits.SECRET), () -> new StateRecord("s", "c", "r",
                null, null, fill("x", secret), null, null, now, now)));
        cases.add(new Bad("clientState", limit(RecordLimits.SECRET), () -> new StateRecord("s", "c", "r", null, null,
                null, fill("x", secret), null, now, now)));
        cases.add(new Bad("scopes", limit(RecordLimits.LIST_ENTRIES), () -> new StateRecord("s", "c", "r", null, null,
                null, null, longer(shortList()), now, now)));
        cases.add(new Bad("code", limit(RecordLimits.SECRET), () -> new AuthCodeRecord(fill("c", secret), "sid", "c",
                "r", null, null, null, now, now)));
        cases.add(new Bad("sessionId", limit(RecordLimits.ID), () -> new AuthCodeRecord("c", fill("s", id), "c", "r",
                null, null, null, now, now)));
        cases.add(new Bad("clientId", limit(RecordLimits.ID), () -> new ClientRecord(fill("c", id), null, null, null,
                null, null, null, null, now)));
        cases.add(new Bad("clientSecret", limit(RecordLimits.SECRET), () -> new ClientRecord("c", fill("s", secret),
                null, null, null, null, null, null, now)));
        cases.add(new Bad("tokenEndpointAuthMethod", limit(RecordLimits.SHORT), () -> new ClientRecord("c", null,
                fill("m", RecordLimits.SHORT + 1), null, null, null, null, null, now)));
        cases.add(new Bad("redirectUris", limit(RecordLimits.REDIRECT_URIS), () -> new ClientRecord("c", null, null,
                Collections.nCopies(RecordLimits.REDIRECT_URIS + 1, "https://x/"), null, null, null, null, now)));
        cases.add(new Bad("redirectUris[0]", limit(RecordLimits.URI), () -> new ClientRecord("c", null, null,
                List.of(fill("u", RecordLimits.URI + 1)), null, null, null, null, now)));
        cases.add(new Bad("grantTypes", limit(RecordLimits.LIST_ENTRIES), () -> new ClientRecord("c", null, null,
                null, longer(shortList()), null, null, null, now)));
        cases.add(new Bad("responseTypes", limit(RecordLimits.LIST_ENTRIES), () -> new ClientRecord("c", null, null,
                null, null, longer(shortList()), null, null, now)));
        cases.add(new Bad("scope", limit(RecordLimits.SCOPE), () -> new ClientRecord("c", null, null, null, null,
                null, fill("s", RecordLimits.SCOPE + 1), null, now)));
        cases.add(new Bad("clientName", limit(RecordLimits.NAME), () -> new ClientRecord("c", null, null, null, null,
                null, null, fill("n", name), now)));
        return cases;
    }

    // ---------------------------------------------------------------- NUL

    /** NUL in every string field of every record, list entries and nested profile keys and values included. */
    List<Bad> nul() {
        String n = "a\u0000b";
        Instant now = data.now();
        StoredSession s = data.session("u-nul");
        List<Bad> cases = new ArrayList<>();
        cases.add(new Bad("sessionId", "NUL", () -> new StoredSession(n, s.provider(), s.userInfo(), s.accessToken(),
                null, null, null, null, s.accessExpiresAt(), null, null, now)));
        cases.add(new Bad("provider", "NUL", () -> new StoredSession("sid", n, s.userInfo(), s.accessToken(), null,
                null, null, null, s.accessExpiresAt(), null, null, now)));
        cases.add(new Bad("accessToken", "NUL", () -> new StoredSession("sid", "g", s.userInfo(), n, null, null, null,
                null, s.accessExpiresAt(), null, null, now)));
        cases.add(new Bad("refreshToken", "NUL", () -> new StoredSession("sid", "g", s.userInfo(), "at", n, null,
                null, null, s.accessExpiresAt(), s.refreshExpiresAt(), null, now)));
        cases.add(new Bad("providerAccessToken", "NUL", () -> withProviderTokens(s, n, null)));
        cases.add(new Bad("providerRefreshToken", "NUL", () -> withProviderTokens(s, null, n)));
        cases.add(new Bad("userInfo.provider", "NUL", () -> new UserInfo(n, "u", null, null, null, null, null, null, null)));
        cases.add(new Bad("userInfo.userId", "NUL", () -> new UserInfo("g", n, null, null, null, null, null, null, null)));
        cases.add(new Bad("userInfo.username", "NUL", () -> new UserInfo("g", "u", n, null, null, null, null, null, null)));
        cases.add(new Bad("userInfo.email", "NUL", () -> new UserInfo("g", "u", null, n, null, null, null, null, null)));
        cases.add(new Bad("userInfo.name", "NUL", () -> new UserInfo("g", "u", null, null, n, null, null, null, null)));
        cases.add(new Bad("userInfo.avatarUrl", "NUL", () -> new UserInfo("g", "u", null, null, null, n, null, null, null)));
        cases.add(new Bad("userInfo.scopes[1]", "NUL", () -> new UserInfo("g", "u", null, null, null, null, null,
                List.of("ok", n), null)));
        cases.add(new Bad("userInfo.capabilities[0]", "NUL", () -> new UserInfo("g", "u", null, null, null, null,
                null, null, List.of(n))));
        cases.add(new Bad("userInfo.rawProfile.bio", "NUL", () -> profileUser(Map.of("bio", n))));
        cases.add(new Bad("userInfo.rawProfile (key #0)", "NUL", () -> profileUser(Map.of(n, "v"))));
        cases.add(new Bad("userInfo.rawProfile.plan.name", "NUL", () -> profileUser(Map.of("plan", Map.of("name", n)))));
        cases.add(new Bad("userInfo.rawProfile.orgs[1]", "NUL", () -> profileUser(Map.of("orgs", List.of("a", n)))));
        cases.add(new Bad("userInfo.rawProfile.orgs[0].login", "NUL", () -> profileUser(Map.of("orgs",
                List.of(Map.of("login", n))))));
        cases.add(new Bad("userInfo.rawProfile.plan (key #0)", "NUL", () -> profileUser(Map.of("plan",
                Map.of(n, 1)))));
        cases.add(new Bad("state", "NUL", () -> new StateRecord(n, "c", "r", null, null, null, null, null, now, now)));
        cases.add(new Bad("clientId", "NUL", () -> new StateRecord("s", n, "r", null, null, null, null, null, now, now)));
        cases.add(new Bad("redirectUri", "NUL", () -> new StateRecord("s", "c", n, null, null, null, null, null, now, now)));
        cases.add(new Bad("codeChallenge", "NUL", () -> new StateRecord("s", "c", "r", n, null, null, null, null, now, now)));
        cases.add(new Bad("codeChallengeMethod", "NUL", () -> new StateRecord("s", "c", "r", null, n, null, null, null,
                now, now)));
        cases.add(new Bad("providerCodeVerifier", "NUL", () -> new StateRecord("s", "c", "r", null, null, n, null,
                null, now, now)));
        cases.add(new Bad("clientState", "NUL", () -> new StateRecord("s", "c", "r", null, null, null, n, null, now, now)));
        cases.add(new Bad("scopes[0]", "NUL", () -> new StateRecord("s", "c", "r", null, null, null, null, List.of(n),
                now, now)));
        cases.add(new Bad("code", "NUL", () -> new AuthCodeRecord(n, "sid", "c", "r", null, null, null, now, now)));
        cases.add(new Bad("sessionId", "NUL", () -> new AuthCodeRecord("c", n, "c", "r", null, null, null, now, now)));
        cases.add(new Bad("clientId", "NUL", () -> new AuthCodeRecord("c", "sid", n, "r", null, null, null, now, now)));
        cases.add(new Bad("redirectUri", "NUL", () -> new AuthCodeRecord("c", "sid", "c", n, null, null, null, now, now)));
        cases.add(new Bad("codeChallenge", "NUL", () -> new AuthCodeRecord("c", "sid", "c", "r", n, null, null, now, now)));
        cases.add(new Bad("codeChallengeMethod", "NUL", () -> new AuthCodeRecord("c", "sid", "c", "r", null, n, null,
                now, now)));
        cases.add(new Bad("scopes[0]", "NUL", () -> new AuthCodeRecord("c", "sid", "c", "r", null, null, List.of(n),
                now, now)));
        cases.add(new Bad("clientId", "NUL", () -> new ClientRecord(n, null, null, null, null, null, null, null, now)));
        cases.add(new Bad("clientSecret", "NUL", () -> new ClientRecord("c", n, null, null, null, null, null, null, now)));
        cases.add(new Bad("tokenEndpointAuthMethod", "NUL", () -> new ClientRecord("c", null, n, null, null, null,
                null, null, now)));
        cases.add(new Bad("redirectUris[0]", "NUL", () -> new ClientRecord("c", null, null, List.of(n), null, null,
                null, null, now)));
        cases.add(new Bad("grantTypes[0]", "NUL", () -> new ClientRecord("c", null, null, null, List.of(n), null,
                null, null, now)));
        cases.add(new Bad("responseTypes[0]", "NUL", () -> new ClientRecord("c", null, null, null, null, List.of(n),
                null, null, now)));
        cases.add(new Bad("scope", "NUL", () -> new ClientRecord("c", null, null, null, null, null, n, null, now)));
        cases.add(new Bad("clientName", "NUL", () -> new ClientRecord("c", null, null, null, null, null, null, n, now)));
        return cases;
    }

    private static UserInfo profileUser(Map<String, Object> profile) {
        return new UserInfo("github", "u", null, null, null, null, profile, null, null);
    }

    private Bad session(String field, int limit, UnaryOperator<StoredSession> change) {
        StoredSession base = data.session("u-limit");
        return new Bad(field, limit(limit), () -> change.apply(base));
    }

    private static Bad user(String field, int limit, Supplier<Object> build) {
        return new Bad(field, limit(limit), build);
    }

    private static StoredSession withProviderTokens(StoredSession s, String access, String refresh) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), s.accessToken(), null, access, refresh,
                null, s.accessExpiresAt(), null, null, s.createdAt());
    }

    private static List<String> longer(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        copy.add("one-more");
        return copy;
    }

    private static String limit(int limit) {
        return String.valueOf(limit);
    }
}
