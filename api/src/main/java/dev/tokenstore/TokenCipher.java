package dev.tokenstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts token values, provider tokens, client secrets, ids and user data for storage.
 *
 * <p>Format 2 ({@link #encrypt(String, Place)}), what stores write:
 * {@code ts2:<keyId>:<base64url(salt | nonce | ciphertext | tag)>}. Each value is encrypted with
 * AES-256-GCM under a derived key, from the master key of {@code keyId} and a random 128-bit salt
 * stored with the value (NIST SP 800-108 counter-mode KDF, one block of HMAC-SHA-256), and a
 * random 96-bit nonce of its own. All threads of a cipher share one derived key (one salt) for
 * at most {@value #VALUES_PER_DERIVED_KEY} values before one of them draws a new salt, so no
 * derived key comes near GCM's 2<sup>32</sup> random-nonce bound (the chance of a repeated nonce
 * under one derived key is below 2<sup>-57</sup>) and one master key encrypts without a practical
 * bound; deriving and expanding an AES key for every value would cost about four times the
 * encryption itself. For decrypting, each thread keeps the last {@value #DECRYPTING_KEYS_PER_THREAD}
 * derived keys it used, each in a cipher of its own, so reading rows written in the same period
 * (one salt) derives and expands no key at all. (What sharing a salt tells a reader of the
 * database: that values were written by one process close together in time.) The
 * associated data binds the value to its {@link Place}: the format version, table, column, the
 * key of the row it is stored in, and the key id. A value copied to another row or column, a
 * wrong key, an unknown key id, a tampered or truncated value fails with
 * {@link TokenStoreException}, never garbage.
 *
 * <p>Format 1 ({@code ts1:<keyId>:<base64url(nonce | ciphertext | tag)>}, bound to the key id only)
 * is still read, so databases written before format 2 keep working; stores rewrite such values in
 * format 2 whenever they rewrite the row, and re-encryption upgrades all of them. Thread-safe.
 *
 * <p>A plaintext cipher (only through {@code allowPlaintext(true)} and no key) stores
 * {@code plain:<value>}; a cipher with keys refuses such values, unless the options also allow
 * plaintext: then it still encrypts everything it writes but reads the {@code plain:} values a
 * plaintext store left, so a database started without a key can be taken over by one and
 * re-encrypted ({@code KeyRotation.reencrypt()}), after which {@code allowPlaintext} is dropped.
 */
public final class TokenCipher {
    private static final Logger LOG = LoggerFactory.getLogger(TokenCipher.class);
    private static final String ENCRYPTED_PREFIX = "ts1:";
    private static final String BOUND_PREFIX = "ts2:";
    private static final int SALT_BYTES = 16;
    private static final byte[] VALUE_KEY_LABEL = "tokenstore/v2/value-key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_HASH_LABEL = "tokenstore/v2/id-hash".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_CHECK_LABEL = "tokenstore/v2/key-check".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();
    private static final String PLAIN_PREFIX = "plain:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * A thread's AES-GCM ciphers, one for encrypting and one for decrypting format 1 (format 2
     * decrypts with {@link DecryptingKeys}): the JDK skips the AES key expansion when a cipher is
     * initialised with the key it had, so a thread that reads one row and writes another (a
     * rotation) keeps its keys expanded instead of swapping them.
     */
    private static final ThreadLocal<Cipher> AES_GCM_ENCRYPT = ThreadLocal.withInitial(TokenCipher::newCipher);
    private static final ThreadLocal<Cipher> AES_GCM_DECRYPT = ThreadLocal.withInitial(TokenCipher::newCipher);
    /** Values one derived key (one salt) encrypts before a new salt is drawn: 2^20. */
    static final int VALUES_PER_DERIVED_KEY = 1 << 20;
    /** Derived keys (each with its own cipher) a thread keeps for decrypting. */
    static final int DECRYPTING_KEYS_PER_THREAD = 4;

    /** A derived key: the key id and salt it comes from, and how many values it has encrypted. */
    private static final class DerivedKey {
        final String keyId;
        final byte[] salt;
        final SecretKey key;
        final AtomicLong uses = new AtomicLong();

        DerivedKey(String keyId, byte[] salt, SecretKey key) {
            this.keyId = keyId;
            this.salt = salt;
            this.key = key;
        }

        boolean derivedFrom(String id, byte[] head) {
            return keyId.equals(id) && Arrays.equals(salt, 0, SALT_BYTES, head, 0, SALT_BYTES);
        }
    }

    /**
     * A thread's last few decrypting keys, each with a cipher initialised with it (the JDK skips
     * the AES key expansion when a cipher is initialised again with the key it had); replaced
     * round-robin.
     */
    private static final class DecryptingKeys {
        final DerivedKey[] keys = new DerivedKey[DECRYPTING_KEYS_PER_THREAD];
        final Cipher[] ciphers = new Cipher[DECRYPTING_KEYS_PER_THREAD];
        int next;
    }

    /** The derived key every thread encrypts with (see the class comment); null until the first value. */
    private final AtomicReference<DerivedKey> encryptingKey = new AtomicReference<>();
    /** Per thread: the derived keys it decrypted with last. */
    private final ThreadLocal<DecryptingKeys> decryptingKeys = ThreadLocal.withInitial(DecryptingKeys::new);
    private final long valuesPerDerivedKey;

    private final Map<String, SecretKey> keys;
    private final String primaryId;
    /** Whether a cipher with keys reads {@code plain:} values (keys plus {@code allowPlaintext(true)}). */
    private final boolean readsPlaintext;
    /** Per key id: a thread's HMAC-SHA-256 keyed with the master key (the KDF). */
    private final Map<String, ThreadLocal<Mac>> kdf;
    /** Per key id: a thread's HMAC-SHA-256 keyed with the id-hash key derived from the master key. */
    private final Map<String, ThreadLocal<Mac>> idHash;

    /**
     * Where a value is stored: table (without prefix), column, and the key of its row (the hash
     * the row is looked up by). Part of the associated data of format 2.
     */
    public record Place(String table, String column, String rowKey) {
        public Place {
            Checks.requireText(table, "table");
            Checks.requireText(column, "column");
            Checks.requireNonNull(rowKey, "rowKey");
        }
    }

    private TokenCipher(Map<String, SecretKey> keys, String primaryId, long valuesPerDerivedKey,
                        boolean readsPlaintext) {
        this.valuesPerDerivedKey = valuesPerDerivedKey;
        this.keys = keys;
        this.primaryId = primaryId;
        this.readsPlaintext = readsPlaintext;
        Map<String, ThreadLocal<Mac>> kdfs = new LinkedHashMap<>();
        Map<String, ThreadLocal<Mac>> ids = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            kdfs.put(id, ThreadLocal.withInitial(() -> hmac(key.getEncoded())));
            byte[] idKey = derive(hmac(key.getEncoded()), ID_HASH_LABEL, new byte[0]);
            ids.put(id, ThreadLocal.withInitial(() -> hmac(idKey)));
        });
        this.kdf = Collections.unmodifiableMap(kdfs);
        this.idHash = Collections.unmodifiableMap(ids);
    }

    /**
     * The cipher the options ask for: their key ring, or (with no key and
     * {@code allowPlaintext(true)}) plaintext with one warning logged.
     *
     * @throws TokenStoreException if there is no key and plaintext was not allowed
     */
    public static TokenCipher fromOptions(TokenStoreOptions options) {
        if (!options.encryptionKeys().isEmpty()) {
            if (options.allowPlaintext()) {
                LOG.warn("tokenstore encrypts what it writes but also reads values stored UNENCRYPTED by a store "
                        + "without a key (encryption keys and allowPlaintext=true): run KeyRotation.reencrypt(), "
                        + "then remove allowPlaintext");
                return withKeys(options.encryptionKeys(), options.primaryKeyId(), VALUES_PER_DERIVED_KEY, true);
            }
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
        return withKeys(keysById, primaryId, VALUES_PER_DERIVED_KEY, false);
    }

    /** As {@link #withKeys}, with another bound of values per derived key (tests of the renewal). */
    static TokenCipher withKeys(Map<String, byte[]> keysById, String primaryId, long valuesPerDerivedKey) {
        return withKeys(keysById, primaryId, valuesPerDerivedKey, false);
    }

    private static TokenCipher withKeys(Map<String, byte[]> keysById, String primaryId, long valuesPerDerivedKey,
                                        boolean readsPlaintext) {
        EncryptionKeys.validate(keysById, primaryId);
        Map<String, SecretKey> ring = new LinkedHashMap<>();
        keysById.forEach((id, key) -> ring.put(id, new SecretKeySpec(key, "AES")));
        return new TokenCipher(Collections.unmodifiableMap(ring), primaryId, valuesPerDerivedKey, readsPlaintext);
    }

    /** A cipher that stores values readable by anyone with the database. Development only. */
    public static TokenCipher plaintext() {
        return new TokenCipher(Map.of(), null, VALUES_PER_DERIVED_KEY, false);
    }

    /** True if values are really encrypted. */
    public boolean encrypts() {
        return primaryId != null;
    }

    /** Id of the key new values are encrypted with; null for a plaintext cipher. */
    public String primaryKeyId() {
        return primaryId;
    }

    /** The key ids of the ring, primary included (empty for a plaintext cipher). */
    public java.util.Set<String> keyIds() {
        return keys.keySet();
    }

    /**
     * The stored form of {@code value} in format 2, bound to {@code place}; null stays null.
     */
    public String encrypt(String value, Place place) {
        if (value == null) {
            return null;
        }
        if (!encrypts()) {
            return PLAIN_PREFIX + value;
        }
        DerivedKey derived = encryptingKeyForOneMoreValue();
        byte[] head = new byte[SALT_BYTES + NONCE_BYTES];
        System.arraycopy(derived.salt, 0, head, 0, SALT_BYTES);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, head, SALT_BYTES, NONCE_BYTES);
        try {
            Cipher cipher = AES_GCM_ENCRYPT.get();
            cipher.init(Cipher.ENCRYPT_MODE, derived.key, new GCMParameterSpec(TAG_BITS, head,
                    SALT_BYTES, NONCE_BYTES));
            cipher.updateAAD(aad(place, primaryId));
            byte[] plain = value.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[head.length + cipher.getOutputSize(plain.length)];
            System.arraycopy(head, 0, out, 0, head.length);
            cipher.doFinal(plain, 0, plain.length, out, head.length);
            return BOUND_PREFIX + primaryId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new TokenStoreException("encryption failed with key id '" + primaryId + "'", e);
        }
    }

    /**
     * The value behind a stored form written for {@code place} (format 2), or behind a format 1
     * value (not bound to a place); null stays null.
     *
     * @throws TokenStoreException if the value cannot be authenticated with the configured keys
     *                             for this place (wrong key, tampered, or moved from another row or column)
     */
    public String decrypt(String stored, Place place) {
        if (stored == null || !stored.startsWith(BOUND_PREFIX)) {
            return decrypt(stored);
        }
        int colon = stored.indexOf(':', BOUND_PREFIX.length());
        if (colon < 0) {
            throw new TokenStoreException("encrypted value has no key id (corrupt or truncated)");
        }
        String keyId = stored.substring(BOUND_PREFIX.length(), colon);
        requireKey(keyId);
        byte[] raw = base64(stored, colon);
        if (raw.length < SALT_BYTES + NONCE_BYTES + TAG_BITS / 8) {
            throw new TokenStoreException("encrypted value is too short (truncated)");
        }
        try {
            DecryptingKeys held = decryptingKeys.get();
            int slot = 0;
            while (slot < DECRYPTING_KEYS_PER_THREAD
                    && (held.keys[slot] == null || !held.keys[slot].derivedFrom(keyId, raw))) {
                slot++;
            }
            if (slot == DECRYPTING_KEYS_PER_THREAD) {
                slot = held.next;
                held.next = (slot + 1) % DECRYPTING_KEYS_PER_THREAD;
                held.keys[slot] = new DerivedKey(keyId, Arrays.copyOf(raw, SALT_BYTES), valueKey(keyId, raw));
                if (held.ciphers[slot] == null) {
                    held.ciphers[slot] = newCipher();
                }
            }
            DerivedKey derived = held.keys[slot];
            Cipher cipher = held.ciphers[slot];
            cipher.init(Cipher.DECRYPT_MODE, derived.key, new GCMParameterSpec(TAG_BITS, raw, SALT_BYTES,
                    NONCE_BYTES));
            cipher.updateAAD(aad(place, keyId));
            int offset = SALT_BYTES + NONCE_BYTES;
            byte[] plain = cipher.doFinal(raw, offset, raw.length - offset);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new TokenStoreException("encrypted value in " + place.table() + "." + place.column()
                    + " failed authentication with key id '" + keyId
                    + "': wrong key, tampered data, or a value moved from another row or column", e);
        } catch (GeneralSecurityException e) {
            throw new TokenStoreException("decryption failed with key id '" + keyId + "'", e);
        }
    }

    /**
     * The key id a stored value was encrypted with (either format), or null for null and
     * unencrypted values.
     */
    public static String keyIdOf(String stored) {
        if (stored == null || !(stored.startsWith(BOUND_PREFIX) || stored.startsWith(ENCRYPTED_PREFIX))) {
            return null;
        }
        int colon = stored.indexOf(':', BOUND_PREFIX.length());
        return colon < 0 ? null : stored.substring(BOUND_PREFIX.length(), colon);
    }

    /**
     * True if {@code stored} is an encrypted value of format 1, bound to its key id only and not to
     * its place (a store may refuse such values once re-encryption has upgraded them all).
     */
    public static boolean isUnbound(String stored) {
        return stored != null && stored.startsWith(ENCRYPTED_PREFIX);
    }

    /** True if {@code stored} is already in format 2 under the primary key (re-encryption leaves it). */
    public boolean isCurrent(String stored) {
        if (stored == null) {
            return true;
        }
        return encrypts() ? stored.startsWith(BOUND_PREFIX + primaryId + ":") : stored.startsWith(PLAIN_PREFIX);
    }

    /**
     * A keyed hash of an identifier (a user id) under the primary key, to index it without storing
     * it: {@code <keyId>:<hex HMAC-SHA-256>} with a key derived from the master key. A plaintext
     * cipher gives {@code plain:<SHA-256 hex>}.
     */
    public String keyedHash(String id) {
        return encrypts() ? keyedHash(primaryId, id) : PLAIN_PREFIX + TokenHash.sha256Hex(id);
    }

    /**
     * {@link #keyedHash} of {@code id} under every key of the ring, primary first, and (for a
     * cipher that reads plaintext) the plaintext store's form last: the values to probe.
     */
    public java.util.List<String> keyedHashes(String id) {
        if (!encrypts()) {
            return java.util.List.of(keyedHash(id));
        }
        java.util.List<String> out = new java.util.ArrayList<>(keys.size() + 1);
        out.add(keyedHash(primaryId, id));
        for (String keyId : keys.keySet()) {
            if (!keyId.equals(primaryId)) {
                out.add(keyedHash(keyId, id));
            }
        }
        if (readsPlaintext) {
            out.add(PLAIN_PREFIX + TokenHash.sha256Hex(id)); // what a plaintext store wrote
        }
        return out;
    }

    private String keyedHash(String keyId, String id) {
        Mac mac = idHash.get(keyId).get();
        return keyId + ":" + HEX.formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A check value for key {@code keyId}: a derived value (not the key, and not usable to find it)
     * that a store keeps so it can tell at open whether it was given the same key for that id.
     */
    public String checkValue(String keyId) {
        requireKey(keyId);
        byte[] check = derive(kdf.get(keyId).get(), KEY_CHECK_LABEL, new byte[0]);
        return HEX.formatHex(check, 0, 16);
    }

    /**
     * The value behind a stored form of format 1 (or plaintext); null stays null. Format 2 values
     * need their place: {@link #decrypt(String, Place)}.
     *
     * @throws TokenStoreException if the value cannot be authenticated with the configured keys
     */
    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        if (stored.startsWith(PLAIN_PREFIX)) {
            if (encrypts() && !readsPlaintext) {
                throw new TokenStoreException("found an unencrypted value but this store requires encryption "
                        + "(was the data written with allowPlaintext(true)? to take it over, open with the keys and "
                        + "allowPlaintext(true), run KeyRotation.reencrypt(), then remove allowPlaintext)");
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
            Cipher cipher = AES_GCM_DECRYPT.get();
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
        return encrypts() ? "TokenCipher[AES-256-GCM, keys=" + keys.keySet() + ", primary=" + primaryId
                + (readsPlaintext ? ", reads plaintext" : "") + "]" : "TokenCipher[plaintext]";
    }

    private void requireKey(String keyId) {
        if (!encrypts()) {
            throw new TokenStoreException("value is encrypted with key id '" + keyId
                    + "' but no encryption key is configured");
        }
        if (!keys.containsKey(keyId)) {
            throw new TokenStoreException("value is encrypted with key id '" + keyId
                    + "', which is not among the configured keys " + keys.keySet());
        }
    }

    private static byte[] base64(String stored, int colon) {
        try {
            return Base64.getUrlDecoder().decode(stored.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new TokenStoreException("encrypted value is not valid base64 (corrupt or tampered)", e);
        }
    }

    /** The AES key of one value: KDF(master key of keyId, salt = the first SALT_BYTES of head). */
    /**
     * The shared derived key, counting one more value against its bound; past the bound, a new
     * salt and key (if two threads renew at once, one key wins and both use it).
     */
    private DerivedKey encryptingKeyForOneMoreValue() {
        while (true) {
            DerivedKey current = encryptingKey.get();
            if (current != null && current.uses.getAndIncrement() < valuesPerDerivedKey) {
                return current;
            }
            byte[] salt = new byte[SALT_BYTES];
            RANDOM.nextBytes(salt);
            DerivedKey fresh = new DerivedKey(primaryId, salt, valueKey(primaryId, salt));
            fresh.uses.set(1);
            if (encryptingKey.compareAndSet(current, fresh)) {
                return fresh;
            }
        }
    }

    private SecretKey valueKey(String keyId, byte[] head) {
        Mac mac = kdf.get(keyId).get();
        mac.update((byte) 1);
        mac.update(VALUE_KEY_LABEL);
        mac.update((byte) 0);
        mac.update(head, 0, SALT_BYTES);
        mac.update((byte) 1);
        mac.update((byte) 0);
        return new SecretKeySpec(mac.doFinal(), "AES");
    }

    /** One block of the counter-mode KDF: HMAC(key, 0x01 | label | 0x00 | context | 256 bits). */
    private static byte[] derive(Mac keyed, byte[] label, byte[] context) {
        keyed.update((byte) 1);
        keyed.update(label);
        keyed.update((byte) 0);
        keyed.update(context);
        keyed.update((byte) 1);
        keyed.update((byte) 0);
        return keyed.doFinal();
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] aad(Place place, String keyId) {
        return ("ts2\0" + place.table() + "\0" + place.column() + "\0" + place.rowKey() + "\0" + keyId)
                .getBytes(StandardCharsets.UTF_8);
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
