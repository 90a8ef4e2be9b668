package dev.tokenstore.tck.run;

import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/**
 * Every kit, raw and wrapped, over the postgres backend opened as the starter opens it: with only
 * the application's own HikariCP pool (auto-commit off, REPEATABLE READ, a few connections), no
 * URL. The store must not inherit those defaults: its transactions, its change feed and its
 * cleanup lock work as over its own pool, "several instances over the same data" included.
 */
@DisplayName("postgres over an application pool")
class PostgresAppPoolTckTest extends BackendRuns {

    @Override
    TestStorage storage() {
        return AppPoolStorage.create();
    }
}
