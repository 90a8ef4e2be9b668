package dev.tokenstore.testing;

import dev.tokenstore.TokenStoreOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes values in the at-rest format of earlier releases, format 1 ({@code ts1:<keyId>:<base64url
 * of nonce and sealed bytes>}: AES-256-GCM under the raw key, bound to its key id only), for
 * migration tests. Written apart from {@code TokenCipher}, which only reads this format now, so
 * the reader is checked against an independent writer. Test code only.
 */
public final class FormatOneValues {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final String keyId;

    private FormatOneValues(byte[] key, String keyId) {
        this.key = key;
        this.keyId = keyId;
    }

    /** A writer with the options' primary key; with no key (plaintext allowed), values are written {@code plain:}. */
    public static FormatOneValues of(TokenStoreOptions options) {
        if (options.encryptionKeys().isEmpty()) {
            return new FormatOneValues(null, null);
        }
        return new FormatOneValues(options.encryptionKeys().get(options.primaryKeyId()), options.primaryKeyId());
    }

    /** A writer with {@code key} under {@code keyId}. */
    public static FormatOneValues withKey(String keyId, byte[] key) {
        return new FormatOneValues(key.clone(), keyId);
    }

    /** The stored form of {@code value} in format 1; null stays null. */
    public String encrypt(String value) {
        if (value == null) {
            return null;
        }
        if (key == null) {
            return "plain:" + value;
        }
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(("tokenstore:" + keyId).getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return "ts1:" + keyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
