package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every TokenStore call made on a ForwardingTokenStore reaches its delegate. */
class ForwardingTokenStoreTest {
    private final TestClock clock = new TestClock();
    private final InMemoryTokenStore inner = new InMemoryTokenStore(clock);
    private final TokenStore forwarding = new ForwardingTokenStore() {
        @Override
        protected TokenStore delegate() {
            return inner;
        }
    };

    @Test
    void oneTimeValuesAreStoredAndConsumedInTheDelegate() {
        forwarding.storeState(Fixtures.state("s1", Duration.ofMinutes(5)));
        forwarding.storeAuthCode(Fixtures.code("c1", Duration.ofMinutes(5)));
        assertEquals("s1", forwarding.consumeState("s1").orElseThrow().state());
        assertEquals("c1", forwarding.consumeAuthCode("c1").orElseThrow().code());
        assertEquals(Optional.empty(), inner.consumeState("s1"), "consumed in the delegate");
        assertEquals(Optional.empty(), inner.consumeAuthCode("c1"), "consumed in the delegate");
    }

    @Test
    void sessionsAreStoredLoadedAndDeletedInTheDelegate() {
        StoredSession s = Fixtures.session("sid-1", "u1", "at-1", "rt-1");
        forwarding.storeSession(s);
        assertEquals(Optional.of(s), inner.loadSessionById("sid-1"), "stored in the delegate");
        assertEquals(Optional.of(s), forwarding.loadSessionByAccessToken("at-1"));
        assertEquals(Optional.of(s), forwarding.loadSessionById("sid-1"));
        assertEquals(Optional.of(s), forwarding.loadSessionByRefreshToken("rt-1"));
        assertTrue(forwarding.deleteSessionByAccessToken("at-1"));
        assertEquals(Optional.empty(), inner.loadSessionById("sid-1"));

        // revocations are final: each step below uses a fresh session id
        inner.storeSession(Fixtures.session("sid-3", "u1", "at-3", "rt-3"));
        assertTrue(forwarding.deleteSessionById("sid-3"));
        assertEquals(Optional.empty(), inner.loadSessionById("sid-3"));

        inner.storeSession(Fixtures.session("sid-4", "u1", "at-4", "rt-4"));
        inner.storeSession(Fixtures.session("sid-2", "u1", "at-2", null));
        assertEquals(2, forwarding.deleteSessionsByUser("u1"));
        assertEquals(Optional.empty(), inner.loadSessionById("sid-2"));
    }

    @Test
    void clientsAreStoredListedAndDeletedInTheDelegate() {
        ClientRecord c = Fixtures.client("app");
        forwarding.storeClient(c);
        assertEquals(Optional.of(c), inner.loadClient("app"), "stored in the delegate");
        assertEquals(Optional.of(c), forwarding.loadClient("app"));
        assertEquals(List.of(c), forwarding.listClients());
        assertTrue(forwarding.deleteClient("app"));
        assertEquals(Optional.empty(), inner.loadClient("app"));
        assertFalse(forwarding.deleteClient("app"));
    }

    @Test
    void cleanupCloseAndToStringGoToTheDelegate() {
        inner.storeState(Fixtures.state("old", Duration.ofMinutes(1)));
        clock.advance(Duration.ofMinutes(2));
        assertEquals(new CleanupResult(1, 0, 0), forwarding.cleanupExpired());
        assertEquals(CleanupResult.NONE, inner.cleanupExpired(), "cleaned in the delegate");
        assertEquals(inner.toString(), forwarding.toString());
        forwarding.close();
        assertThrows(IllegalStateException.class, inner::listClients, "the delegate was closed");
    }
}
