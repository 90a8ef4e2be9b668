package dev.tokenstore.jmh;

import dev.tokenstore.StoredSession;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Session reads on the preloaded store: hits by access token (1 and 2 threads), by id and by
 * refresh token, each for a random preloaded session; and misses, each for a new random token
 * (so a cache cannot answer them from its negative cache). With a cache, every preloaded session is
 * first loaded once by the lookup the benchmark uses, so the reads measured are hits.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SessionReadBenchmark extends StoreState {

    @Override
    StoreFixture.Lookup lookupOf(String method) {
        if (method.startsWith("loadByAccessToken")) {
            return StoreFixture.Lookup.ACCESS_TOKEN;
        }
        return switch (method) {
            case "loadById" -> StoreFixture.Lookup.SESSION_ID;
            case "loadByRefreshToken" -> StoreFixture.Lookup.REFRESH_TOKEN;
            default -> StoreFixture.Lookup.NONE;
        };
    }

    @Benchmark
    public Optional<StoredSession> loadByAccessToken() {
        return store.loadSessionByAccessToken(fixture.accessToken(ThreadLocalRandom.current().nextInt(fixture.size())));
    }

    @Benchmark
    @Threads(2)
    public Optional<StoredSession> loadByAccessToken2t() {
        return store.loadSessionByAccessToken(fixture.accessToken(ThreadLocalRandom.current().nextInt(fixture.size())));
    }

    @Benchmark
    public Optional<StoredSession> loadById() {
        return store.loadSessionById(fixture.sessionId(ThreadLocalRandom.current().nextInt(fixture.size())));
    }

    @Benchmark
    public Optional<StoredSession> loadByRefreshToken() {
        return store.loadSessionByRefreshToken(fixture.refreshToken(ThreadLocalRandom.current().nextInt(fixture.size())));
    }

    @Benchmark
    public Optional<StoredSession> loadMiss() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return store.loadSessionByAccessToken("at-" + Long.toUnsignedString(r.nextLong(), 36)
                + Long.toUnsignedString(r.nextLong(), 36) + Long.toUnsignedString(r.nextLong(), 36));
    }
}
