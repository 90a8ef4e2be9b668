package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.cache.CacheStats;
import dev.tokenstore.cache.CachingTokenStore;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several application instances over the same data, run by {@link CachingTokenStoreKit}: two
 * caches, A and B, each over its own store instance. Whatever A writes, B must stop serving what
 * it had cached, through the change feed, within the cache's staleness bound; a B whose feed goes
 * silent must stop answering from memory. Skipped where opens do not share data or the store has no
 * feed. Every check polls B until a deadline; none sleeps for a fixed time.
 */
abstract class SeveralInstancesContract {
    /** B's staleness bound in these checks: short, so a silent feed is noticed quickly. */
    private static final Duration MAX_STALENESS = Duration.ofMillis(500);

    abstract CachingTokenStoreKit kit();

    private CachingTokenStore a;
    private CachingTokenStore b;
    private TokenStore rawB;

    @BeforeEach
    void twoInstances() {
        assumeTrue(kit().storage.sharesData(), "this backend's opens do not share data");
        assumeTrue(kit().raw.features().changeFeed().isPresent(), "the store has no change feed");
        a = kit().cacheOver(kit().raw, c -> c);
        rawB = kit().openRaw(o -> o);
        b = kit().cacheOver(rawB, c -> c.maxStaleness(MAX_STALENESS));
        assertTrue(a.followsChangeFeed() && b.followsChangeFeed(), "the caches follow the feed");
    }

    private StoredSession storedOnA() {
        StoredSession s = kit().data.session();
        a.storeSession(s);
        return s;
    }

    /** Loads the session through B by every path, so B has it cached. */
    private static void warm(TokenStore cache, StoredSession s) {
        assertEquals(Optional.of(s), cache.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(s), cache.loadSessionById(s.sessionId()));
        assertEquals(Optional.of(s), cache.loadSessionByRefreshToken(s.refreshToken()));
    }

    private static void awaitGone(TokenStore cache, StoredSession s) {
        Eventually.within(Eventually.FEED_DEADLINE, "B stops finding the session by access token",
                () -> cache.loadSessionByAccessToken(s.accessToken()).isEmpty());
        Eventually.within(Eventually.FEED_DEADLINE, "B stops finding the session by id",
                () -> cache.loadSessionById(s.sessionId()).map(x -> !x.equals(s)).orElse(true));
        Eventually.within(Eventually.FEED_DEADLINE, "B stops finding the session by refresh token",
                () -> cache.loadSessionByRefreshToken(s.refreshToken()).isEmpty());
    }

    @Test
    @DisplayName("B stops serving a session once A revokes it by id")
    void revokedById() {
        StoredSession s = storedOnA();
        warm(b, s);
        assertTrue(a.deleteSessionById(s.sessionId()));
        awaitGone(b, s);
    }

    @Test
    @DisplayName("B stops serving a session once A revokes it by access token")
    void revokedByAccessToken() {
        StoredSession s = storedOnA();
        warm(b, s);
        assertTrue(a.deleteSessionByAccessToken(s.accessToken()));
        awaitGone(b, s);
    }

    @Test
    @DisplayName("B stops serving every session of a user once A revokes the user")
    void revokedByUser() {
        StoredSession s = storedOnA();
        StoredSession t = kit().data.session("sid-" + TestData.token(), s.userId(), Duration.ofHours(1),
                Duration.ofDays(1));
        a.storeSession(t);
        warm(b, s);
        warm(b, t);
        assertEquals(2, a.deleteSessionsByUser(s.userId()));
        awaitGone(b, s);
        awaitGone(b, t);
    }

    @Test
    @DisplayName("B stops serving a refresh token once A rotates it, and serves the new session")
    void rotatedOnA() {
        StoredSession s = storedOnA();
        warm(b, s);
        StoredSession next = kit().data.rotated(s);
        assertInstanceOf(Rotation.Rotated.class, a.rotateSession(s.refreshToken(), next));
        awaitGone(b, s);
        assertEquals(Optional.of(next), b.loadSessionById(s.sessionId()));
    }

