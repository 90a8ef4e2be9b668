package dev.tokenstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.redis.testing.RedisTestServer;
import dev.tokenstore.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Durability: with {@code appendonly yes} and {@code appendfsync always} (the README's safest
 * standalone setting), a server killed with SIGKILL right after the writes were acknowledged and
 * started again on its AOF has lost none of them: sessions, rotations, revocations (tombstones),
 * consumed and unconsumed one-time values, clients.
 */
class AofRestartTest {
    private static final byte[] KEY = "aof-restart-test-key-of-32-bytes".getBytes(StandardCharsets.US_ASCII);
    private static RedisTestServer server;

    @BeforeAll
    static void start() {
        server = RedisTestServer.startNew(List.of("--appendonly", "yes", "--appendfsync", "always"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RedisTokenStore open() {
        return RedisTokenStore.open(TokenStoreOptions.builder().url(server.url()).encryptionKey(KEY)
                .clock(Clock.systemUTC()).build());
    }

    @Test
    void nothingAcknowledgedIsLostAcrossAKillAndRestart() {
        TestRecords data = new TestRecords(Clock.systemUTC());
        List<StoredSession> kept = new ArrayList<>();
        List<StoredSession> revoked = new ArrayList<>();
        StoredSession rotatedFrom;
        StoredSession rotatedTo;
        StateRecord state = data.state(Duration.ofMinutes(10));
        AuthCodeRecord consumed = data.code(Duration.ofMinutes(10));
        AuthCodeRecord code = data.code(Duration.ofMinutes(10));
        ClientRecord client = data.client("aof-client");
        try (RedisTokenStore store = open()) {
            for (int i = 0; i < 50; i++) {
                StoredSession s = data.session("aof-user-" + (i % 5));
                store.storeSession(s);
                (i % 5 == 0 ? revoked : kept).add(s);
            }
            revoked.forEach(s -> store.deleteSessionById(s.sessionId()));
            rotatedFrom = data.session("aof-rotating");
            store.storeSession(rotatedFrom);
            rotatedTo = data.rotated(rotatedFrom);
            assertInstanceOf(Rotation.Rotated.class, store.rotateSession(rotatedFrom.refreshToken(), rotatedTo));
            store.storeState(state);
            store.storeAuthCode(code);
            store.storeAuthCode(consumed);
            assertEquals(Optional.of(consumed), store.consumeAuthCode(consumed.code()));
            store.storeClient(client);
        }
        server.stop(); // SIGKILL: no shutdown save, only what the AOF holds
        server.start();
        try (RedisTokenStore store = open()) {
            for (StoredSession s : kept) {
                assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
            }
            for (StoredSession s : revoked) {
                assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
                TokenStoreException refused = assertThrows(TokenStoreException.class, () -> store.storeSession(s),
                        "the tombstone survived");
                assertEquals(TokenStoreException.Kind.REFUSED, refused.kind());
            }
            assertEquals(Optional.of(rotatedTo), store.loadSessionByRefreshToken(rotatedTo.refreshToken()));
            assertEquals(Optional.empty(), store.loadSessionByRefreshToken(rotatedFrom.refreshToken()));
            assertInstanceOf(Rotation.Reused.class, store.rotateSession(rotatedFrom.refreshToken(),
                    data.rotated(rotatedTo)), "the retired token survived");
            assertEquals(Optional.empty(), store.consumeAuthCode(consumed.code()), "a consumed code stays consumed");
            assertEquals(Optional.of(code), store.consumeAuthCode(code.code()));
            assertEquals(Optional.of(state), store.consumeState(state.state()));
            assertEquals(Optional.of(client), store.loadClient("aof-client"));
        }
    }
}
