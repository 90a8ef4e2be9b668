package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Writes that are final, run by {@link TokenStoreCompatibilityKit} over the store under test (raw
 * or wrapped): a revoked session is never brought back by a later or stale write of it, a refresh
 * token retired by rotation never becomes live again, from this instance or another over the same
 * data. Each refused write is a {@link TokenStoreException} of kind {@code REFUSED} that names the
 * session only by fingerprint.
 */
abstract class FinalityContract extends SessionContract {


    /** A second instance over the same data (skips where the backend has none). */
    private TokenStore other() {
        assumeTrue(kit().storage.sharesData(), "the backend cannot open a second store over the same data");
        return kit().openStore();
    }

    private static void assertRefused(TokenStore target, StoredSession write) {
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> target.storeSession(write));
        assertEquals(TokenStoreException.Kind.REFUSED, e.kind(), "a refused write: " + e);
        String message = String.valueOf(e.getMessage()) + e.getCause();
        assertFalse(message.contains(write.sessionId()), "names the session by fingerprint only: " + message);
        assertFalse(message.contains(write.accessToken()), "no token in the message");
    }


    /** Revokes {@code s} one way on {@code through}, then writes its old copy again on {@code writer}. */
    private void revokeThenRewrite(BiConsumer<TokenStore, StoredSession> revoke, boolean twoInstances) {
        StoredSession s = stored();
        TokenStore writer = twoInstances ? other() : store();
        revoke.accept(store(), s);
        assertRefused(writer, s);
        assertRefused(writer, kit().data.rotated(s));
        assertGone(store(), s);
        assertGone(writer, s);
    }

    @Test
    @DisplayName("a session revoked by id is never stored again: the stale copy is refused")
    void revokedById() {
        revokeThenRewrite((st, s) -> assertTrue(st.deleteSessionById(s.sessionId())), false);
    }

    @Test
    @DisplayName("a session revoked by access token is never stored again")
    void revokedByAccessToken() {
        revokeThenRewrite((st, s) -> assertTrue(st.deleteSessionByAccessToken(s.accessToken())), false);
    }

    @Test
    @DisplayName("a session revoked with all of its user's is never stored again")
    void revokedByUser() {
        revokeThenRewrite((st, s) -> assertEquals(1, st.deleteSessionsByUser(s.userId())), false);
    }

    @Test
    @DisplayName("a session revoked by reuse detection is never stored again")
    void revokedByReuse() {
        revokeThenRewrite((st, s) -> {
            assertInstanceOf(Rotation.Rotated.class, st.rotateSession(s.refreshToken(), kit().data.rotated(s)));
            assertEquals(new Rotation.Reused(s.sessionId()), st.rotateSession(s.refreshToken(), kit().data.rotated(s)));
        }, false);
    }

    @Test
    @DisplayName("a revocation on one instance refuses the late write of another instance (by id and by user)")
    void revokedAcrossInstances() {
        revokeThenRewrite((st, s) -> assertTrue(st.deleteSessionById(s.sessionId())), true);
        revokeThenRewrite((st, s) -> assertEquals(1, st.deleteSessionsByUser(s.userId())), true);
    }

    @Test
    @DisplayName("the tombstone lasts until the session would have expired anyway; then the id may be used again")
    void tombstoneEndsWithTheSession() {
        StoredSession s = kit().data.session("sid-" + TestData.token(), "u-tomb", Duration.ofHours(1), null);
        store().storeSession(s);
        assertTrue(store().deleteSessionById(s.sessionId()));
        kit().clock.advance(Duration.ofMinutes(59));
        assertRefused(store(), s);
        kit().clock.advance(Duration.ofMinutes(2));
        StoredSession again = kit().data.session(s.sessionId(), "u-tomb", Duration.ofHours(1), null);
        store().storeSession(again);
        assertEquals(Optional.of(again), store().loadSessionById(s.sessionId()));
        kit().store.cleanupExpired();
        assertEquals(Optional.of(again), store().loadSessionById(s.sessionId()), "cleanup keeps the new session");
    }

    @Test
    @DisplayName("expiry and cleanup are not revocations: a session removed by cleanup may be stored again")
    void cleanupIsNoRevocation() {
        StoredSession s = kit().data.session("sid-" + TestData.token(), "u-clean", Duration.ofMinutes(5), null);
        store().storeSession(s);
        kit().clock.advance(Duration.ofMinutes(6));
        assertEquals(1, store().cleanupExpired().sessions());
        StoredSession again = kit().data.session(s.sessionId(), "u-clean", Duration.ofHours(1), null);
        store().storeSession(again);
        assertEquals(Optional.of(again), store().loadSessionById(s.sessionId()));
    }

    @Test
    @DisplayName("a stale copy carrying a refresh token retired by rotation is refused; the token stays retired")
    void staleCopyAfterRotation() {
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        assertEquals(new Rotation.Rotated(s), store().rotateSession(s.refreshToken(), next));
        assertRefused(store(), s);
        assertEquals(Optional.empty(), store().loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(Optional.of(next), store().loadSessionById(s.sessionId()), "the rotated session is untouched");
        assertEquals(new Rotation.Reused(s.sessionId()), store().rotateSession(s.refreshToken(),
                kit().data.rotated(next)), "presenting the retired token again is reuse, never Rotated");
        assertGone(store(), next);
    }

    @Test
    @DisplayName("a rotation on one instance refuses another instance's stale copy of the session")
    void staleCopyAcrossInstances() {
        StoredSession s = stored();
        TokenStore b = other();
        StoredSession next = kit().data.rotated(s);
        assertEquals(new Rotation.Rotated(s), store().rotateSession(s.refreshToken(), next));
        assertRefused(b, s);
        assertEquals(Optional.empty(), b.loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(Optional.empty(), store().loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(new Rotation.Reused(s.sessionId()), b.rotateSession(s.refreshToken(), kit().data.rotated(next)));
    }

    @Test
    @DisplayName("a retired refresh token cannot come back under another session id either, nor as a rotation's next")
    void retiredTokenUnderAnotherSession() {
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        store().rotateSession(s.refreshToken(), next);
        StoredSession thief = withRefresh(kit().data.session(), s.refreshToken());
        assertRefused(store(), thief);
        StoredSession other = stored();
        StoredSession back = withRefresh(kit().data.rotated(other), s.refreshToken());
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> store().rotateSession(other.refreshToken(), back));
        assertEquals(TokenStoreException.Kind.REFUSED, e.kind());
        assertEquals(Optional.of(other), store().loadSessionByRefreshToken(other.refreshToken()),
                "the refused rotation wrote nothing");
        assertEquals(Optional.empty(), store().loadSessionByRefreshToken(s.refreshToken()));
    }

    @Test
    @DisplayName("a refused write leaves what was stored before it as it was")
    void refusedWriteWritesNothing() {
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        store().rotateSession(s.refreshToken(), next);
        StoredSession stale = s;
        assertRefused(store(), stale);
        assertEquals(Optional.of(next), store().loadSessionByAccessToken(next.accessToken()));
        assertEquals(Optional.empty(), store().loadSessionByAccessToken(stale.accessToken()));
        assertEquals(Optional.of(next), store().loadSessionByRefreshToken(next.refreshToken()));
    }

    private static StoredSession withRefresh(StoredSession s, String refreshToken) {
        return new StoredSession(s.sessionId(), s.provider(), s.userInfo(), s.accessToken(), refreshToken,
                s.providerAccessToken(), s.providerRefreshToken(), s.providerExpiresAt(), s.accessExpiresAt(),
                s.refreshExpiresAt(), s.issuedAt(), s.createdAt());
    }
}
