package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.TokenCipher.Place;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Format 2: per-value keys, values bound to their place; keyed id hashes; key check values. */
class BoundCipherTest {
    private static final byte[] K1 = key(1);
    private static final byte[] K2 = key(2);
    private static final Place HERE = new Place("sessions", "access_token_enc", "row-a");

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    @Test
    @DisplayName("round trip in format 2, a fresh salt and nonce per value, null stays null")
    void roundTrip() {
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        String a = cipher.encrypt("secret-ünï", HERE);
        String b = cipher.encrypt("secret-ünï", HERE);
        assertTrue(a.startsWith("ts2:k1:"), a);
        assertNotEquals(a, b);
        assertFalse(a.contains("secret"));
        assertEquals("secret-ünï", cipher.decrypt(a, HERE));
        assertEquals("", cipher.decrypt(cipher.encrypt("", HERE), HERE));
        assertNull(cipher.encrypt(null, HERE));
        assertNull(cipher.decrypt(null, HERE));
        assertEquals("k1", TokenCipher.keyIdOf(a));
        assertTrue(cipher.isCurrent(a));
    }

    @Test
    @DisplayName("the shared derived key encrypts a bounded number of values, each with its own nonce; then a new salt")
    void derivedKeysAreBounded() {
        assertEquals(1 << 20, TokenCipher.VALUES_PER_DERIVED_KEY);
        int n = 64;
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1), "k1", n);
        Set<String> nonces = new HashSet<>();
        List<String> saltOf = new java.util.ArrayList<>();
        for (int i = 0; i < 3 * n; i++) {
            String stored = cipher.encrypt("value-" + i, HERE);
            assertTrue(nonces.add(nonce(stored)), "nonce repeated at value " + i);
            saltOf.add(salt(stored));
            assertEquals("value-" + i, TokenCipher.withKeys(Map.of("k1", K1), "k1").decrypt(stored, HERE),
                    "a fresh cipher (no held key) reads value " + i);
        }
        for (int i = 0; i < 3 * n; i++) {
            assertEquals(saltOf.get(i - i % n), saltOf.get(i), "value " + i + " shares its block's derived key");
        }
        assertEquals(3, new HashSet<>(saltOf).size(), "a new salt every " + n + " values");
    }

    @Test
    @DisplayName("threads share the derived key; under concurrent renewal no salt exceeds its bound and no nonce repeats")
    void threadsShareTheBoundedKey() throws Exception {
        int n = 50;
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1), "k1", n);
        String first = cipher.encrypt("x", HERE);
        String[] other = new String[1];
        Thread t = new Thread(() -> other[0] = cipher.encrypt("y", HERE));
        t.start();
        t.join();
        assertEquals(salt(first), salt(other[0]), "another thread uses the same derived key");
        assertEquals("y", cipher.decrypt(other[0], HERE));

        int threads = 8;
        int each = 1_000;
        List<String> all = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<Thread> writers = new java.util.ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int id = w;
            writers.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    all.add(cipher.encrypt(id + "-" + i, HERE));
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread w : writers) {
            w.join();
        }
        assertEquals(threads * each, all.size());
        Map<String, Integer> perSalt = new java.util.HashMap<>();
        Set<String> seen = new HashSet<>();
        for (String stored : all) {
            assertTrue(seen.add(nonce(stored)), "a nonce repeated");
            perSalt.merge(salt(stored), 1, Integer::sum);
        }
        perSalt.forEach((salt, count) -> assertTrue(count <= n, count + " values under one salt, bound " + n));
        TokenCipher reader = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        for (String stored : all) { // many salts interleaved: more than the keys a thread holds
            assertTrue(reader.decrypt(stored, HERE).matches("\\d-\\d+"));
        }
    }

    private static String salt(String stored) {
        return HexFormat.of().formatHex(raw(stored), 0, 16);
    }

    private static String nonce(String stored) {
        return HexFormat.of().formatHex(raw(stored), 16, 28);
    }

    private static byte[] raw(String stored) {
        return Base64.getUrlDecoder().decode(stored.substring(stored.indexOf(':', 4) + 1));
    }

    @Test
    @DisplayName("a value moved to another row, column or table fails loudly")
    void boundToItsPlace() {
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        String a = cipher.encrypt("token", HERE);
        for (Place other : List.of(new Place("sessions", "access_token_enc", "row-b"),
                new Place("sessions", "refresh_token_enc", "row-a"), new Place("clients", "access_token_enc", "row-a"))) {
            TokenStoreException e = assertThrows(TokenStoreException.class, () -> cipher.decrypt(a, other));
            assertTrue(e.getMessage().contains("moved"), e.getMessage());
            assertFalse(e.getMessage().contains("token\""), e.getMessage());
        }
        String swappedKeyId = "ts2:k2:" + a.substring("ts2:k1:".length());
        TokenCipher both = TokenCipher.withKeys(Map.of("k1", K1, "k2", K1), "k1");
        assertThrows(TokenStoreException.class, () -> both.decrypt(swappedKeyId, HERE), "the key id is bound too");
        assertThrows(TokenStoreException.class, () -> cipher.decrypt("ts2:k1:AAAA", HERE), "truncated");
        assertThrows(TokenStoreException.class, () -> TokenCipher.withKeys(Map.of("k1", K2), "k1").decrypt(a, HERE),
                "wrong key");
    }

    @Test
    @DisplayName("format 1 values are still read where a place is given, and are not current")
    void formatOneStillReads() {
        TokenCipher cipher = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        String old = dev.tokenstore.testing.FormatOneValues.withKey("k1", K1).encrypt("token");
        assertTrue(old.startsWith("ts1:k1:"));
        assertEquals("token", cipher.decrypt(old, HERE));
        assertFalse(cipher.isCurrent(old), "re-encryption upgrades it");
        assertEquals("k1", TokenCipher.keyIdOf(old));
    }

    @Test
    @DisplayName("keyed id hashes: stable per key, differ between keys, one per key in the ring, no id visible")
    void keyedHashes() {
        Map<String, byte[]> ring = new LinkedHashMap<>();
        ring.put("k1", K1);
        ring.put("k2", K2);
        TokenCipher k1 = TokenCipher.withKeys(Map.of("k1", K1), "k1");
        TokenCipher rotated = TokenCipher.withKeys(ring, "k2");
        String h1 = k1.keyedHash("user-42");
        assertTrue(h1.startsWith("k1:") && !h1.contains("user-42"), h1);
        assertEquals(h1, k1.keyedHash("user-42"));
        assertNotEquals(h1, k1.keyedHash("user-43"));
        assertNotEquals(TokenHash.sha256Hex("user-42"), h1.substring(3), "keyed, not a plain SHA-256");
        List<String> probes = rotated.keyedHashes("user-42");
        assertEquals(2, probes.size());
        assertTrue(probes.get(0).startsWith("k2:"), "primary first");
        assertEquals(h1, probes.get(1), "the old key's hash is still probed");
        assertEquals(List.of(TokenCipher.plaintext().keyedHash("u")), TokenCipher.plaintext().keyedHashes("u"));
    }

    @Test
    @DisplayName("key check values: same key same value, another key another value, no key bytes")
    void checkValues() {
        String c1 = TokenCipher.withKeys(Map.of("k1", K1), "k1").checkValue("k1");
        assertEquals(c1, TokenCipher.withKeys(Map.of("k1", K1, "k2", K2), "k2").checkValue("k1"));
        assertNotEquals(c1, TokenCipher.withKeys(Map.of("k1", K2), "k1").checkValue("k1"));
        assertEquals(32, c1.length());
        assertFalse(c1.contains("0101010101"), "not the key");
    }

    @Test
    @DisplayName("client secrets compare in constant time; public clients and null never match")
    void secretMatches() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        ClientRecord confidential = new ClientRecord("app", "s3cret", "client_secret_basic", List.of(), List.of(),
                List.of(), null, null, now);
        assertTrue(confidential.secretMatches("s3cret"));
        assertFalse(confidential.secretMatches("s3creT"));
        assertFalse(confidential.secretMatches("s3cret-longer"));
        assertFalse(confidential.secretMatches(""));
        assertFalse(confidential.secretMatches(null));
        ClientRecord publicClient = new ClientRecord("spa", null, "none", List.of(), List.of(), List.of(), null,
                null, now);
        assertFalse(publicClient.secretMatches(""));
        assertFalse(publicClient.secretMatches(null));
    }
}
