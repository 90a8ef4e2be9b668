package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyListOptionTest {
    private static final byte[] K1 = new byte[32];
    private static final byte[] K2 = "another-key-of-exactly-32-bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void aKeyListInTheEnvironmentFormatSetsTheKeysPrimaryFirst() {
        String b1 = Base64.getEncoder().encodeToString(K1);
        String b2 = Base64.getEncoder().encodeToString(K2);
        TokenStoreOptions options = TokenStoreOptions.builder().encryptionKeys("k2:" + b2 + ", k1:" + b1).build();
        assertEquals("k2", options.primaryKeyId());
        assertEquals(List.of("k2", "k1"), List.copyOf(options.encryptionKeys().keySet()));
        assertArrayEquals(K1, options.encryptionKeys().get("k1"));

        TokenStoreOptions bare = TokenStoreOptions.builder().encryptionKeys(b2).build();
        assertEquals(TokenStoreOptions.DEFAULT_KEY_ID, bare.primaryKeyId());
    }

    @Test
    void badKeyListsNameTheOptionAndNeverShowTheKey() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        for (String bad : List.of("k1:" + shortKey, "k1:not base64!!", " , ", "k1:" + shortKey + ",k1:" + shortKey)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TokenStoreOptions.builder().encryptionKeys(bad));
            assertTrue(e.getMessage().contains("encryptionKeys"), e.getMessage());
            assertFalse(e.getMessage().contains(shortKey), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> TokenStoreOptions.builder().encryptionKeys((String) null));
    }
}
