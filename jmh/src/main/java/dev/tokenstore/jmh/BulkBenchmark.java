package dev.tokenstore.jmh;

import dev.tokenstore.StoredSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Many sessions at once, scored per session: {@code bulkStoreSessions} of 1000 new sessions and
 * {@code bulkDeleteSessionsByHash} of 500 existing ones, against the same work done with looped
 * single-op calls. The batches are made (and the sessions to delete stored) before each call,
 * untimed. {@link #loopStore1000} ends with {@code flush()}, so on the write buffer it measures
 * write-behind throughput including flushing; on the raw store it is 1000 autocommit writes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BulkBenchmark extends StoreState {
    static final int STORE_BATCH = 1000;
    static final int DELETE_BATCH = 500;

    /** 1000 new sessions, made before each call. */
    @State(Scope.Thread)
    public static class NewSessions {
        final SessionFactory factory = new SessionFactory(SEED * 7);
        List<StoredSession> batch;

        @Setup(Level.Invocation)
        public void make() {
            batch = factory.sessions(Instant.now(), STORE_BATCH);
        }
    }

    /** 500 sessions stored (in bulk, on the raw store) before each call, to be deleted by it. */
    @State(Scope.Thread)
    public static class StoredSessions {
        final SessionFactory factory = new SessionFactory(SEED * 11);
        final List<String> accessTokens = new ArrayList<>(DELETE_BATCH);
        final List<String> accessTokenHashes = new ArrayList<>(DELETE_BATCH);

        @Setup(Level.Invocation)
        public void store(BulkBenchmark bench) {
            List<StoredSession> batch = factory.sessions(Instant.now(), DELETE_BATCH);
            StoreFixture.storeAll(bench.fixture.raw(), batch);
            accessTokens.clear();
            accessTokenHashes.clear();
            for (StoredSession s : batch) {
                accessTokens.add(s.accessToken());
                accessTokenHashes.add(s.accessTokenHash());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(STORE_BATCH)
    public void bulkStore1000(NewSessions sessions) {
        fixture.bulk().bulkStoreSessions(sessions.batch);
    }

    @Benchmark
    @OperationsPerInvocation(STORE_BATCH)
    public void loopStore1000(NewSessions sessions) {
        for (StoredSession s : sessions.batch) {
            store.storeSession(s);
        }
        fixture.flush();
    }

    @Benchmark
    @OperationsPerInvocation(DELETE_BATCH)
    public int bulkDelete500(StoredSessions sessions) {
        return fixture.bulk().bulkDeleteSessionsByHash(sessions.accessTokenHashes);
    }

    @Benchmark
    @OperationsPerInvocation(DELETE_BATCH)
    public int loopDelete500(StoredSessions sessions) {
        int deleted = 0;
        for (String token : sessions.accessTokens) {
            if (store.deleteSessionByAccessToken(token)) {
                deleted++;
            }
        }
        return deleted;
    }
}
