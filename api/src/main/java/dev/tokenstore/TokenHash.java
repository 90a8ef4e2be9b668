package dev.tokenstore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a token as 64 lower-case hex digits: the key every store looks access and refresh
 * tokens up by, so the token itself never has to be stored in the clear or indexed.
 */
public final class TokenHash {
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(TokenHash::newDigest);

    private TokenHash() {
    }

    /**
     * Hashes a token's UTF-8 bytes with SHA-256.
     *
     * @throws IllegalArgumentException if {@code token} is null
     */
    public static String sha256Hex(String token) {
        if (token == null) {
            throw new IllegalArgumentException("token is required (was null)");
        }
        MessageDigest digest = SHA256.get();
        return HEX.formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** SHA-256 of a string's UTF-8 bytes (package-private: for constant-time comparisons). */
    static byte[] sha256(String value) {
        return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
