package dev.tokenstore.tck.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.tck.Eventually;
import dev.tokenstore.tck.MutableClock;
import dev.tokenstore.tck.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A network partition: instance B reaches PostgreSQL only through a loopback proxy, which is cut
 * (every connection closed, new ones refused) while instance A still reaches the server; A then
 * revokes a session B has cached. With the cache's defaults B never serves it later than
 * {@code maxStaleness} after the revocation committed; with serving through an outage chosen, never
 * later than the chosen duration. B's feed confirms in real time (its heartbeat), so the checks
 * poll B until deadlines; none asserts how fast anything is.
 */
class PostgresPartitionTest {
    private static final byte[] KEY = "partition-test-key-of-32-bytes!!".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^:/?]+)(?::(\\d+))?(/.*)$");

    private final MutableClock clock = MutableClock.startingNow();
    private final TestData data = new TestData(clock);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private PostgresTestServer server;
    private TestSchema schema;
    private CuttingProxy proxy;
    private String proxiedUrl;

    @BeforeEach
    void setUp() throws Exception {
        server = PostgresTestServer.shared();
        schema = server.createSchema();
        Matcher m = HOST_PORT.matcher(server.jdbcUrl());
        assertTrue(m.matches(), "a host and port in " + server.jdbcUrl());
        proxy = new CuttingProxy(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
        opened.add(proxy);
        proxiedUrl = "jdbc:postgresql://127.0.0.1:" + proxy.port() + m.group(3);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        schema.close();
    }

    private TokenStore open(String url) {
        TokenStore store = TokenStores.open(schema.configure(TokenStoreOptions.builder()).url(url).clock(clock)
                .encryptionKey(KEY).property("postgres.connectTimeoutSeconds", "1")
                .property("postgres.socketTimeoutSeconds", "2").build());
        opened.add(store);
        return store;
    }

    private CachingTokenStore cache(TokenStore store, UnaryOperator<CachingTokenStore.Builder> settings) {
        CachingTokenStore cached = settings.apply(CachingTokenStore.builder(store).clock(clock)).build();
        opened.add(cached);
        return cached;
    }

    @Test
    @DisplayName("with the defaults, B cut off serves nothing revoked later than maxStaleness after the revocation")
    void defaultsHoldMaxStaleness() {
        CachingTokenStore a = cache(open(server.jdbcUrl()), c -> c);
        CachingTokenStore b = cache(open(proxiedUrl), c -> c);
        Seen seen = partitionThenRevoke(a, b, b.maxStaleness());
        assertTrue(seen.refused > 0, "B failed closed");
    }

    @Test
    @DisplayName("serving through an outage chosen: B cut off serves hits past maxStaleness, nothing revoked past the chosen duration")
    void outageServingHoldsItsDuration() {
        Duration upTo = Duration.ofSeconds(3);
        CachingTokenStore a = cache(open(server.jdbcUrl()), c -> c);
        CachingTokenStore b = cache(open(proxiedUrl), c -> c.serveHitsWhileDatabaseUnavailable(upTo));
        Seen seen = partitionThenRevoke(a, b, upTo);
        assertTrue(seen.longestServedLag.compareTo(b.maxStaleness()) >= 0,
                "B served from memory past maxStaleness (the partition counts as the database unavailable); "
                        + "the feed was " + seen.longestServedLag.toMillis() + " ms behind at most");
        assertTrue(seen.refused > 0, "B failed closed after the chosen duration");
    }

    /** What B answered after the revocation. */
    private static final class Seen {
        int refused;
        Duration longestServedLag = Duration.ZERO;
    }

    /**
     * B caches a session, B's path is cut, A revokes the session; then B is asked for it until B
     * has refused it a few times in a row with {@code bound} passed since the revocation. Every time
     * B served it, less than {@code bound} had passed since the revocation committed (read before
     * the call, so no later than the answer).
     */
    private Seen partitionThenRevoke(CachingTokenStore a, CachingTokenStore b, Duration bound) {
        StoredSession s = data.session();
        a.storeSession(s);
        long stored = System.nanoTime();
        Eventually.within(Eventually.FEED_DEADLINE, "B's feed has confirmed since the write",
                () -> b.changeFeedLag().map(lag -> System.nanoTime() - lag.toNanos() - stored > 0).orElse(false));
        assertEquals(Optional.of(s), b.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(s), b.loadSessionByAccessToken(s.accessToken()), "a hit");

        proxy.cut();
        assertTrue(a.deleteSessionById(s.sessionId()), "A still reaches the database");
        long revoked = System.nanoTime();

        Seen seen = new Seen();
        long deadline = revoked + bound.toNanos() + TimeUnit.SECONDS.toNanos(30);
        int refusedInARow = 0;
        while (refusedInARow < 5 || System.nanoTime() - revoked < bound.toNanos()) {
            long before = System.nanoTime();
            Duration lag = b.changeFeedLag().orElseThrow();
            Optional<StoredSession> answer;
            try {
                answer = b.loadSessionByAccessToken(s.accessToken());
            } catch (DatabaseUnavailableException e) {
                answer = Optional.empty();
            }
            if (answer.isPresent()) {
                long sinceRevoked = before - revoked;
                assertTrue(sinceRevoked < bound.toNanos(), "B served the revoked session "
                        + TimeUnit.NANOSECONDS.toMillis(sinceRevoked) + " ms after the revocation (bound " + bound + ")");
                refusedInARow = 0;
                if (lag.compareTo(seen.longestServedLag) > 0) {
                    seen.longestServedLag = lag;
                }
            } else {
                seen.refused++;
                refusedInARow++;
            }
            assertTrue(System.nanoTime() < deadline, "B did not settle within the deadline");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return seen;
    }
}
