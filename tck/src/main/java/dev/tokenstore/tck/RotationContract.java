package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.CleanupResult;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link TokenStore#rotateSession}, run by {@link TokenStoreCompatibilityKit} over
 * the store under test (raw or wrapped): atomic rotation, reuse detection that revokes, the grace
 * window, expiry, bad input and cleanup of retired tokens.
 */
abstract class RotationContract extends SessionContract {
    private static final Duration GRACE = Duration.ofSeconds(30);



    @Test
    @DisplayName("rotation replaces the session: the old tokens find nothing, the new ones find the next session")
    void rotate() {
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        assertEquals(new Rotation.Rotated(s), store().rotateSession(s.refreshToken(), next));
        assertEquals(Optional.empty(), store().loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.empty(), store().loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(Optional.of(next), store().loadSessionByAccessToken(next.accessToken()));
        assertEquals(Optional.of(next), store().loadSessionByRefreshToken(next.refreshToken()));
        assertEquals(Optional.of(next), store().loadSessionById(s.sessionId()));
    }

    @Test
    @DisplayName("a chain of rotations works, each token once")
    void chain() {
        StoredSession current = stored();
        for (int i = 0; i < 5; i++) {
            StoredSession next = kit().data.rotated(current);
            assertEquals(new Rotation.Rotated(current), store().rotateSession(current.refreshToken(), next));
            current = next;
        }
        assertEquals(Optional.of(current), store().loadSessionByRefreshToken(current.refreshToken()));
    }

    @Test
    @DisplayName("presenting a rotated token again is reuse: the session is revoked, and its newest token is retired too")
    void reuseRevokes() {
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        store().rotateSession(s.refreshToken(), next);
        StoredSession attempt = kit().data.rotated(s);
        assertEquals(new Rotation.Reused(s.sessionId()), store().rotateSession(s.refreshToken(), attempt));
        assertGone(store(), next);
        assertGone(store(), attempt);
        assertEquals(new Rotation.Reused(s.sessionId()),
                store().rotateSession(next.refreshToken(), kit().data.rotated(next)), "the newest token is retired");
    }

    @Test
    @DisplayName("unknown tokens, expired refresh tokens and a next session with another id are NotFound; nothing is written")
    void notFound() {
        StoredSession s = stored();
        assertEquals(Rotation.NOT_FOUND, store().rotateSession("rt-" + TestData.token(), kit().data.rotated(s)));
        StoredSession other = kit().data.session();
        assertEquals(Rotation.NOT_FOUND, store().rotateSession(s.refreshToken(), other), "next for another session");
        assertEquals(Optional.empty(), store().loadSessionByAccessToken(other.accessToken()));
        assertEquals(Optional.of(s), store().loadSessionByRefreshToken(s.refreshToken()), "untouched");
        kit().clock.set(s.refreshExpiresAt());
        assertEquals(Rotation.NOT_FOUND, store().rotateSession(s.refreshToken(), kit().data.rotated(s)), "expired");
        kit().clock.set(s.createdAt());
        assertEquals(Optional.of(s), store().loadSessionByRefreshToken(s.refreshToken()), "still the old session");
    }

    @Test
    @DisplayName("bad input is rejected with IllegalArgumentException naming it, and nothing is written")
    void badInput() {
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> store().rotateSession(null, next))
                .getMessage().contains("presentedRefreshToken"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> store().rotateSession(" ", next))
                .getMessage().contains("presentedRefreshToken"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> store().rotateSession(s.refreshToken(), null))
                .getMessage().contains("next"));
        StoredSession noRefresh = new StoredSession(s.sessionId(), s.provider(), s.userInfo(), "at-" + TestData.token(),
                null, null, null, null, s.accessExpiresAt(), null, null, s.createdAt());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> store().rotateSession(s.refreshToken(), noRefresh))
                .getMessage().contains("next.refreshToken"));
        StoredSession sameRefresh = new StoredSession(s.sessionId(), s.provider(), s.userInfo(), "at-" + TestData.token(),
                s.refreshToken(), null, null, null, s.accessExpiresAt(), s.refreshExpiresAt(), null, s.createdAt());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> store().rotateSession(s.refreshToken(), sameRefresh)).getMessage().contains("next.refreshToken"));
        assertEquals(Optional.of(s), store().loadSessionByRefreshToken(s.refreshToken()), "nothing written");
    }

    @Test
    @DisplayName("a next session using another session's token is refused, and the presented token still works")
    void nextTokenTaken() {
        StoredSession s = stored();
        StoredSession bystander = stored();
        StoredSession thief = new StoredSession(s.sessionId(), s.provider(), s.userInfo(), bystander.accessToken(),
                "rt-" + TestData.token(), null, null, null, s.accessExpiresAt(), s.refreshExpiresAt(), null,
                s.createdAt());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> store().rotateSession(s.refreshToken(), thief))
                .getMessage().contains("next.accessToken"));
        StoredSession refreshThief = new StoredSession(s.sessionId(), s.provider(), s.userInfo(),
                "at-" + TestData.token(), bystander.refreshToken(), null, null, null, s.accessExpiresAt(),
                s.refreshExpiresAt(), null, s.createdAt());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> store().rotateSession(s.refreshToken(), refreshThief)).getMessage().contains("next.refreshToken"));
        assertEquals(Optional.of(s), store().loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(Optional.of(bystander), store().loadSessionByAccessToken(bystander.accessToken()));
        assertInstanceOf(Rotation.Rotated.class, store().rotateSession(s.refreshToken(), kit().data.rotated(s)));
    }

    @Test
    @DisplayName("within the grace window the just-retired token returns the current session; after it, reuse revokes")
    void graceWindow() {
        TokenStore graced = kit().openStore(b -> b.refreshReuseGrace(GRACE));
        StoredSession s = kit().data.session();
        graced.storeSession(s);
        StoredSession next = kit().data.rotated(s);
        graced.rotateSession(s.refreshToken(), next);
        kit().clock.advance(GRACE.minusMillis(1));
        assertEquals(new Rotation.AlreadyRotated(next), graced.rotateSession(s.refreshToken(), kit().data.rotated(s)));
        assertEquals(Optional.of(next), graced.loadSessionByRefreshToken(next.refreshToken()), "nothing written");
        kit().clock.advance(Duration.ofMillis(1));
        assertEquals(new Rotation.Reused(s.sessionId()), graced.rotateSession(s.refreshToken(), kit().data.rotated(s)));
        assertGone(graced, next);
    }

    @Test
    @DisplayName("within the grace window only the token retired by the latest rotation is forgiven")
    void graceOnlyLatest() {
        TokenStore graced = kit().openStore(b -> b.refreshReuseGrace(GRACE));
        StoredSession s = kit().data.session();
        graced.storeSession(s);
        StoredSession second = kit().data.rotated(s);
        graced.rotateSession(s.refreshToken(), second);
        StoredSession third = kit().data.rotated(second);
        graced.rotateSession(second.refreshToken(), third);
        assertEquals(new Rotation.Reused(s.sessionId()), graced.rotateSession(s.refreshToken(), kit().data.rotated(s)));
        assertGone(graced, third);
    }

    @Test
    @DisplayName("without a grace window a retired token is reuse at once")
    void noGraceByDefault() {
        StoredSession s = stored();
        store().rotateSession(s.refreshToken(), kit().data.rotated(s));
        assertEquals(new Rotation.Reused(s.sessionId()), store().rotateSession(s.refreshToken(), kit().data.rotated(s)));
    }

    @Test
    @DisplayName("16 threads rotating one token: exactly one Rotated, every other result Reused or NotFound")
    void race() throws Exception {
        assertRace(store(), store());
    }

    @Test
    @DisplayName("the same race across two store instances over the same data")
    void raceAcrossInstances() throws Exception {
        assumeTrue(kit().storage.sharesData(), "this backend's opens do not share data");
        assertRace(store(), kit().openStore());
    }

    private void assertRace(TokenStore first, TokenStore second) throws Exception {
        StoredSession s = kit().data.session();
        first.storeSession(s);
        List<Rotation> results = new CopyOnWriteArrayList<>();
        Concurrent.run(16, thread -> results.add((thread % 2 == 0 ? first : second)
                .rotateSession(s.refreshToken(), kit().data.rotated(s))));
        assertEquals(16, results.size());
        assertEquals(1, results.stream().filter(r -> r instanceof Rotation.Rotated).count(), results::toString);
        assertTrue(results.stream().allMatch(r -> r instanceof Rotation.Rotated || r instanceof Rotation.Reused
                || r instanceof Rotation.NotFound), results::toString);
    }

    @Test
    @DisplayName("cleanup forgets retired tokens past the expiry they had, and counts them")
    void cleanup() {
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        store().rotateSession(s.refreshToken(), next);
        assertEquals(0, store().cleanupExpired().retiredRefreshTokens(), "still within its old expiry");
        kit().clock.set(s.refreshExpiresAt());
        CleanupResult result = store().cleanupExpired();
        assertEquals(1, result.retiredRefreshTokens());
        assertEquals(Rotation.NOT_FOUND, store().rotateSession(s.refreshToken(), kit().data.rotated(s)));
    }

    @Test
    @DisplayName("inside inTransaction a rotation commits with the transaction, or not at all")
    void inTransaction() {
        assumeTrue(store().features().transactions().isPresent(), "the store is no TransactionalTokenStore");
        TransactionalTokenStore tx = store().features().transactions().orElseThrow();
        StoredSession s = stored();
        StoredSession next = kit().data.rotated(s);
        assertThrows(IllegalStateException.class, () -> tx.inTransaction(t -> {
            assertEquals(new Rotation.Rotated(s), t.rotateSession(s.refreshToken(), next));
            throw new IllegalStateException("roll back");
        }));
        assertEquals(Optional.of(s), store().loadSessionByRefreshToken(s.refreshToken()), "rolled back");
        assertEquals(new Rotation.Rotated(s), tx.inTransaction(t -> t.rotateSession(s.refreshToken(), next)));
        assertEquals(Optional.of(next), store().loadSessionByRefreshToken(next.refreshToken()));
    }
}
