package dev.tokenstore.jdbc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final TypeReference<Map<String, Object>> PROFILE = new TypeReference<>() {
    };

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

    static UserInfo readUserInfo(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            Map<String, Object> profile = node.hasNonNull("rawProfile")
                    ? MAPPER.convertValue(node.get("rawProfile"), PROFILE) : Map.of();
            return new UserInfo(text(node, "provider"), text(node, "userId"), text(node, "username"),
                    text(node, "email"), text(node, "name"), text(node, "avatarUrl"), profile,
                    strings(node.get("scopes")), strings(node.get("capabilities")));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new TokenStoreException("a stored user is not valid JSON (corrupt row)", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
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
