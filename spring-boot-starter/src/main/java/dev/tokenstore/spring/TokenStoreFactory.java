package dev.tokenstore.spring;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.TokenStores;
import dev.tokenstore.Urls;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Opens the store the {@code tokenstore.*} properties describe and wraps it: buffer over the
 * backend, cache over the buffer, then the {@link TokenStoreDecorator}s. Bad configuration fails
 * with an exception naming the property.
 */
final class TokenStoreFactory {
    static final String URL = "tokenstore.url";
    static final String KEYS = "tokenstore.encryption-keys";
    private static final String HIDDEN = "(hidden)";
    private static final Logger LOG = LoggerFactory.getLogger(TokenStoreFactory.class);

    private final TokenStoreProperties properties;
    private final java.util.function.Function<String, String> environment;

    TokenStoreFactory(TokenStoreProperties properties, java.util.function.Function<String, String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    TokenStore open(DataSource dataSource, List<TokenStoreDecorator> decorators) {
        String url = blankToNull(properties.getUrl());
        TokenStoreOptions.Builder options = TokenStoreOptions.builder().environment(environment);
        if (url == null && dataSource != null) {
            // TokenStores picks the backend from the data source's URL, as for any caller of
            // TokenStores.open with only a data source (SQLite gets the file's URL, the others the pool).
            String found = urlOf(dataSource);
            requireBackendFor(found);
            options.dataSource(dataSource);
            LOG.info("tokenstore.url is not set: using the application's DataSource ({})", Urls.redact(found));
        }
        if (url != null) {
            requireBackendFor(url);
            options.url(url);
        }
        TokenStoreOptions built = configure(options, url);
        TokenStore store = openBackend(built, url != null || built.dataSource() != null);
        try {
            if (properties.getBuffer().isEnabled()) {
                store = buffer(store);
            }
            if (properties.getCache().isEnabled()) {
                store = cache(store);
            }
            for (TokenStoreDecorator decorator : decorators) {
                TokenStore decorated = decorator.decorate(store);
                if (decorated == null) {
                    throw new IllegalStateException("TokenStoreDecorator " + decorator + " returned null");
                }
                store = decorated;
            }
            return store;
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    private TokenStoreOptions configure(TokenStoreOptions.Builder options, String url) {
        String keys = blankToNull(properties.getEncryptionKeys());
        if (keys != null) {
            try {
                options.encryptionKeys(keys);
            } catch (IllegalArgumentException e) {
                throw withCause(new InvalidConfigurationPropertyValueException(KEYS, HIDDEN, e.getMessage()), e);
            }
        }
        options.allowPlaintext(properties.isAllowPlaintext()).user(properties.getUser())
                .password(properties.getPassword());
        try {
            options.poolSize(properties.getPoolSize());
        } catch (IllegalArgumentException e) {
            throw withCause(new InvalidConfigurationPropertyValueException("tokenstore.pool-size",
                    properties.getPoolSize(), e.getMessage()), e);
        }
        properties.getProperties().forEach(options::property);
        TokenStoreOptions built = options.build();
        boolean memory = url != null && url.startsWith("memory:");
        if (built.encryptionKeys().isEmpty() && !built.allowPlaintext() && !memory) {
            throw new InvalidConfigurationPropertyValueException(KEYS, null, "no encryption key is set: set "
                    + KEYS + " (or the environment variable " + TokenStoreOptions.ENCRYPTION_KEY_ENV
                    + ") to base64 of 32 random bytes, e.g. from 'openssl rand -base64 32', or "
                    + "tokenstore.allow-plaintext=true for local development only");
        }
        return built;
    }

    private static TokenStore openBackend(TokenStoreOptions options, boolean databaseKnown) {
        if (databaseKnown) {
            return TokenStores.open(options);
        }
        try {
            return TokenStores.open(options);
        } catch (TokenStoreException e) {
            throw withCause(new InvalidConfigurationPropertyValueException(URL, null,
                    "not set and the application has no DataSource bean; " + e.getMessage()), e);
        }
    }

    private static void requireBackendFor(String url) {
        List<TokenStoreProvider> providers = TokenStores.providers();
        if (providers.stream().noneMatch(p -> p.accepts(url))) {
            String found = providers.isEmpty() ? "none" : providers.stream().map(TokenStoreProvider::name)
                    .collect(Collectors.joining(", "));
            throw new InvalidConfigurationPropertyValueException(URL, Urls.redact(url),
                    "no tokenstore backend on the classpath accepts it (backends found: " + found
                            + "); add tokenstore-sqlite, tokenstore-h2 or tokenstore-postgres, or fix the URL");
        }
    }

    private BufferedTokenStore buffer(TokenStore store) {
        TokenStoreProperties.Buffer b = properties.getBuffer();
        try {
            return BufferedTokenStore.builder(store).maxBatchSize(b.getMaxBatchSize()).maxDelay(b.getMaxDelay())
                    .maxPending(b.getMaxPending()).ackMode(b.getAckMode()).enqueueTimeout(b.getEnqueueTimeout())
                    .maxRetries(b.getMaxRetries()).retryBackoff(b.getRetryBackoff())
                    .onFlushError(failure -> LOG.error("tokenstore buffer could not write {} session(s)",
                            failure.sessions().size()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw PropertyErrors.invalid("tokenstore.buffer", e);
        }
    }

    private CachingTokenStore cache(TokenStore store) {
        TokenStoreProperties.Cache c = properties.getCache();
        try {
            CachingTokenStore.Builder builder = CachingTokenStore.builder(store).maxEntries(c.getMaxEntries())
                    .ttlCap(c.getTtlCap()).skew(c.getSkew()).negativeTtl(c.getNegativeTtl())
                    .maxStaleness(c.getMaxStaleness())
                    .serveHitsWhileDatabaseUnavailable(c.getServeHitsWhileDatabaseUnavailable());
            if (c.getRefreshAfter() != null) {
                builder.refreshAfter(c.getRefreshAfter());
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw PropertyErrors.invalid("tokenstore.cache", e);
        }
    }

    /** The JDBC URL the data source connects to ({@link TokenStores#urlOf}), failures naming {@value #URL}. */
    static String urlOf(DataSource dataSource) {
        try {
            return TokenStores.urlOf(dataSource);
        } catch (TokenStoreException e) {
            throw withCause(new InvalidConfigurationPropertyValueException(URL, null, "not set, and the "
                    + "application's DataSource could not give its URL: " + e.getMessage()), e);
        }
    }

    private static <T extends RuntimeException> T withCause(T failure, Throwable cause) {
        failure.initCause(cause);
        return failure;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
