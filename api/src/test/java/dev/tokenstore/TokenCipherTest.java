package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.testing.FormatOneValues;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenCipherTest {
    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);
    private static final TokenCipher.Place PLACE = new TokenCipher.Place("sessions", "secrets_enc", "row");
    /** Format 1 values as an earlier release wrote them under k1 (this release reads them, never writes them). */
    private static final FormatOneValues FORMAT_ONE_K1 = FormatOneValues.withKey("k1", key(1));

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    @Test
    @DisplayName("round trip, fresh nonce per value, key id in the ciphertext, no plaintext visible")
    void roundTrip() {
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        String a = FORMAT_ONE_K1.encrypt("my-secret-token-ünïcødé");
        String b = FORMAT_ONE_K1.encrypt("my-secret-token-ünïcødé");
        assertNotEquals(a, b);
        assertTrue(a.startsWith("ts1:k1:"), a);
        assertFalse(a.contains("my-secret"));
        assertEquals("my-secret-token-ünïcødé", cipher.decrypt(a));
        assertEquals("", cipher.decrypt(FORMAT_ONE_K1.encrypt("")));
        assertNull(cipher.encrypt(null, PLACE));
        assertNull(cipher.decrypt(null));
        assertTrue(cipher.encrypts());
    }

    @Test
    @DisplayName("rotation: the primary key encrypts, older keys still decrypt")
    void rotation() {
        TokenCipher old = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        String written = FORMAT_ONE_K1.encrypt("token");
        Map<String, byte[]> ring = new LinkedHashMap<>();
        ring.put("k1", K1);
        ring.put("k2", K2);
        TokenCipher rotated = TokenCipher.withKeys(ring, "k2");
        assertEquals("token", rotated.decrypt(written));
        String rewritten = rotated.encrypt("token", PLACE);
        assertTrue(rewritten.startsWith("ts2:k2:"));
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> old.decrypt(rewritten, PLACE));
        assertTrue(e.getMessage().contains("k2"), e.getMessage());
    }

    @Test
    @DisplayName("a wrong key under the same id fails authentication, never returns garbage")
    void wrongKey() {
        String written = FORMAT_ONE_K1.encrypt("token");
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> TokenCipher.withKeys(Map.of("k1", K2), "k1").decrypt(written));
        assertTrue(e.getMessage().contains("wrong key or tampered"), e.getMessage());
        assertTrue(e.getCause() instanceof javax.crypto.AEADBadTagException);
    }

    @Test
    @DisplayName("tampered, truncated, foreign or re-labelled values are rejected")
    void tamper() {
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1, "k2", K2), "k1");
        String written = FORMAT_ONE_K1.encrypt("token");
        String body = written.substring("ts1:k1:".length());
        byte[] raw = Base64.getUrlDecoder().decode(body);
        raw[raw.length - 1] ^= 1;
        String flipped = "ts1:k1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThrows(TokenStoreException.class, () -> cipher.decrypt(flipped));
        assertThrows(TokenStoreException.class, () -> cipher.decrypt("ts1:k1:" + body.substring(0, 10)));
        assertThrows(TokenStoreException.class, () -> cipher.decrypt("ts1:k1:%%%notbase64"));
        assertThrows(TokenStoreException.class, () -> cipher.decrypt("ts1:k2:" + body), "key id is authenticated");
        assertThrows(TokenStoreException.class, () -> cipher.decrypt("garbage"));
        assertThrows(TokenStoreException.class, () -> cipher.decrypt("ts1:nokeyid"));
        TokenStoreException plain = assertThrows(TokenStoreException.class, () -> cipher.decrypt("plain:token"));
        assertTrue(plain.getMessage().contains("unencrypted"));
    }

    @Test
    @DisplayName("keys of the wrong length, or a primary id not in the ring, are rejected")
    void badKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenCipher.withKeys(Map.of("k1", new byte[16]), "k1"));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenCipher.withKeys(Map.of("k1", K1), "k9"));
        assertThrows(IllegalArgumentException.class, () -> TokenStoreOptions.builder().encryptionKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> TokenCipher.withKeys(Map.of("a:b", K1), "a:b"));
    }

    @Test
    @DisplayName("no key: refuses unless plaintext is allowed, whatever the real environment holds")
    void plaintextOnlyWhenAllowed() {
        TokenStoreOptions none = TokenStoreOptions.builder().environment(Map.<String, String>of()::get).build();
        assertTrue(none.encryptionKeys().isEmpty());
        TokenStoreException refused = assertThrows(TokenStoreException.class, () -> TokenCipher.fromOptions(none));
        assertTrue(refused.getMessage().contains("encryption key")
                && refused.getMessage().contains(TokenStoreOptions.ENCRYPTION_KEY_ENV), refused.getMessage());
        TokenCipher allowed = TokenCipher.fromOptions(none.toBuilder().allowPlaintext(true).build());
        assertFalse(allowed.encrypts());
        assertEquals("plain:v", allowed.encrypt("v", PLACE));

        TokenStoreOptions keyed = TokenStoreOptions.builder().encryptionKeys(Map.of("x", K1), "x").build();
        assertTrue(TokenCipher.fromOptions(keyed).encrypts());
        assertTrue(TokenCipher.fromOptions(keyed.toBuilder().allowPlaintext(true).build()).encrypts(),
                "allowPlaintext never turns encryption off when there is a key");
        TokenCipher plain = TokenCipher.plaintext();
        assertEquals("plain:v", plain.encrypt("v", PLACE));
        assertEquals("v", plain.decrypt("plain:v"));
        assertThrows(TokenStoreException.class, () -> plain.decrypt(FORMAT_ONE_K1.encrypt("v")));
    }

    @Test
    @DisplayName("keys plus allowPlaintext: encrypts, reads a plaintext store's values and probes its user hash")
    void keysWithAllowPlaintextTakeOverAPlaintextStore() {
        TokenStoreOptions keyed = TokenStoreOptions.builder().encryptionKeys(Map.of("x", K1), "x").build();
        TokenCipher strict = TokenCipher.fromOptions(keyed);
        TokenCipher takeover = TokenCipher.fromOptions(keyed.toBuilder().allowPlaintext(true).build());
        TokenCipher plain = TokenCipher.plaintext();
        TokenCipher.Place place = new TokenCipher.Place("sessions", "secrets_enc", "row");
        String written = plain.encrypt("v", place);

        TokenStoreException refused = assertThrows(TokenStoreException.class, () -> strict.decrypt(written, place));
        assertTrue(refused.getMessage().contains("allowPlaintext"), refused.getMessage());
        assertEquals("v", takeover.decrypt(written, place));
        assertTrue(takeover.encrypt("v", place).startsWith("ts2:x:"), "writes are encrypted");
        assertFalse(takeover.isCurrent(written), "re-encryption rewrites plaintext values");
        assertEquals(java.util.List.of(takeover.keyedHash("user"), plain.keyedHash("user")),
                takeover.keyedHashes("user"), "the primary key's hash first, the plaintext store's last");
        assertEquals(java.util.List.of(strict.keyedHash("user")), strict.keyedHashes("user"));
        assertTrue(takeover.toString().contains("reads plaintext"), takeover.toString());
    }

    @Test
    @DisplayName("keys come from TOKENSTORE_ENCRYPTION_KEY in the options' environment unless the builder has keys")
    void keysFromTheEnvironment() {
        String b1 = Base64.getEncoder().encodeToString(K1);
        String b2 = Base64.getEncoder().encodeToString(K2);
        Map<String, String> env = Map.of(TokenStoreOptions.ENCRYPTION_KEY_ENV, "new:" + b2 + ",old:" + b1);
        TokenStoreOptions fromEnv = TokenStoreOptions.builder().environment(env::get).build();
        assertEquals("new", fromEnv.primaryKeyId());
        assertEquals(Set.of("new", "old"), fromEnv.encryptionKeys().keySet());
        assertTrue(Arrays.equals(K2, fromEnv.encryptionKeys().get("new")));
        assertTrue(TokenCipher.fromOptions(fromEnv).encrypt("v", PLACE).startsWith("ts2:new:"));
        assertEquals(fromEnv.encryptionKeys().keySet(), fromEnv.toBuilder().build().encryptionKeys().keySet(),
                "a rebuilt copy keeps the keys it was built with");

        TokenStoreOptions builderWins = TokenStoreOptions.builder().environment(env::get).encryptionKey(K1).build();
        assertEquals(Set.of(TokenStoreOptions.DEFAULT_KEY_ID), builderWins.encryptionKeys().keySet());

        TokenStoreOptions bare = TokenStoreOptions.builder()
                .environment(Map.of(TokenStoreOptions.ENCRYPTION_KEY_ENV, b1)::get).build();
        assertEquals(TokenStoreOptions.DEFAULT_KEY_ID, bare.primaryKeyId());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TokenStoreOptions.builder()
                .environment(Map.of(TokenStoreOptions.ENCRYPTION_KEY_ENV, "not-a-key")::get).build());
        assertTrue(bad.getMessage().startsWith(TokenStoreOptions.ENCRYPTION_KEY_ENV), bad.getMessage());
        assertFalse(bad.getMessage().contains("not-a-key"), "the value is not echoed");
        IllegalArgumentException nullLookup = assertThrows(IllegalArgumentException.class,
                () -> TokenStoreOptions.builder().environment(null));
        assertTrue(nullLookup.getMessage().contains("environment"), nullLookup.getMessage());
        assertFalse(builderWins.toString().contains(b1), "options never print keys");
    }

    @Test
    @DisplayName("key specs: bare base64 gets id 'default'; kid:key pairs, first primary")
    void parseKeySpecs() {
        String b1 = Base64.getEncoder().encodeToString(K1);
        String b2 = Base64.getUrlEncoder().encodeToString(K2);
        EncryptionKeys.Parsed bare = EncryptionKeys.parse(b1, "TEST");
        assertEquals("default", bare.primaryId());
        assertTrue(Arrays.equals(K1, bare.keys().get("default")));
        EncryptionKeys.Parsed pairs = EncryptionKeys.parse("new:" + b2 + ", old:" + b1, "TEST");
        assertEquals("new", pairs.primaryId());
        assertEquals(2, pairs.keys().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncryptionKeys.parse(Base64.getEncoder().encodeToString(new byte[8]), "TEST"));
        assertTrue(e.getMessage().startsWith("TEST"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EncryptionKeys.parse("k:***", "TEST"));
        assertThrows(IllegalArgumentException.class, () -> EncryptionKeys.parse(" , ", "TEST"));
    }

    @Test
    @DisplayName("options never print passwords or keys")
    void optionsToStringRedacts() {
        TokenStoreOptions o = TokenStoreOptions.builder().url("jdbc:postgresql://h/db?user=a&password=hunter2")
                .password("hunter2").encryptionKey(K1).build();
        assertFalse(o.toString().contains("hunter2"), o.toString());
        assertEquals("jdbc:postgresql://u:****@h/db", Urls.redact("jdbc:postgresql://u:pw@h/db"));
        byte[] copy = o.encryptionKeys().get("default");
        copy[0] = 99;
        assertEquals(1, o.encryptionKeys().get("default")[0], "options hand out copies of keys");
    }
}
