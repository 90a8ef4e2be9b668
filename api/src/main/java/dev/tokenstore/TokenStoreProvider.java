package dev.tokenstore;

import java.util.Optional;

/**
 * A backend, found by {@link TokenStores} through {@link java.util.ServiceLoader}: list the
 * implementing class in {@code META-INF/services/dev.tokenstore.TokenStoreProvider}.
 * Implementations need a public no-argument constructor and must be cheap to construct.
 */
public interface TokenStoreProvider {

    /** Short name, e.g. {@code "sqlite"}, shown in error messages and used in benchmarks. */
    String name();

    /** True if this provider opens the given URL (e.g. starts with {@code jdbc:sqlite:}). */
    boolean accepts(String url);

    /** Opens a store for {@code options.url()}; the URL is one this provider accepts. */
    TokenStore open(TokenStoreOptions options);

    /**
     * True (the default) if this backend works over a caller's {@link TokenStoreOptions#dataSource()}.
     * A backend that instead opens connections of its own to the database the data source points at
     * (SQLite: one writer per file, in-process) returns false; {@link TokenStores#open(TokenStoreOptions)}
     * then hands it the data source's URL and not the data source.
     */
    default boolean usesDataSource() {
        return true;
    }

    /**
     * The URL opened when no URL is configured and this is the only embedded backend present
     * (SQLite: {@code ./tokenstore.db}); empty for backends that need a server or hold nothing.
     */
    default Optional<String> embeddedDefaultUrl() {
        return Optional.empty();
    }
}
