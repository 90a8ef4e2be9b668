package dev.tokenstore.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.UserInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records as JSON, the plaintext of the encrypted values. Field names are written explicitly:
 * they are the stored format, not Java member names.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    static String session(StoredSession s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("sessionId", s.sessionId());
        n.put("provider", s.provider());
        n.set("user", user(s.userInfo()));
        n.put("accessToken", s.accessToken());
        n.put("refreshToken", s.refreshToken());
        n.put("providerAccessToken", s.providerAccessToken());
        n.put("providerRefreshToken", s.providerRefreshToken());
        time(n, "providerExpiresAt", s.providerExpiresAt());
        time(n, "accessExpiresAt", s.accessExpiresAt());
        time(n, "refreshExpiresAt", s.refreshExpiresAt());
        time(n, "issuedAt", s.issuedAt());
        time(n, "createdAt", s.createdAt());
        return write(n);
    }

    static StoredSession readSession(String json) {
        JsonNode n = read(json, "session");
        return new StoredSession(text(n, "sessionId"), text(n, "provider"), readUser(n.get("user")),
                text(n, "accessToken"), text(n, "refreshToken"), text(n, "providerAccessToken"),
                text(n, "providerRefreshToken"), time(n, "providerExpiresAt"), time(n, "accessExpiresAt"),
                time(n, "refreshExpiresAt"), time(n, "issuedAt"), time(n, "createdAt"));
    }

    static String state(StateRecord s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("state", s.state());
        n.put("clientId", s.clientId());
        n.put("redirectUri", s.redirectUri());
        n.put("codeChallenge", s.codeChallenge());
        n.put("codeChallengeMethod", s.codeChallengeMethod());
        n.put("providerCodeVerifier", s.providerCodeVerifier());
        n.put("clientState", s.clientState());
        n.set("scopes", MAPPER.valueToTree(s.scopes()));
        time(n, "expiresAt", s.expiresAt());
        time(n, "createdAt", s.createdAt());
        return write(n);
    }

    static StateRecord readState(String json) {
        JsonNode n = read(json, "state");
        return new StateRecord(text(n, "state"), text(n, "clientId"), text(n, "redirectUri"), text(n, "codeChallenge"),
                text(n, "codeChallengeMethod"), text(n, "providerCodeVerifier"), text(n, "clientState"),
                list(n, "scopes"), time(n, "expiresAt"), time(n, "createdAt"));
    }

    static String code(AuthCodeRecord c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("code", c.code());
        n.put("sessionId", c.sessionId());
        n.put("clientId", c.clientId());
        n.put("redirectUri", c.redirectUri());
        n.put("codeChallenge", c.codeChallenge());
        n.put("codeChallengeMethod", c.codeChallengeMethod());
        n.set("scopes", MAPPER.valueToTree(c.scopes()));
        time(n, "expiresAt", c.expiresAt());
        time(n, "createdAt", c.createdAt());
        return write(n);
    }

    static AuthCodeRecord readCode(String json) {
        JsonNode n = read(json, "code");
        return new AuthCodeRecord(text(n, "code"), text(n, "sessionId"), text(n, "clientId"), text(n, "redirectUri"),
                text(n, "codeChallenge"), text(n, "codeChallengeMethod"), list(n, "scopes"), time(n, "expiresAt"),
                time(n, "createdAt"));
    }

    static String client(ClientRecord c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("clientId", c.clientId());
        n.put("clientSecret", c.clientSecret());
        n.put("tokenEndpointAuthMethod", c.tokenEndpointAuthMethod());
        n.set("redirectUris", MAPPER.valueToTree(c.redirectUris()));
        n.set("grantTypes", MAPPER.valueToTree(c.grantTypes()));
        n.set("responseTypes", MAPPER.valueToTree(c.responseTypes()));
        n.put("scope", c.scope());
        n.put("clientName", c.clientName());
        time(n, "createdAt", c.createdAt());
        return write(n);
    }

    static ClientRecord readClient(String json) {
        JsonNode n = read(json, "client");
        return new ClientRecord(text(n, "clientId"), text(n, "clientSecret"), text(n, "tokenEndpointAuthMethod"),
                list(n, "redirectUris"), list(n, "grantTypes"), list(n, "responseTypes"), text(n, "scope"),
                text(n, "clientName"), time(n, "createdAt"));
    }

    private static ObjectNode user(UserInfo u) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("provider", u.provider());
        n.put("userId", u.userId());
        n.put("username", u.username());
        n.put("email", u.email());
        n.put("name", u.name());
        n.put("avatarUrl", u.avatarUrl());
        n.set("rawProfile", MAPPER.valueToTree(u.rawProfile()));
        n.set("scopes", MAPPER.valueToTree(u.scopes()));
        n.set("capabilities", MAPPER.valueToTree(u.capabilities()));
        return n;
    }

    @SuppressWarnings("unchecked")
    private static UserInfo readUser(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new TokenStoreException("a stored session has no user (corrupt value)");
        }
        Map<String, Object> profile;
        try {
            profile = n.hasNonNull("rawProfile") ? MAPPER.treeToValue(n.get("rawProfile"), LinkedHashMap.class) : Map.of();
        } catch (JsonProcessingException e) {
            throw new TokenStoreException("a stored profile is not valid JSON (corrupt value)", e);
        }
        return new UserInfo(text(n, "provider"), text(n, "userId"), text(n, "username"), text(n, "email"),
                text(n, "name"), text(n, "avatarUrl"), profile, list(n, "scopes"), list(n, "capabilities"));
    }

    private static void time(ObjectNode n, String field, Instant t) {
        if (t == null) {
            n.putNull(field);
        } else {
            n.put(field, t.toEpochMilli());
        }
    }

    private static Instant time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Instant.ofEpochMilli(v.asLong());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> list(JsonNode n, String field) {
        JsonNode v = n.get(field);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        }
        return out;
    }

    private static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a record cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode read(String json, String what) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || !n.isObject()) {
                throw new TokenStoreException("a stored " + what + " is not a JSON object (corrupt value)");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new TokenStoreException("a stored " + what + " is not valid JSON (corrupt value)", e);
        }
    }
}
