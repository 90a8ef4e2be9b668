package dev.tokenstore.postgres;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.jdbc.DataSourceConnectionSource;
import dev.tokenstore.jdbc.JdbcTokenStore;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rough measurement, not a test and not a benchmark (the jmh module has those): looped
 * {@code storeSession} against {@code bulkStoreSessions(1000)}, with the bulk path through
 * {@code unnest} arrays, a plain JDBC batch and a batch with {@code reWriteBatchedInserts}, on an
 * embedded PostgreSQL with {@code fsync} and {@code synchronous_commit} on. Run
 * the main class with the module's test classpath (see the module README).
 */
public final class BulkMeasurement {
    private static final int SINGLE = 1_000;
    private static final int BATCH = 1_000;
    private static final int BATCHES = 10;

    private BulkMeasurement() {
    }

    public static void main(String[] args) {
        TestClock clock = new TestClock();
        TestRecords data = new TestRecords(clock);
        try (PostgresTestServer server = PostgresTestServer.startEmbedded(PostgresTestServer.DURABLE)) {
            server.requireDurable();
            System.out.println("PostgreSQL " + server.show("server_version") + ", fsync=" + server.show("fsync")
                    + ", synchronous_commit=" + server.show("synchronous_commit"));
            for (int round = 1; round <= 3; round++) {
                measure("single storeSession (autocommit)", server, data, clock, false, "", false);
                measure("bulk unnest", server, data, clock, true, "", true);
                measure("bulk JDBC batch", server, data, clock, true, "", false);
                measure("bulk batch + reWriteBatchedInserts", server, data, clock, true,
                        "?reWriteBatchedInserts=true", false);
                measureDelete(server, data, clock);
            }
        }
    }

    private static void measure(String what, PostgresTestServer server, TestRecords data, TestClock clock, boolean bulk,
                                String urlSuffix, boolean unnest) {
        try (TestSchema schema = server.createSchema();
                TokenStore store = open(schema, clock, urlSuffix, unnest)) {
            int n = bulk ? BATCH * BATCHES : SINGLE;
            List<StoredSession> sessions = sessions(data, n);
            long start = System.nanoTime();
            if (bulk) {
                for (int b = 0; b < BATCHES; b++) {
                    ((BulkSessionStore) store).bulkStoreSessions(sessions.subList(b * BATCH, (b + 1) * BATCH));
                }
            } else {
                sessions.forEach(store::storeSession);
            }
            report(what, n, System.nanoTime() - start);
        }
    }

    private static void measureDelete(PostgresTestServer server, TestRecords data, TestClock clock) {
        try (TestSchema schema = server.createSchema(); TokenStore store = open(schema, clock, "", true)) {
            List<StoredSession> sessions = sessions(data, 500 * 11);
            for (int from = 0; from < sessions.size(); from += BATCH) {
                ((BulkSessionStore) store).bulkStoreSessions(sessions.subList(from, Math.min(sessions.size(), from + BATCH)));
            }
            long start = System.nanoTime();
            for (StoredSession s : sessions.subList(0, 500)) {
                store.deleteSessionByAccessToken(s.accessToken());
            }
            report("single deleteSessionByAccessToken", 500, System.nanoTime() - start);
            start = System.nanoTime();
            for (int b = 1; b < 11; b++) {
                List<String> hashes = new ArrayList<>();
                sessions.subList(b * 500, (b + 1) * 500).forEach(s -> hashes.add(s.accessTokenHash()));
                ((BulkSessionStore) store).bulkDeleteSessionsByHash(hashes);
            }
            report("bulkDeleteSessionsByHash(500)", 5_000, System.nanoTime() - start);
        }
    }

    private static TokenStore open(TestSchema schema, TestClock clock, String urlSuffix, boolean unnest) {
        TokenStoreOptions options = schema.configure(TokenStoreOptions.builder()).clock(clock)
                .encryptionKey(PostgresFixture.KEY).build();
        options = options.toBuilder().url(options.url() + urlSuffix).build();
        PostgresSettings settings = PostgresSettings.from(options);
        PostgresPool pool = PostgresPool.start(options, settings);
        return JdbcTokenStore.builder(options, new PostgresDialect(settings.schema(), unnest),
                new DataSourceConnectionSource(pool.dataSource(), pool.description(), pool)).build();
    }

    private static List<StoredSession> sessions(TestRecords data, int n) {
        List<StoredSession> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(data.session("sid-" + i + "-" + TestRecords.token().substring(0, 6), "user-" + (i % 100),
                    Duration.ofHours(1), Duration.ofDays(30)));
        }
        return out;
    }

    private static void report(String what, int rows, long nanos) {
        System.out.printf("%-40s %7d rows %8.0f rows/s%n", what, rows, rows / (nanos / 1e9));
    }
}
