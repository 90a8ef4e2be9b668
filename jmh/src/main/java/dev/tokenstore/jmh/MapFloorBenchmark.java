package dev.tokenstore.jmh;

import dev.tokenstore.StoredSession;
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
 * The in-process floor: {@code ConcurrentHashMap.get} of a random one of {@code preload} sessions
 * keyed by access token, the least any cached read can cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MapFloorBenchmark {
    @Param({"100000"})
    public int preload;

    private ConcurrentHashMap<String, StoredSession> map;
    private String[] keys;

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
    }

    @Benchmark
    public StoredSession chmGet() {
        return map.get(keys[ThreadLocalRandom.current().nextInt(keys.length)]);
    }
}
