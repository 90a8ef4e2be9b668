package dev.tokenstore.jmh;

import dev.tokenstore.TokenStoreOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * One benchmark trial's database: how to open a store on it (through the public
 * {@link dev.tokenstore.TokenStores} API) and how to reach it with plain JDBC for the floors.
 * {@link #close()} removes it (files, or the PostgreSQL schema).
 */
final class Database implements AutoCloseable {
    private final Backend backend;
    private final String url;
    private final Map<String, String> properties;
    private final String user;
    private final String password;
    private final Path dir;
    private final String schema;
    private final Runnable drop;

    Database(Backend backend, String url, Map<String, String> properties, String user, String password, Path dir,
            String schema, Runnable drop) {
        this.backend = backend;
        this.url = url;
        this.properties = Map.copyOf(properties);
        this.user = user;
        this.password = password;
        this.dir = dir;
        this.schema = schema;
        this.drop = drop;
    }

    Backend backend() {
        return backend;
    }

    String url() {
        return url;
    }

    /** The directory holding the database files; null for memory and PostgreSQL. */
    Path dir() {
        return dir;
    }

    /** The PostgreSQL schema of this trial; null for the other backends. */
    String schema() {
        return schema;
    }

    /** Options that open a store on this database with the given 32-byte encryption key. */
    TokenStoreOptions options(byte[] key32, int poolSize) {
        TokenStoreOptions.Builder b = TokenStoreOptions.builder().url(url).encryptionKey(key32).poolSize(poolSize);
        if (user != null) {
            b.user(user);
        }
        if (password != null) {
            b.password(password);
        }
        properties.forEach(b::property);
        return b.build();
    }

    /** A plain JDBC connection to this database with the store's durability settings. */
    Connection connect() throws SQLException {
        return backend.connect(this);
    }

    @Override
    public void close() {
        drop.run();
    }
}
