package dev.tokenstore.tck.run;

import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.tck.BufferedTokenStoreKit;
import dev.tokenstore.tck.CachingTokenStoreKit;
import dev.tokenstore.tck.TestStorage;
import dev.tokenstore.tck.TokenStoreCompatibilityKit;
import dev.tokenstore.tck.StoreKit;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInfo;

/**
 * Every kit over one backend: the core contract raw, cached, buffered and cached + buffered, then
 * the caching and buffering suites. A backend's run is a subclass naming its storage; the
 * {@link TckSummaryListener} prints one line per backend from the class's display name.
 *
 * <p>When all runs of a backend are done, {@link #noHiddenSkips} fails the backend's class if a
 * run skipped a test it may not skip, ran no test, or ran a different number of tests than its
 * siblings or than the same run of another backend ({@link SkipPolicy}: database backends may
 * skip nothing; memory only what needs stored bytes, a second instance or an optional capability).
 *
 * <p>The core contract runs the buffer in {@link AckMode#GROUP_COMMIT}: the contract promises that
 * a write is done (and a duplicate token refused) when the call returns, which only group commit
 * keeps; write-behind's own promises are the buffering suite's to check.
 */
abstract class BackendRuns implements BackendRun {

    /** Fresh, empty storage of this backend. */
    abstract TestStorage storage();

    @AfterAll
    static void noHiddenSkips(TestInfo info) {
        String backend = info.getDisplayName();
        Map<String, Class<?>> runs = runsDeclared();
        Map<Class<?>, Set<String>> byKit = new LinkedHashMap<>();
        runs.forEach((wrapping, type) -> byKit.computeIfAbsent(type.getSuperclass(), k -> new LinkedHashSet<>())
                .add(wrapping));
        List<Set<String>> sameTotals = new ArrayList<>(byKit.values());
        List<String> problems = SkipPolicy.problems(backend, KitRuns.of(backend), runs.keySet(), sameTotals,
                KitRuns.all());
        if (!problems.isEmpty()) {
            throw new AssertionError("the " + backend + " kit runs hide something:\n  " + String.join("\n  ", problems));
        }
    }

    /** Every @Nested run of this class by display name, with its class (its superclass is the kit it runs). */
    private static Map<String, Class<?>> runsDeclared() {
        Map<String, Class<?>> runs = new LinkedHashMap<>();
        for (Class<?> type : BackendRuns.class.getDeclaredClasses()) {
            if (type.isAnnotationPresent(Nested.class) && StoreKit.class.isAssignableFrom(type)) {
                runs.put(type.getAnnotation(DisplayName.class).value(), type);
            }
        }
        return runs;
    }

    static TokenStore cached(TokenStore store, Clock clock) {
        return CachingTokenStore.builder(store).clock(clock).build();
    }

    static TokenStore buffered(TokenStore store, Clock clock) {
        return BufferedTokenStore.builder(store).clock(clock).ackMode(AckMode.GROUP_COMMIT)
                .maxDelay(Duration.ofMillis(2)).build();
    }

    @Nested
    @DisplayName("raw")
    class Raw extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }
    }

    @Nested
    @DisplayName("cached")
    class Cached extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }

        @Override
        protected TokenStore decorate(TokenStore store) {
            return cached(store, clock);
        }
    }

    @Nested
    @DisplayName("buffered")
    class Buffered extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }

        @Override
        protected TokenStore decorate(TokenStore store) {
            return buffered(store, clock);
        }
    }

    @Nested
    @DisplayName("cached+buffered")
    class CachedBuffered extends TokenStoreCompatibilityKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }

        @Override
        protected TokenStore decorate(TokenStore store) {
            return cached(buffered(store, clock), clock);
        }
    }

    @Nested
    @DisplayName("caching suite")
    class Caching extends CachingTokenStoreKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }
    }

    @Nested
    @DisplayName("buffering suite")
    class Buffering extends BufferedTokenStoreKit {
        @Override
        protected TestStorage newStorage() {
            return storage();
        }
    }
}
