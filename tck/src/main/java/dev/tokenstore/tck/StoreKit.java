package dev.tokenstore.tck;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every kit in this package shares: a backend gives fresh {@link TestStorage} per test through
 * {@link #newStorage()}; the kit opens stores on it with a {@link MutableClock} and a test key, and
 * closes everything after each test. Wrapped runs override {@link #decorate}. A run of a kit in
 * which no test started fails ({@link KitRunCounter}).
 */
@ExtendWith(KitRunCounter.class)
public abstract class StoreKit {
    /** The AES-256 key the kits encrypt with (32 bytes, not secret: tests only). */
    public static final byte[] TEST_KEY = "tokenstore-tck-test-key-32-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The clock every store opened by the kit uses; tests move it instead of sleeping. */
    protected final MutableClock clock = MutableClock.startingNow();
    /** Test data made against {@link #clock}. */
    protected final TestData data = new TestData(clock);
    /** This test's storage. */
    protected TestStorage storage;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Fresh, empty storage of the backend under test. Called once before every test. */
    protected abstract TestStorage newStorage();

    /**
     * Wraps each store the kit opens (identity by default); wrapped runs return e.g. a caching
     * store over {@code store}, built with {@link #clock}.
     */
    protected TokenStore decorate(TokenStore store) {
        return store;
    }

    /** Options with the kit's clock and test key; the storage adds where the data lives. */
    protected TokenStoreOptions.Builder options() {
        return TokenStoreOptions.builder().clock(clock).encryptionKey(TEST_KEY);
    }

    /** Opens a decorated store on this test's storage with the default options. */
    protected TokenStore openStore() {
        return openStore(b -> b);
    }

    /** Opens a decorated store on this test's storage with adjusted options. */
    protected TokenStore openStore(UnaryOperator<TokenStoreOptions.Builder> adjust) {
        return track(decorate(openRaw(adjust)));
    }

    /** Opens an undecorated store on this test's storage (closed after the test). */
    protected TokenStore openRaw(UnaryOperator<TokenStoreOptions.Builder> adjust) {
        return openRaw(storage, adjust);
    }

    /** Opens an undecorated store on other storage, e.g. a second {@link #newStorage()} (closed after the test). */
    protected TokenStore openRaw(TestStorage on, UnaryOperator<TokenStoreOptions.Builder> adjust) {
        return track(on.open(adjust.apply(options()).build()));
    }

    /** Opens a decorated store on other storage, e.g. a second {@link #newStorage()}. */
    protected TokenStore openStore(TestStorage on) {
        return track(decorate(openRaw(on, b -> b)));
    }

    /** A second, independent storage of the same backend, dropped after the test. */
    protected TestStorage extraStorage() {
        TestStorage extra = newStorage();
        synchronized (opened) {
            opened.add(0, extra);
        }
        return extra;
    }

    /** Closes {@code resource} after the test, before the storage is dropped. */
    protected <T extends AutoCloseable> T track(T resource) {
        synchronized (opened) {
            opened.add(resource);
        }
        return resource;
    }

    @BeforeEach
    void createStorage() {
        storage = newStorage();
    }

    @AfterEach
    void closeStoresAndStorage() throws Exception {
        Exception first = null;
        List<AutoCloseable> toClose;
        synchronized (opened) {
            toClose = new ArrayList<>(opened);
            opened.clear();
        }
        // Wrappers first (they were opened last), then the raw stores they wrap.
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (storage != null) {
            storage.close();
        }
        if (first != null) {
            throw first;
        }
    }
}
