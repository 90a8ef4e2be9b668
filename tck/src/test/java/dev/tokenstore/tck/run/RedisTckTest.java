package dev.tokenstore.tck.run;

import dev.tokenstore.redis.testing.RedisTestServer;
import dev.tokenstore.tck.DatabaseUnavailableKit;
import dev.tokenstore.tck.TestStorage;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * Every kit, raw and wrapped, over the redis backend on a standalone server (the JVM's one embedded
 * redis-server; a key prefix per test), plus the "database unavailable" group on a second server
 * of its own that is stopped and started again (same port, same data directory) under open stores.
 */
@DisplayName("redis")
class RedisTckTest extends BackendRuns {
    private static RedisTestServer restartable;

    @Override
    TestStorage storage() {
        RedisTestServer server = RedisTestServer.shared();
        return new RedisTestStorage(server.url(), List.of(server), false, b -> b);
    }

    static synchronized TestStorage restartable() {
        if (restartable == null) {
            restartable = RedisTestServer.startNew(List.of("--appendonly", "yes", "--appendfsync", "no"));
        }
        restartable.start();
        return new RedisTestStorage(restartable.url(), List.of(restartable), true,
                b -> b.property("redis.timeoutMillis", "500"));
    }

    @Nested
    @DisplayName("database unavailable")
    class Unavailable extends DatabaseUnavailableKit {
        @Override
        protected TestStorage newStorage() {
            return restartable();
        }
    }
}
