package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionSecretsTest {
    @Test
    void everyFieldReadsBackWhateverItHolds() {
        for (SessionSecrets s : List.of(
                new SessionSecrets("{\"userId\":\"u:1\",\"name\":\"Ada 12:34-\"}", "at", "rt", "pat", "prt"),
                new SessionSecrets("{}", "at", null, null, null),
                new SessionSecrets("", "", "", "", ""),
                new SessionSecrets("{\"n\":\"\u00e9\u4e2d\ud83d\ude00\"}", "12:34", "-", "9:", null),
                new SessionSecrets(null, null, null, null, null))) {
            assertEquals(s, SessionSecrets.decode(s.encode()), s.encode());
        }
    }

    @Test
    void aMalformedValueIsRefusedNamingWhatIsWrong() {
        for (String bad : List.of("", "3:ab", "x:abc----", "2:at-----extra", "-----x", "1:a-", "999999999999:a")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionSecrets.decode(bad),
                    bad);
            assertTrue(e.getMessage().startsWith("session secrets value is malformed"), e.getMessage());
        }
    }

    @Test
    void toStringShowsNoSecret() {
        String shown = new SessionSecrets("{\"email\":\"ada@example.com\"}", "access-secret", "refresh-secret",
                null, "provider-refresh").toString();
        for (String secret : List.of("ada@example.com", "access-secret", "refresh-secret", "provider-refresh")) {
            assertFalse(shown.contains(secret), shown);
        }
    }
}
