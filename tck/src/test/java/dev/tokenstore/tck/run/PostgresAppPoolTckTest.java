package dev.tokenstore.tck.run;

import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/**
 * Every kit, raw and in every wrapping, over the postgres backend opened as the starter opens it:
 * with only the application's own HikariCP pool (auto-commit off, REPEATABLE READ, four
 * connections), no URL ({@link AppPoolStorage}). The store must not inherit those defaults: its
 * transactions, its change feed, its cleanup lock and the wrappers over them work as over its own
 * pool, "several instances over the same data" included. The "database unavailable" group runs
 * over the store's own pool in {@link PostgresTckTest} (this storage does not stop its server).
 */
@DisplayName("postgres over an application pool")
class PostgresAppPoolTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        return AppPoolStorage.create();
    }
}
