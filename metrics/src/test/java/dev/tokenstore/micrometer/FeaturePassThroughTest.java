package dev.tokenstore.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.Availability;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.CleanupCoordination;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.DatabaseHealth;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.KeyRotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.UserInfo;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decorator passes every capability through, for all 64 combinations of the six: the
 * cache, the buffer, the timer and the stack the starter builds (timer over cache over buffer)
 * offer exactly the capabilities of the store beneath them, each one works through the stack, and
 * those a decorator need not intercept (database health, cleanup coordination, and the change
 * feed) are the backend's own objects.
 */
class FeaturePassThroughTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final Availability UP = new Availability(Availability.State.CLOSED, null, null, null);

    static Stream<Integer> combinations() {
        return IntStream.range(0, 64).boxed();
    }

    private static final Map<String, UnaryOperator<TokenStore>> STACKS = Map.of(
            "cache", s -> CachingTokenStore.builder(s).clock(CLOCK).build(),
            "buffer", s -> BufferedTokenStore.builder(s).clock(CLOCK).ackMode(AckMode.GROUP_COMMIT).build(),
            "timer", s -> TimedTokenStore.wrap(s, new SimpleMeterRegistry()),
            "timer over cache over buffer", s -> TimedTokenStore.wrap(CachingTokenStore.builder(
                    BufferedTokenStore.builder(s).clock(CLOCK).build()).clock(CLOCK).build(), new SimpleMeterRegistry()));

    @ParameterizedTest(name = "capabilities {0}")
    @MethodSource("combinations")
    void everyDecoratorPassesEveryCapabilityThrough(int mask) {
        for (Map.Entry<String, UnaryOperator<TokenStore>> stack : STACKS.entrySet()) {
            Backend backend = new Backend(mask);
            TokenStore top = stack.getValue().apply(backend);
            try {
                TokenStoreFeatures below = backend.features();
                TokenStoreFeatures seen = top.features();
                String where = stack.getKey() + ", capabilities " + below;
                assertEquals(below.toString().replace("TokenStoreFeatures", ""),
                        seen.toString().replace("TokenStoreFeatures", ""), where);
                seen.bulk().ifPresent(bulk -> {
                    StoredSession s = session();
                    bulk.bulkStoreSessions(List.of(s));
                    assertEquals(Optional.of(s), top.loadSessionById(s.sessionId()), where);
                    assertEquals(1, bulk.bulkDeleteSessionsByHash(List.of(s.accessTokenHash())), where);
                });
                seen.transactions().ifPresent(tx -> assertEquals("ran", tx.inTransaction(t -> "ran"), where));
                seen.keyRotation().ifPresent(rotation -> assertEquals(Map.of("k", 1L), rotation.valuesByKeyId(), where));
                seen.databaseHealth().ifPresent(health -> assertSame(backend.health, health, where));
                seen.cleanupCoordination().ifPresent(c -> {
                    assertSame(backend.coordination, c, where);
                    assertEquals(Optional.of(CleanupResult.NONE), c.cleanupIfNoOtherInstanceIs(() -> CleanupResult.NONE));
                });
                seen.changeFeed().ifPresent(feed -> assertSame(backend.feed, feed, where));
                assertTrue(top.unwrap(Backend.class).isPresent(), "unwrap finds the backend under " + where);
                assertTrue(top.layers().contains(backend), "layers() walks down to the backend under " + where);
            } finally {
                top.close();
            }
        }
    }

    private static StoredSession session() {
        Instant now = CLOCK.instant();
        return new StoredSession("sid-" + UUID.randomUUID(), "github", UserInfo.of("github", "u"),
                "at-" + UUID.randomUUID(), null, null, null, null, now.plus(Duration.ofHours(1)), null, now, now);
    }

    /** A backend offering the capabilities of {@code mask} (bit i: the i-th of the six), over a memory store. */
    static final class Backend extends ForwardingTokenStore {
        private final InMemoryTokenStore inner = new InMemoryTokenStore(CLOCK);
        final DatabaseHealth health = () -> UP;
        final CleanupCoordination coordination = cleanup -> Optional.of(cleanup.get());
        final ChangeFeed feed = inner;
        private final Map<String, String> idByHash = new java.util.concurrent.ConcurrentHashMap<>();
        private final TokenStoreFeatures features;

        Backend(int mask) {
            BulkSessionStore bulk = new BulkSessionStore() {
                @Override
                public void bulkStoreSessions(List<StoredSession> sessions) {
                    for (StoredSession s : sessions) {
                        inner.storeSession(s);
                        idByHash.put(s.accessTokenHash(), s.sessionId());
                    }
                }

                @Override
                public int bulkDeleteSessionsByHash(Collection<String> hashes) {
                    int deleted = 0;
                    for (String hash : hashes) {
                        String id = idByHash.remove(hash);
                        deleted += id != null && inner.deleteSessionById(id) ? 1 : 0;
                    }
                    return deleted;
                }
            };
            TransactionalTokenStore transactions = new TransactionalTokenStore() {
                @Override
                public <T> T inTransaction(Function<TokenStore, T> work) {
                    return work.apply(inner);
                }
            };
            KeyRotation rotation = new KeyRotation() {
                @Override
                public ReencryptionReport reencrypt(int chunkSize) {
                    return new ReencryptionReport(0, 0, 0, Map.of("k", 1L));
                }

                @Override
                public Map<String, Long> valuesByKeyId() {
                    return Map.of("k", 1L);
                }
            };
            this.features = TokenStoreFeatures.with(TokenStoreFeatures.NONE)
                    .bulk((mask & 1) != 0 ? bulk : null)
                    .transactions((mask & 2) != 0 ? transactions : null)
                    .changeFeed((mask & 4) != 0 ? feed : null)
                    .keyRotation((mask & 8) != 0 ? rotation : null)
                    .databaseHealth((mask & 16) != 0 ? health : null)
                    .cleanupCoordination((mask & 32) != 0 ? coordination : null)
                    .build();
        }

        @Override
        protected TokenStore delegate() {
            return inner;
        }

        @Override
        public TokenStoreFeatures features() {
            return features;
        }
    }
}
