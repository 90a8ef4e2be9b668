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
        Arguments.requireNonNull(token, "token");
        MessageDigest digest = SHA256.get();
        return HEX.formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** True if {@code value} is what {@link #sha256Hex} returns: exactly 64 lower-case hex digits. */
    public static boolean isSha256Hex(String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a collection of hashes given to a bulk call as every store does, before anything is
     * written: each must be {@link #isSha256Hex a SHA-256 hex hash}.
     *
     * @return the distinct hashes, in the order given
     * @throws IllegalArgumentException naming the collection, or the index of the first bad entry
     */
    public static java.util.Set<String> requireSha256Hexes(java.util.Collection<String> hashes, String field) {
        Checks.requireNonNull(hashes, field);
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
        int i = 0;
        for (String hash : hashes) {
            if (hash == null) {
                throw new IllegalArgumentException(field + "[" + i + "] is required (was null)");
            }
            if (!isSha256Hex(hash)) {
                throw new IllegalArgumentException(field + "[" + i + "] is not a SHA-256 hash (64 lower-case hex "
                        + "digits, as TokenHash.sha256Hex returns); nothing was deleted");
            }
            distinct.add(hash);
            i++;
        }
        return distinct;
    }

    /**
     * True if a token a store decrypted from the row it found equals the token presented, in time
     * that does not depend on where they differ. A store that finds a row by a token's hash calls it
     * before answering, so a row whose hash column was pointed at another token answers nothing.
     */
    public static boolean sameToken(String stored, String presented) {
        if (stored == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
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
