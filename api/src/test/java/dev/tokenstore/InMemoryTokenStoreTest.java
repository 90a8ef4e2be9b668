package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import dev.tokenstore.testing.ConsumeRace;
import dev.tokenstore.testing.TestClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InMemoryTokenStoreTest {
    private final TestClock clock = new TestClock();
    private final InMemoryTokenStore store = new InMemoryTokenStore(clock);

    @Test
    @DisplayName("a state is consumed once; expired ones are empty and removed")
    void statesOneTime() {
        store.storeState(Fixtures.state("s1", Duration.ofMinutes(5)));
        store.storeState(Fixtures.state("s2", Duration.ofMinutes(1)));
        assertEquals("s1", store.consumeState("s1").orElseThrow().state());
        assertEquals(Optional.empty(), store.consumeState("s1"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), store.consumeState("s2"));
        assertEquals(CleanupResult.NONE, store.cleanupExpired(), "expired consume already removed it");
        assertThrows(IllegalArgumentException.class, () -> store.consumeState(" "));
    }

    @Test
    @DisplayName("16 threads racing for one auth code: exactly one winner")
    void authCodeRace() throws Exception {
        for (int round = 0; round < 50; round++) {
            String code = "code-" + round;
            store.storeAuthCode(Fixtures.code(code, Duration.ofMinutes(1)));
            assertEquals(1, ConsumeRace.winners(List.of(store), 16, s -> s.consumeAuthCode(code)), "round " + round);
        }
    }

    @Test
    @DisplayName("sessions: found by access token and id while access lives, by refresh token while refresh lives")
    void sessionExpiry() {
        StoredSession s = Fixtures.session("sid", "u1", "at", "rt");
        store.storeSession(s);
        assertEquals(s, store.loadSessionByAccessToken("at").orElseThrow());
        assertEquals(s, store.loadSessionById("sid").orElseThrow());
        assertEquals(s, store.loadSessionByRefreshToken("rt").orElseThrow());
        clock.advance(Duration.ofHours(1));
        assertTrue(store.loadSessionByAccessToken("at").isEmpty());
        assertTrue(store.loadSessionById("sid").isEmpty());
        assertEquals(s, store.loadSessionByRefreshToken("rt").orElseThrow());
        assertEquals(new CleanupResult(0, 0, 0), store.cleanupExpired(), "refresh still live: kept");
        clock.advance(Duration.ofDays(1));
        assertTrue(store.loadSessionByRefreshToken("rt").isEmpty());
        assertEquals(new CleanupResult(0, 0, 1), store.cleanupExpired());
        assertEquals(CleanupResult.NONE, store.cleanupExpired());
    }

    @Test
    @DisplayName("replacing a session retires its old tokens; another session's token is refused")
    void replaceAndDuplicates() {
        store.storeSession(Fixtures.session("sid", "u1", "at", "rt"));
        store.storeSession(Fixtures.session("sid", "u1", "at2", "rt2"));
        assertTrue(store.loadSessionByAccessToken("at").isEmpty());
        assertTrue(store.loadSessionByRefreshToken("rt").isEmpty());
        assertEquals("sid", store.loadSessionByAccessToken("at2").orElseThrow().sessionId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.storeSession(Fixtures.session("other", "u2", "at2", null)));
        assertTrue(e.getMessage().contains("accessToken"));
        assertTrue(store.loadSessionById("other").isEmpty(), "nothing half-written");
        assertThrows(IllegalArgumentException.class,
                () -> store.storeSession(Fixtures.session("other", "u2", "fresh", "rt2")));
    }

    @Test
    @DisplayName("deletes by access token, id and user")
    void deletes() {
        store.storeSession(Fixtures.session("a", "u1", "at-a", null));
        store.storeSession(Fixtures.session("b", "u1", "at-b", "rt-b"));
        store.storeSession(Fixtures.session("c", "u2", "at-c", null));
        assertTrue(store.deleteSessionByAccessToken("at-a"));
        assertFalse(store.deleteSessionByAccessToken("at-a"));
        assertEquals(1, store.deleteSessionsByUser("u1"));
        assertTrue(store.loadSessionByRefreshToken("rt-b").isEmpty());
        assertTrue(store.deleteSessionById("c"));
        assertFalse(store.deleteSessionById("c"));
        assertEquals(0, store.deleteSessionsByUser("u1"));
    }

    @Test
    @DisplayName("clients are stored, replaced, listed by id and deleted")
    void clients() {
        store.storeClient(Fixtures.client("b"));
        store.storeClient(Fixtures.client("a"));
        assertEquals(List.of("a", "b"), store.listClients().stream().map(ClientRecord::clientId).toList());
        assertTrue(store.deleteClient("a"));
        assertFalse(store.deleteClient("a"));
        assertTrue(store.loadClient("a").isEmpty());
    }

    @Test
    @DisplayName("cleanup counts each kind and keeps live records")
    void cleanupCounts() {
        store.storeState(Fixtures.state("s-live", Duration.ofHours(2)));
        store.storeState(Fixtures.state("s-dead", Duration.ofMinutes(1)));
        store.storeAuthCode(Fixtures.code("c-dead", Duration.ofMinutes(1)));
        store.storeSession(Fixtures.session("dead", "u", "at-dead", null));
        clock.advance(Duration.ofHours(1));
        assertEquals(new CleanupResult(1, 1, 1), store.cleanupExpired());
        assertTrue(store.consumeState("s-live").isPresent());
    }

    @Test
    @DisplayName("after close every call fails with IllegalStateException")
    void closed() {
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.loadClient("x"));
        assertThrows(IllegalStateException.class, () -> store.storeState(Fixtures.state("s", Duration.ofMinutes(1))));
        assertThrows(IllegalStateException.class, () -> store.loadSessionById("x"));
    }
}
