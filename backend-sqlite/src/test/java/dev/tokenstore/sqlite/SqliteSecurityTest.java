package dev.tokenstore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Nothing secret in the database file, tampering and wrong keys detected, no key no store. */
class SqliteSecurityTest extends SqliteFixture {

    @Test
    void noSecretIsInTheFileOrTheWal() throws IOException {
        TokenStore store = open();
        StoredSession s = data.session("marker-user");
        ClientRecord client = data.client("marker-client");
        StateRecord state = data.state(Duration.ofMinutes(5));
        AuthCodeRecord code = data.code(Duration.ofMinutes(1));
        store.storeSession(s);
        store.storeClient(client);
        store.storeState(state);
        store.storeAuthCode(code);
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("accessToken", s.accessToken());
        secrets.put("refreshToken", s.refreshToken());
        secrets.put("providerAccessToken", s.providerAccessToken());
        secrets.put("providerRefreshToken", s.providerRefreshToken());
        secrets.put("clientSecret", client.clientSecret());
        secrets.put("state", state.state());
        secrets.put("providerCodeVerifier", state.providerCodeVerifier());
        secrets.put("clientState", state.clientState());
        secrets.put("stateCodeChallenge", state.codeChallenge());
        secrets.put("code", code.code());
        secrets.put("codeChallenge", code.codeChallenge());

        String whileOpen = rawBytes();
        assertTrue(whileOpen.contains("marker-client"), "data is written at all");
        assertFalse(whileOpen.contains("marker-user"), "the user id is stored only as a keyed hash");
        store.close();
        String afterClose = rawBytes();
        secrets.forEach((field, value) -> {
            String random = value.substring(value.length() - 43);
            assertFalse(whileOpen.contains(random), field + " is in the clear (open)");
            assertFalse(afterClose.contains(random), field + " is in the clear (closed)");
        });
    }

    @Test
    void tamperedValuesFailWithTokenStoreExceptionAndConsumeKeepsTheRecord() throws SQLException {
        TokenStore store = open();
        StoredSession s = data.session("ada");
        StateRecord state = data.state(Duration.ofMinutes(5));
        store.storeSession(s);
        store.storeState(state);
        store.storeClient(data.client("app"));
        int changed;
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
            changed = st.executeUpdate("UPDATE tokenstore_sessions SET secrets_enc = "
                    + "substr(secrets_enc, 1, 20) || 'A' || substr(secrets_enc, 22) "
                    + "|| 'x'");
            changed += st.executeUpdate("UPDATE tokenstore_clients SET client_secret_enc = 'garbage'");
            changed += st.executeUpdate("UPDATE tokenstore_states SET provider_code_verifier_enc = "
                    + "provider_code_verifier_enc || 'AAAA'");
        }
        assertEquals(3, changed);
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> store.loadSessionByAccessToken(s.accessToken()));
        assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
        assertThrows(TokenStoreException.class, () -> store.loadClient("app"));
        assertThrows(TokenStoreException.class, () -> store.consumeState(state.state()));
        try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tokenstore_states")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "a consume that failed deletes nothing");
        }
    }

    @Test
    void wrongKeyFailsAndKeysRotate() {
        TokenStore store = open();
        StoredSession old = data.session("ada");
        store.storeSession(old);
        store.close();
        byte[] other = "another-key-of-exactly-32-bytes!".getBytes(StandardCharsets.US_ASCII);
        TokenStoreException wrong = assertThrows(TokenStoreException.class, () -> open(b -> b.encryptionKey(other)),
                "a wrong key fails at open (key check value)");
        assertTrue(wrong.getMessage().contains("'default'"), wrong.getMessage());

        Map<String, byte[]> ring = new LinkedHashMap<>();
        ring.put(TokenStoreOptions.DEFAULT_KEY_ID, KEY);
        ring.put("k2", other);
        TokenStore rotated = open(b -> b.encryptionKeys(ring, "k2"));
        assertEquals(Optional.of(old), rotated.loadSessionByAccessToken(old.accessToken()));
        StoredSession fresh = data.session("bob");
        rotated.storeSession(fresh);
        TokenStore oldKeyOnly = open();
        assertThrows(TokenStoreException.class, () -> oldKeyOnly.loadSessionByAccessToken(fresh.accessToken()));
        assertEquals(Optional.of(old), oldKeyOnly.loadSessionByAccessToken(old.accessToken()));
    }

    @Test
    void noKeyNoStoreUnlessPlaintextIsAllowed() {
        // An empty environment for the options, whatever this JVM's TOKENSTORE_ENCRYPTION_KEY is.
        TokenStoreOptions noKey = TokenStoreOptions.builder().environment(Map.<String, String>of()::get).url(url())
                .clock(clock).build();
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> new SqliteTokenStoreProvider().open(noKey));
        assertTrue(e.getMessage().contains("encryption key"), e.getMessage());
        StoredSession s = data.session("ada");
        try (TokenStore plain = new SqliteTokenStoreProvider().open(noKey.toBuilder().allowPlaintext(true).build())) {
            plain.storeSession(s);
            assertEquals(Optional.of(s), plain.loadSessionById(s.sessionId()));
        }
        // rows written in plaintext are refused by a store that has a key
        TokenStore keyed = open();
        assertThrows(TokenStoreException.class, () -> keyed.loadSessionById(s.sessionId()));
    }

    @Test
    void aKeyInTheEnvironmentIsUsedWhenTheBuilderHasNone() throws IOException {
        Map<String, String> env = Map.of(TokenStoreOptions.ENCRYPTION_KEY_ENV, Base64.getEncoder().encodeToString(KEY));
        TokenStoreOptions fromEnv = TokenStoreOptions.builder().environment(env::get).url(url()).clock(clock).build();
        StoredSession s = data.session("ada");
        try (TokenStore store = new SqliteTokenStoreProvider().open(fromEnv)) {
            store.storeSession(s);
        }
        assertFalse(rawBytes().contains(s.accessToken()), "encrypted with the key from the environment");
        assertEquals(Optional.of(s), open().loadSessionById(s.sessionId()), "the same key given to the builder reads it");
    }

    private String rawBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String suffix : new String[] {"", "-wal"}) {
            Path p = Path.of(file() + suffix);
            if (Files.exists(p)) {
                out.writeBytes(Files.readAllBytes(p));
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void newDatabaseWalAndShmFilesAreOwnerOnly() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class) != null,
                "POSIX permissions are not supported by this file system");
        TokenStore store = open();
        store.storeSession(data.session("perm-user"));
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path p = Path.of(file() + suffix);
            assertTrue(Files.exists(p), p + " exists while the store is open");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p)), p.getFileName() + " is owner-only");
        }
        store.close();
    }
}
