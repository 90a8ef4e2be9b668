package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenCipherTest {
    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    @Test
    @DisplayName("round trip, fresh nonce per value, key id in the ciphertext, no plaintext visible")
    void roundTrip() {
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        String a = cipher.encrypt("my-secret-token-ünïcødé");
        String b = cipher.encrypt("my-secret-token-ünïcødé");
        assertNotEquals(a, b);
        assertTrue(a.startsWith("ts1:k1:"), a);
        assertFalse(a.contains("my-secret"));
        assertEquals("my-secret-token-ünïcødé", cipher.decrypt(a));
        assertEquals("", cipher.decrypt(cipher.encrypt("")));
        assertNull(cipher.encrypt(null));
        assertNull(cipher.decrypt(null));
        assertTrue(cipher.encrypts());
    }

    @Test
    @DisplayName("rotation: the primary key encrypts, older keys still decrypt")
    void rotation() {
        TokenCipher old = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        String written = old.encrypt("token");
        Map<String, byte[]> ring = new LinkedHashMap<>();
        ring.put("k1", K1);
        ring.put("k2", K2);
        TokenCipher rotated = TokenCipher.withKeys(ring, "k2");
        assertEquals("token", rotated.decrypt(written));
        String rewritten = rotated.encrypt("token");
        assertTrue(rewritten.startsWith("ts1:k2:"));
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> old.decrypt(rewritten));
        assertTrue(e.getMessage().contains("k2"), e.getMessage());
    }

    @Test
    @DisplayName("a wrong key under the same id fails authentication, never returns garbage")
    void wrongKey() {
        String written = TokenCipher.withKeys(Map.of("k1", K1), "k1").encrypt("token");
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> TokenCipher.withKeys(Map.of("k1", K2), "k1").decrypt(written));
        assertTrue(e.getMessage().contains("wrong key or tampered"), e.getMessage());
        assertTrue(e.getCause() instanceof javax.crypto.AEADBadTagException);
    }

    @Test
    @DisplayName("tampered, truncated, foreign or re-labelled values are rejected")
    void tamper() {
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1, "k2", K2), "k1");
        String written = cipher.encrypt("token");
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
    @DisplayName("no key: refuses unless plaintext is allowed")
    void plaintextOnlyWhenAllowed() {
        TokenStoreOptions none = TokenStoreOptions.builder().encryptionKeys(Map.of("x", K1), "x").build();
        assertTrue(TokenCipher.fromOptions(none).encrypts());
        TokenCipher plain = TokenCipher.plaintext();
        assertEquals("plain:v", plain.encrypt("v"));
        assertEquals("v", plain.decrypt("plain:v"));
        assertThrows(TokenStoreException.class, () -> plain.decrypt(TokenCipher.withKeys(Map.of("k1", K1), "k1").encrypt("v")));
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
