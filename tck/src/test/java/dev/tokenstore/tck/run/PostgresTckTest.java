package dev.tokenstore.tck.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.tck.DatabaseUnavailableKit;
import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * Every kit, raw and wrapped, over the postgres backend (a fresh schema per test on the JVM's one
 * PostgreSQL server: embedded, or {@code TOKENSTORE_POSTGRES_URL}); plus the "database unavailable"
 * group, which only a server can run: it stops and restarts a PostgreSQL of its own under open
 * stores. The embedded backends (SQLite, H2, HSQLDB) have no server to stop, so they do not run
 * that group rather than report its outage tests as skipped (a database backend may skip nothing,
 * see SkipPolicy).
 */
@DisplayName("postgres")
class PostgresTckTest extends BackendRuns {
    /** The embedded server the "database unavailable" group stops and starts; started on first use. */
    private static PostgresTestServer restartable;

    @Override
    TestStorage storage() {
        return newStorage();
    }

    /** A fresh schema on the shared server (never stopped: other tests use it). */
    static JdbcTestStorage newStorage() {
        return on(PostgresTestServer.shared(), () -> { });
    }

    /**
     * A schema on a second embedded server of this JVM that may be stopped and started again on the
     * same port and data directory. With {@value PostgresTestServer#URL_ENV} set there is no server
     * of our own: the shared one, not stoppable.
     */
    static JdbcTestStorage restartable() {
        if (PostgresTestServer.usesExternalServer()) {
            return newStorage();
        }
        PostgresTestServer server;
        synchronized (PostgresTckTest.class) {
            if (restartable == null) {
                restartable = PostgresTestServer.startEmbedded(Map.of());
                Runtime.getRuntime().addShutdownHook(new Thread(restartable::close, "tokenstore-pg-restartable-shutdown"));
            }
            restartable.start();
            server = restartable;
        }
        // a test that failed half-way may have left it stopped; refused connections then fail after
        // 1 s instead of the default 3 s, to keep the group short
        return on(server, server::start).stoppable(server::stop, server::start)
                .options(b -> b.property("postgres.connectTimeoutSeconds", "1"));
    }

    private static JdbcTestStorage on(PostgresTestServer server, Runnable beforeDrop) {
        TestSchema schema = server.createSchema();
        return JdbcTestStorage.atUrl(server.jdbcUrl(), () -> {
                    beforeDrop.run();
                    schema.close();
                }).credentials(server.user(), server.password()).schema(schema.name())
                .options(b -> b.property("postgres.schema", schema.name()).poolSize(4))
                .silencedChangeFeed(b -> b.property("postgres.changeHeartbeatMillis", "3600000"));
    }

    @Nested
    @DisplayName("database unavailable")
    class Unavailable extends DatabaseUnavailableKit {
        @Override
        protected TestStorage newStorage() {
            return restartable();
        }
    }

    /** The same outage kit with the cache over a buffer over the store, as the starter builds it. */
    @Nested
    @DisplayName("database unavailable, cache over buffer")
    class UnavailableCacheOverBuffer extends DatabaseUnavailableKit {
        @Override
        protected TestStorage newStorage() {
            return restartable();
        }

        @Override
        protected TokenStore underCache(TokenStore raw) {
            TokenStore buffer = track(BufferedTokenStore.builder(raw).clock(clock).ackMode(AckMode.GROUP_COMMIT)
                    .maxDelay(Duration.ofMillis(2)).build());
            assertTrue(buffer.features().databaseHealth().isPresent() && buffer.features().changeFeed().isPresent()
                    && buffer.features().cleanupCoordination().isPresent() && buffer.features().keyRotation().isPresent(),
                    "a buffer over PostgreSQL shows its health, feed, cleanup coordination and key rotation");
            return buffer;
        }
    }
}
