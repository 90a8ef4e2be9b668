package dev.tokenstore.tck.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.redis.RedisTokenStore;
import dev.tokenstore.redis.testing.RedisCluster;
import dev.tokenstore.redis.testing.RedisTestServer;
import dev.tokenstore.tck.StoreKit;
import dev.tokenstore.tck.TestData;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A master of the 3-master test cluster is killed (SIGKILL) and started again under two cached
 * store instances A and B (each a CachingTokenStore over its own RedisTokenStore, following the
 * change feed). Sessions are revoked through A before the kill, while the master is down (retried
 * until they go through) and after it is back. Afterwards B serves no revoked session, by any of
 * its tokens or its id, and still serves every session that was not revoked.
 */
class RedisClusterRestartTest {

    @Test
    @DisplayName("redis-cluster: after a master restarts under two cached instances, nothing revoked is served")
    void nothingRevokedIsServedAfterAMasterRestart() {
        RedisCluster cluster = RedisTestServer.sharedCluster();
        String prefix = "restart" + System.nanoTime();
        TokenStoreOptions options = TokenStoreOptions.builder().url(cluster.url()).encryptionKey(StoreKit.TEST_KEY)
                .clock(Clock.systemUTC()).property("redis.prefix", prefix).property("redis.timeoutMillis", "500").build();
        TestData data = new TestData(Clock.systemUTC());
        try (RedisTokenStore rawA = RedisTokenStore.open(options); RedisTokenStore rawB = RedisTokenStore.open(options);
             CachingTokenStore a = CachingTokenStore.builder(rawA).build();
             CachingTokenStore b = CachingTokenStore.builder(rawB).build()) {
            List<StoredSession> sessions = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                StoredSession s = data.session("restart-user-" + i);
                a.storeSession(s);
                sessions.add(s);
            }
            sessions.forEach(s -> warm(b, s));
            List<StoredSession> revoked = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                revoked.add(sessions.get(i));
                a.deleteSessionById(sessions.get(i).sessionId());
            }
            RedisTestServer victim = cluster.nodes().get(0);
            victim.stop();
            try {
                for (int i = 10; i < 20; i++) {
                    revoked.add(sessions.get(i));
                    StoredSession s = sessions.get(i);
                    tryNow(() -> a.deleteSessionsByUser(s.userId()));
                }
            } finally {
                victim.start();
                cluster.awaitOk();
            }
            for (int i = 10; i < 20; i++) {
                StoredSession s = sessions.get(i);
                retry(() -> a.deleteSessionsByUser(s.userId()) >= 0);
            }
            for (int i = 20; i < 30; i++) {
                revoked.add(sessions.get(i));
                StoredSession s = sessions.get(i);
                retry(() -> a.deleteSessionByAccessToken(s.accessToken()) || true);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (revoked.stream().anyMatch(s -> served(b, s)) && System.nanoTime() < deadline) {
                sleep(20);
            }
            for (int round = 0; round < 20; round++) {
                for (StoredSession s : revoked) {
                    assertTrue(!served(b, s), "a revoked session is served by B after the restart");
                }
                sleep(25);
            }
            for (StoredSession s : sessions.subList(30, sessions.size())) {
                assertEquals(Optional.of(s), retry(() -> b.loadSessionByAccessToken(s.accessToken())),
                        "a session that was not revoked is still served");
            }
        }
    }

    private static void warm(TokenStore store, StoredSession s) {
        assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
    }

    private static boolean served(TokenStore store, StoredSession s) {
        return retry(() -> store.loadSessionByAccessToken(s.accessToken()).isPresent()
                || store.loadSessionById(s.sessionId()).isPresent()
                || store.loadSessionByRefreshToken(s.refreshToken()).isPresent());
    }

    /** Runs the call once; an outage is an outcome here (the call is retried after the restart). */
    private static void tryNow(Runnable call) {
        try {
            call.run();
        } catch (DatabaseUnavailableException e) {
            // the slot's master is down
        }
    }

    private static <T> T retry(Supplier<T> call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return call.get();
            } catch (DatabaseUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
