package dev.tokenstore.hsqldb;

import dev.tokenstore.Arguments;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.jdbc.JdbcTokenStore;
import java.util.Optional;

/**
 * Provider {@code hsqldb}: opens in-process HSQLDB databases ({@code jdbc:hsqldb:file:…},
 * {@code jdbc:hsqldb:mem:…}) as a {@link JdbcTokenStore} with HSQLDB's dialect. Embedded default:
 * {@value #EMBEDDED_DEFAULT_URL}. Written from the public types of {@code tokenstore-api} and
 * {@code tokenstore-jdbc} only, as any outside backend would be.
 *
 * <p>Guarantees: one-time consume holds for every thread and every store object on one database
 * (they share HSQLDB's engine in this JVM, and their write transactions take turns); the database
 * is open exactly while a store on it is; a caller's {@link TokenStoreOptions#dataSource()} is
 * used as given and not closed. <b>Durability:</b> by default HSQLDB writes and syncs its log
 * every 500 ms ({@code hsqldb.write_delay}), so a crash or power loss can lose the last half
 * second of commits; {@value HsqldbSettings#WRITE_DELAY}{@code =0} syncs at every commit.
 * Server URLs ({@code hsql://}, {@code http://}) and {@code res:} are refused.
 */
public final class HsqldbTokenStoreProvider implements TokenStoreProvider {
    /** URL prefix this provider accepts. */
    public static final String URL_PREFIX = "jdbc:hsqldb:";
    /** The database opened when nothing is configured and HSQLDB is the only embedded backend. */
    public static final String EMBEDDED_DEFAULT_URL = "jdbc:hsqldb:file:./tokenstore";

    @Override
    public String name() {
        return "hsqldb";
    }

    @Override
    public boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, URL_PREFIX, 0, URL_PREFIX.length());
    }

    @Override
    public Optional<String> embeddedDefaultUrl() {
        return Optional.of(EMBEDDED_DEFAULT_URL);
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        Arguments.requireNonNull(options, "options");
        HsqldbSettings settings = HsqldbSettings.from(options);
        return JdbcTokenStore.builder(options, new HsqldbDialect(), HsqldbConnections.open(options, settings))
                .name("tokenstore hsqldb " + settings.description).build();
    }
}
