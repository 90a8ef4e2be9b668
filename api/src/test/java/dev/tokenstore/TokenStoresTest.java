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
}
