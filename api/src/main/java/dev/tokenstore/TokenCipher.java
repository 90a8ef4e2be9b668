package dev.tokenstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts token values, provider tokens and client secrets for storage: AES-256-GCM with a
 * random 96-bit nonce per value and the key id inside the ciphertext, so keys can rotate (the
 * primary key encrypts, every key in the ring decrypts). Stored form:
 * {@code ts1:<keyId>:<base64url(nonce | ciphertext | tag)>}; the key id is authenticated too.
 * A wrong key, an unknown key id, a tampered or truncated value fails with
 * {@link TokenStoreException}, never garbage. Thread-safe.
 *
 * <p>A plaintext cipher (only through {@code allowPlaintext(true)} and no key) stores
 * {@code plain:<value>}; a cipher with keys refuses such values.
 */
public final class TokenCipher {
    private static final Logger LOG = LoggerFactory.getLogger(TokenCipher.class);
    private static final String ENCRYPTED_PREFIX = "ts1:";
    private static final String PLAIN_PREFIX = "plain:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> AES_GCM = ThreadLocal.withInitial(TokenCipher::newCipher);

    private final Map<String, SecretKey> keys;
    private final String primaryId;

    private TokenCipher(Map<String, SecretKey> keys, String primaryId) {
        this.keys = keys;
        this.primaryId = primaryId;
    }

    /**
     * The cipher the options ask for: their key ring, or (with no key and
     * {@code allowPlaintext(true)}) plaintext with one warning logged.
     *
     * @throws TokenStoreException if there is no key and plaintext was not allowed
     */
    public static TokenCipher fromOptions(TokenStoreOptions options) {
        if (!options.encryptionKeys().isEmpty()) {
            return withKeys(options.encryptionKeys(), options.primaryKeyId());
        }
        if (!options.allowPlaintext()) {
            throw new TokenStoreException("no encryption key configured: set TokenStoreOptions.encryptionKey(...) "
                    + "or the " + TokenStoreOptions.ENCRYPTION_KEY_ENV + " environment variable "
                    + "(base64 of 32 random bytes), or allowPlaintext(true) for local development only");
        }
        LOG.warn("tokenstore is storing tokens and secrets UNENCRYPTED (allowPlaintext=true); "
                + "never use this outside local development");
        return plaintext();
    }

    /**
     * A cipher over a key ring.
     *
     * @throws IllegalArgumentException if a key is not 32 bytes or the primary id is not in the ring
     */
    public static TokenCipher withKeys(Map<String, byte[]> keysById, String primaryId) {
        EncryptionKeys.validate(keysById, primaryId);
        Map<String, SecretKey> ring = new LinkedHashMap<>();
        keysById.forEach((id, key) -> ring.put(id, new SecretKeySpec(key, "AES")));
        return new TokenCipher(Collections.unmodifiableMap(ring), primaryId);
    }

    /** A cipher that stores values readable by anyone with the database. Development only. */
    public static TokenCipher plaintext() {
        return new TokenCipher(Map.of(), null);
    }

    /** True if values are really encrypted. */
    public boolean encrypts() {
        return primaryId != null;
    }

    /** The stored form of {@code value}; null stays null. */
    public String encrypt(String value) {
        if (value == null) {
            return null;
        }
        if (!encrypts()) {
            return PLAIN_PREFIX + value;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = AES_GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(primaryId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(primaryId));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return ENCRYPTED_PREFIX + primaryId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new TokenStoreException("encryption failed with key id '" + primaryId + "'", e);
        }
    }

    /**
     * The value behind a stored form; null stays null.
     *
     * @throws TokenStoreException if the value cannot be authenticated with the configured keys
     */
    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        if (stored.startsWith(PLAIN_PREFIX)) {
            if (encrypts()) {
                throw new TokenStoreException("found an unencrypted value but this store requires encryption "
                        + "(was the data written with allowPlaintext(true)?)");
            }
            return stored.substring(PLAIN_PREFIX.length());
        }
        if (!stored.startsWith(ENCRYPTED_PREFIX)) {
            throw new TokenStoreException("stored value is not in tokenstore's encrypted format (corrupt or tampered)");
        }
        int colon = stored.indexOf(':', ENCRYPTED_PREFIX.length());
        if (colon < 0) {
            throw new TokenStoreException("encrypted value has no key id (corrupt or truncated)");
        }
        String keyId = stored.substring(ENCRYPTED_PREFIX.length(), colon);
        if (!encrypts()) {
            throw new TokenStoreException("value is encrypted with key id '" + keyId
                    + "' but no encryption key is configured");
        }
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new TokenStoreException("value is encrypted with key id '" + keyId
                    + "', which is not among the configured keys " + keys.keySet());
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(stored.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new TokenStoreException("encrypted value is not valid base64 (corrupt or tampered)", e);
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new TokenStoreException("encrypted value is too short (truncated)");
        }
        try {
            Cipher cipher = AES_GCM.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(aad(keyId));
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new TokenStoreException("encrypted value failed authentication with key id '" + keyId
                    + "': wrong key or tampered data", e);
        } catch (GeneralSecurityException e) {
            throw new TokenStoreException("decryption failed with key id '" + keyId + "'", e);
        }
    }

    @Override
    public String toString() {
        return encrypts() ? "TokenCipher[AES-256-GCM, keys=" + keys.keySet() + ", primary=" + primaryId + "]"
                : "TokenCipher[plaintext]";
    }

    private static byte[] aad(String keyId) {
        return ("tokenstore:" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is missing from this JVM", e);
        }
    }
}
