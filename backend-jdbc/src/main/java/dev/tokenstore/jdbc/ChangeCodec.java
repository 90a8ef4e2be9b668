package dev.tokenstore.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenstore.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Change events as stored in the change log and sent through a {@link ChangeChannel}: JSON
 * {@code {"s":[session id hashes],"t":[token hashes],"u":[user id hashes],"c":[client ids]}}.
 * The field names are part of the stored format. An event too large for one payload is split
 * into several, each a valid event of its own.
 */
final class ChangeCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] FIELDS = {"s", "t", "u", "c"};

    private ChangeCodec() {
    }

    /** The event as one payload. */
    static String encode(ChangeEvent event) {
        ObjectNode root = MAPPER.createObjectNode();
        add(root, "s", event.sessionIdHashes());
        add(root, "t", event.tokenHashes());
        add(root, "u", event.userIdHashes());
        add(root, "c", event.clientIds());
        return root.toString();
    }

    /** The event as payloads of at most {@code maxBytes} UTF-8 bytes each. */
    static List<String> encode(ChangeEvent event, int maxBytes) {
        String whole = encode(event);
        if (bytes(whole) <= maxBytes) {
            return List.of(whole);
        }
        List<String> out = new ArrayList<>();
        List<List<String>> values = List.of(List.copyOf(event.sessionIdHashes()), List.copyOf(event.tokenHashes()),
                List.copyOf(event.userIdHashes()), List.copyOf(event.clientIds()));
        ObjectNode part = MAPPER.createObjectNode();
        int size = 2; // "{}"
        for (int f = 0; f < FIELDS.length; f++) {
            for (String value : values.get(f)) {
                int cost = bytes(MAPPER.getNodeFactory().textNode(value).toString()) + FIELDS[f].length() + 6;
                if (cost + 2 > maxBytes) {
                    throw new IllegalArgumentException("a change key of " + cost + " bytes does not fit a payload of "
                            + maxBytes + " bytes");
                }
                if (size + cost > maxBytes) {
                    out.add(part.toString());
                    part = MAPPER.createObjectNode();
                    size = 2;
                }
                JsonNode array = part.get(FIELDS[f]);
                (array == null ? part.putArray(FIELDS[f]) : (ArrayNode) array).add(value);
                size += cost;
            }
        }
        if (!part.isEmpty()) {
            out.add(part.toString());
        }
        return out;
    }

    /** The event a payload holds. */
    static ChangeEvent decode(String payload) {
        try {
            JsonNode root = MAPPER.readTree(payload);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("a change payload is not a JSON object");
            }
            return new ChangeEvent(false, read(root, "s"), read(root, "t"), read(root, "u"), read(root, "c"));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a change payload is not valid JSON", e);
        }
    }

    private static void add(ObjectNode root, String field, Set<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = root.putArray(field);
            values.forEach(array::add);
        }
    }

    private static Set<String> read(JsonNode root, String field) {
        JsonNode array = root.get(field);
        if (array == null) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            out.add(it.next().asText());
        }
        return out;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
