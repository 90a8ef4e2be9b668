package dev.tokenstore.h2;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rough measurement, not a test and not a benchmark (the jmh module has those): looped
 * {@code storeSession} against {@code bulkStoreSessions(1000)}, and looped deletes against
 * {@code bulkDeleteSessionsByHash(500)}, on an H2 file database. H2 does not sync to disk on
 * each commit, so these are not durable-commit numbers. Run
 * the main class with the module's test classpath (see the module README).
 */
public final class BulkMeasurement {
    private BulkMeasurement() {
    }

    public static void main(String[] args) throws IOException {
        TestClock clock = new TestClock();
        TestRecords data = new TestRecords(clock);
        Path dir = Files.createTempDirectory("tokenstore-h2-measure");
        for (int round = 1; round <= 3; round++) {
            String url = "jdbc:h2:" + dir.resolve("round" + round);
            try (TokenStore store = TokenStores.open(TokenStoreOptions.builder().url(url).clock(clock)
                    .encryptionKey(H2Fixture.KEY).build())) {
                List<StoredSession> single = sessions(data, 5_000);
                long start = System.nanoTime();
                single.forEach(store::storeSession);
                report("single storeSession (autocommit)", single.size(), System.nanoTime() - start);
                List<StoredSession> bulk = sessions(data, 10_000);
                start = System.nanoTime();
                for (int from = 0; from < bulk.size(); from += 1_000) {
                    ((BulkSessionStore) store).bulkStoreSessions(bulk.subList(from, from + 1_000));
                }
                report("bulkStoreSessions(1000)", bulk.size(), System.nanoTime() - start);
                start = System.nanoTime();
                for (StoredSession s : single.subList(0, 2_500)) {
                    store.deleteSessionByAccessToken(s.accessToken());
                }
                report("single deleteSessionByAccessToken", 2_500, System.nanoTime() - start);
                start = System.nanoTime();
                for (int from = 0; from < 5_000; from += 500) {
                    List<String> hashes = new ArrayList<>();
                    bulk.subList(from, from + 500).forEach(s -> hashes.add(s.accessTokenHash()));
                    ((BulkSessionStore) store).bulkDeleteSessionsByHash(hashes);
                }
                report("bulkDeleteSessionsByHash(500)", 5_000, System.nanoTime() - start);
            }
        }
    }

    private static List<StoredSession> sessions(TestRecords data, int n) {
        List<StoredSession> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(data.session("sid-" + TestRecords.token().substring(0, 12), "user-" + (i % 100),
                    Duration.ofHours(1), Duration.ofDays(30)));
        }
        return out;
    }

    private static void report(String what, int rows, long nanos) {
        System.out.printf("%-40s %7d rows %8.0f rows/s%n", what, rows, rows / (nanos / 1e9));
    }
}
