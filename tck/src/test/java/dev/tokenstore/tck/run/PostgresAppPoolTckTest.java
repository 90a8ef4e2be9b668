package dev.tokenstore.tck.run;

import dev.tokenstore.tck.CachingTokenStoreKit;
import dev.tokenstore.tck.TestStorage;
import dev.tokenstore.tck.TokenStoreCompatibilityKit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInfo;

/**
 * The core contract (raw) and the caching suite, "several instances over the same data" included,
 * over the postgres backend opened as the starter opens it: with only the application's own
 * HikariCP pool (auto-commit off, REPEATABLE READ, four connections), no URL
 * ({@link AppPoolStorage}). The store must not inherit those defaults: its transactions, its change
 * feed and its cleanup lock work as over its own pool. The other wrappings (cached, buffered,
 * cached + buffered core runs, the buffering suite) reach the database through the same store
 * calls, so they are left to {@link PostgresTckTest} to keep the build's time in bounds (the whole
 * kit over this storage takes about two minutes). As in {@link BackendRuns}, a run that skipped or
 * ran no test fails the class.
 */
@DisplayName("postgres over an application pool")
class PostgresAppPoolTckTest implements BackendRun {

    @AfterAll
    static void noHiddenSkips(TestInfo info) {
        String backend = info.getDisplayName();
        List<String> problems = SkipPolicy.problems(backend, KitRuns.of(backend),
                Set.of("raw", "caching suite"), List.of(), KitRuns.all());
        if (!problems.isEmpty()) {
            throw new AssertionError("the " + backend + " kit runs hide something:\n  " + String.join("\n  ", problems));
        }
    }

    @Nested
    @DisplayName("raw")
    class Raw extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return AppPoolStorage.create();
        }
    }

    @Nested
    @DisplayName("caching suite")
    class Caching extends CachingTokenStoreKit {
        @Override
        protected TestStorage newStorage() {
            return AppPoolStorage.create();
        }
    }
}
