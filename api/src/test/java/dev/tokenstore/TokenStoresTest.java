package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenStoresTest {
    private static final UnaryOperator<String> NOTHING = name -> null;

    /** A provider that records what it opened; stands in for an embedded backend jar. */
    private static class FakeEmbedded implements TokenStoreProvider {
        final String name;
        final List<String> opened = new ArrayList<>();

        FakeEmbedded(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean accepts(String url) {
            return url.startsWith("fake-" + name + ":");
        }

        @Override
        public TokenStore open(TokenStoreOptions options) {
            opened.add(options.url());
            return new InMemoryTokenStore(options.clock());
        }

        @Override
        public Optional<String> embeddedDefaultUrl() {
            return Optional.of("fake-" + name + ":./default");
        }
    }

    @Test
    @DisplayName("memory: is found through ServiceLoader and returns a working store")
    void memoryThroughServiceLoader() {
        assertTrue(TokenStores.providers().stream().anyMatch(p -> p.name().equals("memory")));
        try (TokenStore store = TokenStores.open("memory:")) {
            assertInstanceOf(InMemoryTokenStore.class, store);
            store.storeClient(Fixtures.client("app"));
            assertEquals("app", store.loadClient("app").orElseThrow().clientId());
        }
    }

    @Test
    @DisplayName("an unknown URL fails with the backends found and what to do")
    void unknownUrl() {
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> TokenStores.open("jdbc:nosuchdb://h/x?password=hunter2"));
        assertTrue(e.getMessage().contains("no tokenstore backend accepts"), e.getMessage());
        assertTrue(e.getMessage().contains("memory"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), "URL password must be redacted: " + e.getMessage());
    }

    @Test
    @DisplayName("the URL comes from tokenstore.url before TOKENSTORE_URL")
    void urlFromPropertyThenEnvironment() {
        FakeEmbedded a = new FakeEmbedded("a");
        TokenStoreOptions noUrl = TokenStoreOptions.builder().allowPlaintext(true).build();
        TokenStores.open(noUrl, List.of(a), name -> name.equals(TokenStores.URL_PROPERTY) ? "fake-a:prop" : null,
                name -> name.equals(TokenStores.URL_ENV) ? "fake-a:env" : null).close();
        TokenStores.open(noUrl, List.of(a), NOTHING,
                name -> name.equals(TokenStores.URL_ENV) ? "fake-a:env" : null).close();
        assertEquals(List.of("fake-a:prop", "fake-a:env"), a.opened);
    }

    @Test
    @DisplayName("TOKENSTORE_URL is read through the options' environment, which tests can replace")
    void urlFromTheOptionsEnvironment() throws Exception {
        requireNoUrlProperty();
        TokenStoreOptions memory = TokenStoreOptions.builder().environment(Map.of(TokenStores.URL_ENV, "memory:")::get)
                .build();
        try (TokenStore store = TokenStores.open(memory)) {
            assertTrue(store instanceof InMemoryTokenStore, store.getClass().getName());
        }
        TokenStoreOptions nothing = TokenStoreOptions.builder().environment(Map.<String, String>of()::get)
                .allowPlaintext(true).build();
        TokenStoreException e = assertThrows(TokenStoreException.class, () -> TokenStores.open(nothing));
        assertTrue(e.getMessage().contains(TokenStores.URL_ENV), e.getMessage());
    }

    /** The system property wins over the environment; this test is about the environment only. */
    private static void requireNoUrlProperty() {
        assertEquals(null, System.getProperty(TokenStores.URL_PROPERTY),
                "this test needs the system property " + TokenStores.URL_PROPERTY + " unset");
    }

    @Test
    @DisplayName("with no URL and exactly one embedded backend, its default opens")
    void singleEmbeddedDefault() {
        FakeEmbedded a = new FakeEmbedded("a");
        TokenStores.open(TokenStoreOptions.builder().build(), List.of(new InMemoryTokenStoreProvider(), a),
                NOTHING, NOTHING).close();
        assertEquals(List.of("fake-a:./default"), a.opened);
    }

    @Test
    @DisplayName("with no URL and several or no embedded backends, the error lists them and says what to set")
    void ambiguousOrMissingDefault() {
        TokenStoreOptions noUrl = TokenStoreOptions.builder().build();
        TokenStoreException several = assertThrows(TokenStoreException.class, () -> TokenStores.open(noUrl,
                List.of(new FakeEmbedded("a"), new FakeEmbedded("b")), NOTHING, NOTHING));
        assertTrue(several.getMessage().contains("several embedded backends"), several.getMessage());
        assertTrue(several.getMessage().contains("a (default fake-a:./default), b (default fake-b:./default)"),
                several.getMessage());
        assertTrue(several.getMessage().contains(TokenStores.URL_ENV));
        TokenStoreException none = assertThrows(TokenStoreException.class, () -> TokenStores.open(noUrl,
                List.of(new InMemoryTokenStoreProvider()), NOTHING, NOTHING));
        assertTrue(none.getMessage().contains("no embedded backend"), none.getMessage());
        assertTrue(none.getMessage().contains("memory"), none.getMessage());
    }

    @Test
    @DisplayName("options given to open keep their clock and keys when the URL is resolved")
    void optionsKeptWhenResolving() {
        List<TokenStoreOptions> seen = new ArrayList<>();
        TokenStoreProvider recording = new FakeEmbedded("a") {
            @Override
            public TokenStore open(TokenStoreOptions options) {
                seen.add(options);
                return super.open(options);
            }
        };
        byte[] key = new byte[32];
        TokenStoreOptions options = TokenStoreOptions.builder().encryptionKeys(Map.of("k", key), "k")
                .property("x", "1").build();
        TokenStores.open(options, List.of(recording), NOTHING, NOTHING).close();
        assertEquals("k", seen.get(0).primaryKeyId());
        assertEquals("1", seen.get(0).property("x").orElseThrow());
        assertEquals("fake-a:./default", seen.get(0).url());
    }

    @Test
    void intPropertyNamesTheProperty() {
        TokenStoreOptions o = TokenStoreOptions.builder().property("jdbc.cleanupChunkSize", "lots").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.intProperty("jdbc.cleanupChunkSize", 5));
        assertTrue(e.getMessage().contains("jdbc.cleanupChunkSize"));
        assertEquals(5, TokenStoreOptions.builder().build().intProperty("missing", 5));
    }

    /** A provider recording the options it was given; {@code pooled} false stands in for SQLite. */
    private static final class Recording implements TokenStoreProvider {
        final String prefix;
        final boolean pooled;
        final List<TokenStoreOptions> opened = new ArrayList<>();

        Recording(String prefix, boolean pooled) {
            this.prefix = prefix;
            this.pooled = pooled;
        }

        @Override
        public String name() {
            return prefix;
        }

        @Override
        public boolean accepts(String url) {
            return url.startsWith(prefix);
        }

        @Override
        public TokenStore open(TokenStoreOptions options) {
            opened.add(options);
            return new InMemoryTokenStore(options.clock());
        }

        @Override
        public boolean usesDataSource() {
            return pooled;
        }
    }

    /** A data source whose connections report {@code url} in their metadata, counting the borrows given back. */
    private static javax.sql.DataSource reporting(String url, int[] closed) {
        java.sql.DatabaseMetaData meta = (java.sql.DatabaseMetaData) java.lang.reflect.Proxy.newProxyInstance(
                TokenStoresTest.class.getClassLoader(), new Class<?>[] {java.sql.DatabaseMetaData.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getURL" -> url;
                    case "getDatabaseProductName" -> "FakeDB";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        java.sql.Connection connection = (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(
                TokenStoresTest.class.getClassLoader(), new Class<?>[] {java.sql.Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getMetaData" -> meta;
                    case "close" -> {
                        closed[0]++;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(TokenStoresTest.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> connection;
                    case "toString" -> "reporting data source";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    @DisplayName("a data source and no URL: its connections' URL picks the backend, which gets the data source")
    void dataSourceAloneItsUrlPicksTheBackend() {
        Recording pooled = new Recording("jdbc:pooled:", true);
        Recording own = new Recording("jdbc:own:", false);
        int[] closed = {0};
        javax.sql.DataSource ds = reporting("jdbc:pooled:db", closed);
        TokenStoreOptions options = TokenStoreOptions.builder().allowPlaintext(true).dataSource(ds).build();
        // neither tokenstore.url nor TOKENSTORE_URL wins over the data source given in code
        TokenStores.open(options, List.of(own, pooled), name -> "jdbc:own:from-property",
                name -> "jdbc:own:from-env").close();
        assertEquals(1, pooled.opened.size());
        assertEquals("jdbc:pooled:db", pooled.opened.get(0).url());
        assertTrue(pooled.opened.get(0).dataSource() == ds, "the pooled backend works over the data source");
        assertEquals(0, own.opened.size());
        assertEquals(1, closed[0], "the connection asked for its URL is given back");
    }

    @Test
    @DisplayName("a data source and no URL, for a backend that opens its own connections: only the URL is handed on")
    void dataSourceAloneForABackendWithItsOwnConnections() {
        Recording own = new Recording("jdbc:own:", false);
        TokenStoreOptions options = TokenStoreOptions.builder().allowPlaintext(true)
                .dataSource(reporting("jdbc:own:/tmp/x.db", new int[1])).build();
        TokenStores.open(options, List.of(own), NOTHING, NOTHING).close();
        assertEquals("jdbc:own:/tmp/x.db", own.opened.get(0).url());
        assertEquals(null, own.opened.get(0).dataSource());
    }

    @Test
    @DisplayName("a data source whose URL no backend accepts fails naming the backends found")
    void dataSourceWithAnUnknownDatabase() {
        TokenStoreOptions options = TokenStoreOptions.builder().allowPlaintext(true)
                .dataSource(reporting("jdbc:nosuchdb://h/x?password=hunter2", new int[1])).build();
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> TokenStores.open(options, List.of(new Recording("jdbc:pooled:", true)), NOTHING, NOTHING));
        assertTrue(e.getMessage().contains("no tokenstore backend accepts"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    @DisplayName("a data source that reports no URL fails saying so")
    void dataSourceWithoutAUrl() {
        TokenStoreOptions options = TokenStoreOptions.builder().allowPlaintext(true)
                .dataSource(reporting(null, new int[1])).build();
        TokenStoreException e = assertThrows(TokenStoreException.class,
                () -> TokenStores.open(options, List.of(new Recording("jdbc:pooled:", true)), NOTHING, NOTHING));
        assertTrue(e.getMessage().contains("does not report its URL"), e.getMessage());
        assertTrue(e.getMessage().contains("FakeDB"), e.getMessage());
    }
}
