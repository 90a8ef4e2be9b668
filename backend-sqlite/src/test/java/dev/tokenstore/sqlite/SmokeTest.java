package dev.tokenstore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmokeTest extends SqliteFixture {
    @Test
    void roundTrip() {
        TokenStore store = open();
        StateRecord st = data.state(Duration.ofMinutes(5));
        store.storeState(st);
        assertEquals(Optional.of(st), store.consumeState(st.state()));
        assertEquals(Optional.empty(), store.consumeState(st.state()));
        StoredSession s = data.session("u1");
        store.storeSession(s);
        assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
    }
}
