package dev.tokenstore.h2;

import dev.tokenstore.Arguments;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.jdbc.JdbcTokenStore;
import java.util.Optional;

/**
 * Provider {@code h2}: opens {@code jdbc:h2:…} URLs (file, in-memory and server databases) as a
 * {@link JdbcTokenStore} with H2's dialect ({@code MERGE} upserts). Embedded default:
 * {@value #EMBEDDED_DEFAULT_URL}.
 *
 * <p>Guarantees: one-time consume holds for every thread and every store object over the same
 * database (in one JVM all stores on a file share H2's engine; across processes add
 * {@code ;AUTO_SERVER=TRUE}); an in-memory database lives exactly as long as a store on it is
 * open (an unnamed {@code jdbc:h2:mem:} gets a private name); a caller's
 * {@link TokenStoreOptions#dataSource()} is used as given and not closed. H2 does not sync to
 * disk on each commit: a commit survives a process crash but not a power loss within about a
 * second. Properties: {@value H2Settings#LOCK_TIMEOUT} (default
 * {@value H2Settings#DEFAULT_LOCK_TIMEOUT_MILLIS} ms) and the engine's {@code jdbc.*}.
 */
public final class H2TokenStoreProvider implements TokenStoreProvider {
    /** URL prefix this provider accepts. */
    public static final String URL_PREFIX = "jdbc:h2:";
    /** The database opened when nothing is configured and H2 is the only embedded backend. */
    public static final String EMBEDDED_DEFAULT_URL = "jdbc:h2:./tokenstore";

    @Override
    public String name() {
        return "h2";
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
        H2Settings settings = H2Settings.from(options);
        return JdbcTokenStore.builder(options, new H2Dialect(), H2Connections.open(options, settings)).build();
    }
}
