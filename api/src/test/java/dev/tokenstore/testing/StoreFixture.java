package dev.tokenstore.testing;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of a backend's tests: a {@link TestClock}, {@link TestRecords} on it, and stores opened
 * through discovery from {@link #options()}; everything opened is closed after each test, last
 * opened first.
 */
public abstract class StoreFixture {
    /** The clock of every store the test opens. */
    protected final TestClock clock = new TestClock();
    /** Records timed by {@link #clock}. */
    protected final TestRecords data = new TestRecords(clock);
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Options for this test's database, with {@link #clock} and a test key set. */
    protected abstract TokenStoreOptions.Builder options();

    /** A store on this test's database, closed after the test. */
    protected TokenStore open() {
        return open(b -> b);
    }

    /** A store on this test's database with adjusted options, closed after the test. */
    protected TokenStore open(UnaryOperator<TokenStoreOptions.Builder> adjust) {
        return track(TokenStores.open(adjust.apply(options()).build()));
    }

    /** Closes {@code resource} after the test. */
    protected <T extends AutoCloseable> T track(T resource) {
        synchronized (opened) {
            opened.add(resource);
        }
        return resource;
    }

    /** Closes everything opened so far, last first; runs after each test and may be called earlier. */
    @AfterEach
    protected void closeOpened() throws Exception {
        synchronized (opened) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
            opened.clear();
        }
    }
}
