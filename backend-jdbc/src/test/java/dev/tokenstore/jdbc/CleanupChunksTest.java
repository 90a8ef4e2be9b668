package dev.tokenstore.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokenstore.CleanupResult;
import dev.tokenstore.StateRecord;
import dev.tokenstore.TokenStoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A large backlog is cleaned in transactions of at most {@code jdbc.cleanupChunkSize} rows (counted
 * by the dialect's commit hook on a real SQLite file), and without a dialect cleanup lock
 * {@code cleanupIfNoOtherInstanceIs} runs the cleanup at once.
 */
class CleanupChunksTest {
    private static final byte[] KEY = "cleanup-test-key-of-exactly-32b!".getBytes(StandardCharsets.US_ASCII);
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    /** Standard SQL, counting the write transactions it commits. */
    static final class CountingDialect implements SqlDialect {
        final AtomicInteger commits = new AtomicInteger();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void commit(Connection connection) throws SQLException {
            SqlDialect.super.commit(connection);
            commits.incrementAndGet();
        }
    }

    private JdbcTokenStore open(CountingDialect dialect, Instant now) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + dir.resolve("cleanup.db"));
        TokenStoreOptions options = TokenStoreOptions.builder().clock(Clock.fixed(now, ZoneOffset.UTC))
                .encryptionKey(KEY).property("jdbc.cleanupChunkSize", "10").build();
        return JdbcTokenStore.builder(options, dialect, new DataSourceConnectionSource(ds, "cleanup.db", null)).build();
    }

    @Test
    void aBacklogOf95ExpiredStatesIsDeletedInTenTransactionsOfAtMostTenRows() {
        CountingDialect dialect = new CountingDialect();
        try (JdbcTokenStore store = open(dialect, T0)) {
            List<StateRecord> states = new ArrayList<>();
            for (int i = 0; i < 95; i++) {
                states.add(new StateRecord("st-" + UUID.randomUUID(), "c", "https://r", null, null, "v", null,
                        List.of(), T0.plusSeconds(5), T0));
            }
            states.add(new StateRecord("live-" + UUID.randomUUID(), "c", "https://r", null, null, "v", null,
                    List.of(), T0.plusSeconds(3600), T0));
            store.inTransaction(tx -> {
                states.forEach(tx::storeState);
                return null;
            });
        }
        CountingDialect later = new CountingDialect();
        try (JdbcTokenStore store = open(later, T0.plusSeconds(60))) {
            int before = later.commits.get(); // opening may commit (schema check)
            assertEquals(new CleanupResult(95, 0, 0), store.cleanupExpired());
            // states: 9 full chunks, then one of 5 that ends the loop; codes, sessions, retired refresh
            // tokens, revoked sessions' tombstones and the change log (rows past retention): one chunk each
            assertEquals(10 + 1 + 1 + 1 + 1 + 1, later.commits.get() - before);

            int beforeCoordinated = later.commits.get();
            assertEquals(Optional.of(CleanupResult.NONE), store.cleanupIfNoOtherInstanceIs(store::cleanupExpired),
                    "no dialect lock: the cleanup runs at once");
            assertEquals(6, later.commits.get() - beforeCoordinated);
        }
    }
}
