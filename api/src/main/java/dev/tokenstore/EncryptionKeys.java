package dev.tokenstore;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Validation, copying and parsing of AES-256 key rings; never puts key bytes in a message. */
final class EncryptionKeys {
    static final int KEY_BYTES = 32;

    record Parsed(Map<String, byte[]> keys, String primaryId) {
    }

    private EncryptionKeys() {
    }

    static void validate(Map<String, byte[]> keysById, String primaryId) {
        Checks.requireNonNull(keysById, "encryptionKeys");
        if (keysById.isEmpty()) {
            throw new IllegalArgumentException("encryptionKeys must not be empty");
        }
        Checks.requireText(primaryId, "primary key id");
        keysById.forEach((id, key) -> {
            Checks.requireText(id, "key id");
            if (id.contains(":")) {
                throw new IllegalArgumentException("key id '" + id + "' must not contain ':'");
            }
            Checks.requireNonNull(key, "encryption key '" + id + "'");
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("encryption key '" + id + "' must be " + KEY_BYTES
                        + " bytes (AES-256), was " + key.length);
            }
        });
        if (!keysById.containsKey(primaryId)) {
            throw new IllegalArgumentException("primary key id '" + primaryId + "' is not among the keys "
                    + keysById.keySet());
        }
    }

    static Map<String, byte[]> copy(Map<String, byte[]> keys) {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        keys.forEach((id, key) -> copy.put(id, key.clone()));
        return copy;
    }

    /**
     * Parses {@code base64key} (id {@value TokenStoreOptions#DEFAULT_KEY_ID}) or
     * {@code kid:base64key,kid2:base64key2} (first primary); {@code source} names the origin in errors.
     */
    static Parsed parse(String spec, String source) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String primary = null;
        for (String part : spec.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.indexOf(':');
            String id = colon < 0 ? TokenStoreOptions.DEFAULT_KEY_ID : item.substring(0, colon).trim();
            byte[] key = decode(colon < 0 ? item : item.substring(colon + 1).trim(), source, id);
            if (keys.put(id, key) != null) {
                throw new IllegalArgumentException(source + ": key id '" + id + "' appears twice");
            }
            if (primary == null) {
                primary = id;
            }
        }
        if (primary == null) {
            throw new IllegalArgumentException(source + " holds no key");
        }
        try {
            validate(keys, primary);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        return new Parsed(keys, primary);
    }

    private static byte[] decode(String base64, String source, String id) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": key '" + id + "' is not valid base64", e);
            }
        }
    }
}
