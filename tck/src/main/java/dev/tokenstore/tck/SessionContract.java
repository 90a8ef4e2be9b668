package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.util.Optional;

/**
 * What the session contracts nested in {@link TokenStoreCompatibilityKit} share: the kit (its
 * store under test, clock and data), a stored fresh session, and the check that a session is gone
 * by all three lookups.
 */
abstract class SessionContract {

    abstract TokenStoreCompatibilityKit kit();

    TokenStore store() {
        return kit().store;
    }

    /** A fresh session, stored through the store under test. */
    StoredSession stored() {
        StoredSession s = kit().data.session();
        store().storeSession(s);
        return s;
    }

    /** {@code s} is found by none of its access token, id and refresh token on {@code target}. */
    static void assertGone(TokenStore target, StoredSession s) {
        assertEquals(Optional.empty(), target.loadSessionByAccessToken(s.accessToken()), "by access token");
        assertEquals(Optional.empty(), target.loadSessionById(s.sessionId()), "by id");
        assertEquals(Optional.empty(), target.loadSessionByRefreshToken(s.refreshToken()), "by refresh token");
    }
}
