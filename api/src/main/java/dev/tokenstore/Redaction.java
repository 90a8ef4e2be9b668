package dev.tokenstore;

/** Turns secrets into short, non-reversible labels for {@code toString()}, logs and messages. */
final class Redaction {
    private Redaction() {
    }

    /** {@code "#1a2b3c4d"}: the first 8 hex digits of the SHA-256 of the value, or {@code "null"}. */
    static String fingerprint(String secret) {
        return secret == null ? "null" : "#" + TokenHash.sha256Hex(secret).substring(0, 8);
    }
}