    @Test
    @DisplayName("B's lookups by the old tokens miss once A replaces the session")
    void replacedOnA() {
        StoredSession s = storedOnA();
        warm(b, s);
        StoredSession replacement = kit().data.rotated(s);
        a.storeSession(replacement);
        awaitGone(b, s);
        Eventually.within(Eventually.FEED_DEADLINE, "B finds the replacement by id",
                () -> b.loadSessionById(s.sessionId()).equals(Optional.of(replacement)));
    }

    @Test
    @DisplayName("after A stores a session whose token B had just cached as missing, B finds it")
    void negativeEntryReplaced() {
        StoredSession s = kit().data.session();
        assertEquals(Optional.empty(), b.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.empty(), b.loadSessionById(s.sessionId()));
        assertEquals(Optional.empty(), b.loadSessionByRefreshToken(s.refreshToken()));
        a.storeSession(s);
        Eventually.within(Eventually.FEED_DEADLINE, "B finds the session by access token",
                () -> b.loadSessionByAccessToken(s.accessToken()).isPresent());
        Eventually.within(Eventually.FEED_DEADLINE, "B finds the session by id",
                () -> b.loadSessionById(s.sessionId()).isPresent());
        Eventually.within(Eventually.FEED_DEADLINE, "B finds the session by refresh token",
                () -> b.loadSessionByRefreshToken(s.refreshToken()).isPresent());
    }

    @Test
    @DisplayName("B sees A's client changes: a new secret, a deletion, a client it had cached as missing")
    void clients() {
        String id = "multi-" + TestData.token().substring(0, 8);
        assertEquals(Optional.empty(), b.loadClient(id));
        ClientRecord first = kit().data.client(id);
        a.storeClient(first);
        Eventually.within(Eventually.FEED_DEADLINE, "B finds the new client",
                () -> b.loadClient(id).equals(Optional.of(first)));
        ClientRecord second = kit().data.client(id);
        a.storeClient(second);
        Eventually.within(Eventually.FEED_DEADLINE, "B sees the new secret",
                () -> b.loadClient(id).equals(Optional.of(second)));
        assertTrue(a.deleteClient(id));
        Eventually.within(Eventually.FEED_DEADLINE, "B sees the deletion", () -> b.loadClient(id).isEmpty());
    }

    @Test
    @DisplayName("a cache that ignores the feed keeps serving a revoked session: the checks above can fail")
    void ignoringCacheIsCaught() {
        CachingTokenStore deaf = kit().cacheOver(kit().openRaw(o -> o), c -> c.changeFeed(false));
        StoredSession s = storedOnA();
        warm(b, s);
        warm(deaf, s);
        assertTrue(a.deleteSessionById(s.sessionId()));
        awaitGone(b, s);
        assertEquals(Optional.of(s), deaf.loadSessionByAccessToken(s.accessToken()),
                "a cache without the feed still serves the revoked session (until ttlCap)");
    }

    @Test
    @DisplayName("a B whose feed went silent stops answering from memory, and still sees A's revocations")
    void failsSafeWhenSilent() {
        Optional<UnaryOperator<dev.tokenstore.TokenStoreOptions.Builder>> silenced = kit().storage.silencedChangeFeed();
        assumeTrue(silenced.isPresent(), "the storage cannot silence a change feed");
        CachingTokenStore silent = kit().cacheOver(kit().openRaw(silenced.get()), c -> c.maxStaleness(MAX_STALENESS));
        StoredSession s = storedOnA();
        assertEquals(Optional.of(s), silent.loadSessionByAccessToken(s.accessToken()));
        Eventually.within(Eventually.FEED_DEADLINE, "the silent feed falls behind by more than maxStaleness",
                () -> silent.changeFeedLag().orElseThrow().compareTo(MAX_STALENESS) > 0);
        CacheStats before = silent.stats();
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.of(s), silent.loadSessionByAccessToken(s.accessToken()));
        }
        CacheStats after = silent.stats();
        assertEquals(before.hits(), after.hits(), "nothing answered from memory");
        assertEquals(before.misses() + 3, after.misses(), "every lookup read through");
        assertTrue(a.deleteSessionById(s.sessionId()));
        assertEquals(Optional.empty(), silent.loadSessionByAccessToken(s.accessToken()),
                "read through: the revocation is seen at once");
    }
}
