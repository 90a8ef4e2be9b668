package dev.tokenstore.jdbc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.UserInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON columns (lists and {@link UserInfo}) with Jackson. The field names are part of the stored
 * format and are written explicitly, so renaming a Java member never breaks stored rows.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader USER_READER = MAPPER.readerFor(StoredUser.class);

    private Json() {
    }

    static String list(List<String> values) {
        try {
            return MAPPER.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string list could not be written as JSON", e);
        }
    }

    static List<String> readList(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return strings(MAPPER.readTree(json));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new TokenStoreException("a stored list is not valid JSON (corrupt row)", e);
        }
    }

    static String userInfo(UserInfo user) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("provider", user.provider());
            g.writeStringField("userId", user.userId());
            g.writeStringField("username", user.username());
            g.writeStringField("email", user.email());
            g.writeStringField("name", user.name());
            g.writeStringField("avatarUrl", user.avatarUrl());
            g.writeFieldName("rawProfile");
            MAPPER.writeValue(g, user.rawProfile());
            g.writeFieldName("scopes");
            MAPPER.writeValue(g, user.scopes());
            g.writeFieldName("capabilities");
            MAPPER.writeValue(g, user.capabilities());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("userInfo.rawProfile cannot be written as JSON: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /**
     * Reads what {@link #userInfo} wrote, bound straight to {@link StoredUser} (no intermediate
     * tree). Unknown fields are ignored, so a newer writer's extra fields do not break this reader.
     */
    static UserInfo readUserInfo(String json) {
        try {
            StoredUser u = USER_READER.readValue(json);
            if (u == null) {
                throw new IllegalArgumentException("a stored user is JSON null");
            }
            return new UserInfo(u.provider(), u.userId(), u.username(), u.email(), u.name(), u.avatarUrl(),
                    u.rawProfile() == null ? Map.of() : u.rawProfile(), orEmpty(u.scopes()), orEmpty(u.capabilities()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new TokenStoreException("a stored user is not valid JSON (corrupt row)", e);
        }
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    /** The stored shape of a {@link UserInfo}: its field names are the stored format. */
    record StoredUser(String provider, String userId, String username, String email, String name, String avatarUrl,
                      Map<String, Object> rawProfile, List<String> scopes, List<String> capabilities) {
    }

    private static List<String> strings(JsonNode array) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new IllegalArgumentException("expected a JSON array");
        }
        List<String> out = new ArrayList<>(array.size());
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
