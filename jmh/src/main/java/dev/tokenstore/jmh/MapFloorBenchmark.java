package dev.tokenstore.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tokenstore.StoredSession;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The in-process floors: {@code ConcurrentHashMap.get} of a random one of {@code preload} sessions
 * keyed by access token, the least any cached read can cost; and the same lookup in a bare Caffeine
 * cache with per-entry expiry (each entry lives until its session's access expiry, as in
 * {@code CachingTokenStore}), the floor the cached hit is judged against (at most 2x of it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MapFloorBenchmark {
    @Param({"100000"})
    public int preload;

    private ConcurrentHashMap<String, StoredSession> map;
    private String[] keys;
    private Cache<String, StoredSession> caffeine;

    @Setup(Level.Trial)
    public void fill() {
        SessionFactory factory = new SessionFactory(StoreState.SEED);
        map = new ConcurrentHashMap<>();
        keys = new String[preload];
        Instant now = Instant.now();
        for (int i = 0; i < preload; i++) {
            StoredSession s = factory.session(now);
            keys[i] = s.accessToken();
            map.put(keys[i], s);
        }
        caffeine = Caffeine.newBuilder().maximumSize(Math.max(preload, 1_000_000))
                .expireAfter(new UntilAccessExpiry()).build();
        map.forEach(caffeine::put);
    }

    @Benchmark
    public StoredSession chmGet() {
        return map.get(keys[ThreadLocalRandom.current().nextInt(keys.length)]);
    }

    @Benchmark
    public StoredSession caffeineGet() {
        return caffeine.getIfPresent(keys[ThreadLocalRandom.current().nextInt(keys.length)]);
    }

    /** Per-entry expiry: an entry lives until its session's access token expires. */
    private static final class UntilAccessExpiry implements Expiry<String, StoredSession> {
        @Override
        public long expireAfterCreate(String key, StoredSession value, long currentTime) {
            return Math.max(0, Duration.between(Instant.now(), value.accessExpiresAt()).toNanos());
        }

        @Override
        public long expireAfterUpdate(String key, StoredSession value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(String key, StoredSession value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
