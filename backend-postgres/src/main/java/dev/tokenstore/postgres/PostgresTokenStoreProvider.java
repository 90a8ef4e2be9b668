package dev.tokenstore.postgres;

import dev.tokenstore.Arguments;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.Urls;
import dev.tokenstore.jdbc.ConnectionDiscard;
import dev.tokenstore.jdbc.ConnectionSource;
import dev.tokenstore.jdbc.DataSourceConnectionSource;
import dev.tokenstore.jdbc.JdbcTokenStore;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Provider {@code postgres}: opens {@code jdbc:postgresql:…} URLs as a {@link JdbcTokenStore}
 * with PostgreSQL's dialect, over a HikariCP pool of {@link TokenStoreOptions#poolSize()}
 * connections named {@code tokenstore-postgres-N} (or over the caller's
 * {@link TokenStoreOptions#dataSource()}, used as given and never closed). No embedded default.
 *
 * <p>Guarantees: upserts are {@code INSERT … ON CONFLICT … DO UPDATE}; a one-time consume is one
 * {@code DELETE … RETURNING}, so exactly one caller gets a record whatever the number of threads,
 * stores or processes; bulk stores bind one array per column ({@code unnest}) and bulk deletes one
 * array ({@code = ANY(?)}). When the server goes away calls fail with
 * {@link dev.tokenstore.TokenStoreException} within {@value PostgresSettings#CONNECT_TIMEOUT}
 * (default {@value PostgresSettings#DEFAULT_CONNECT_TIMEOUT_SECONDS} s) for a new connection, or
 * {@value PostgresSettings#SOCKET_TIMEOUT} (default
 * {@value PostgresSettings#DEFAULT_SOCKET_TIMEOUT_SECONDS} s) for a reply; once it is back the
 * store works again by itself (the pool drops dead connections). Property
 * {@value PostgresSettings#SCHEMA} puts the tables in that schema, created if missing. The change
 * feed is a change-log row per write transaction plus a wake-up {@code NOTIFY} after commit
 * ({@link PostgresChangeChannel}); its listener opens one connection of its own (from the caller's
 * data source when one is given) only while someone is subscribed, and its notifier one after the
 * first write.
 *
 * <p>A caller's data source gets its connections back as it lent them: every call runs in
 * auto-commit at READ COMMITTED whatever the pool's defaults, and what the store changed
 * (auto-commit, isolation, read-only, the feed's {@code LISTEN}, {@code synchronous_commit} and
 * {@code plan_cache_mode}) is undone before a connection is returned; one that cannot be put back
 * is evicted from a HikariCP pool (aborted in any other).
 */
public final class PostgresTokenStoreProvider implements TokenStoreProvider {
    /** URL prefix this provider accepts. */
    public static final String URL_PREFIX = "jdbc:postgresql:";

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, URL_PREFIX, 0, URL_PREFIX.length());
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        Arguments.requireNonNull(options, "options");
        PostgresSettings settings = PostgresSettings.from(options);
        DataSource given = options.dataSource();
        ConnectionSource source;
        PostgresChangeChannel.ConnectionFactory listenerConnections;
        if (given != null) {
            ConnectionDiscard discard = PoolDiscard.of(given);
            source = new DataSourceConnectionSource(given, "postgres data source " + given.getClass().getName(), null,
                    discard, Connection.TRANSACTION_READ_COMMITTED);
            listenerConnections = () -> ChannelConnection.borrowed(given.getConnection(), discard);
        } else {
            if (!accepts(options.url())) {
                throw new IllegalArgumentException("url must start with " + URL_PREFIX
                        + " (or set a dataSource), was '" + Urls.redact(options.url()) + "'");
            }
            PostgresPool pool = PostgresPool.start(options, settings);
            source = new DataSourceConnectionSource(pool.dataSource(), pool.description(), pool,
                    PoolDiscard.of(pool.dataSource()), Connection.TRANSACTION_READ_COMMITTED);
            listenerConnections = () -> ChannelConnection.own(PostgresPool.connectDirectly(options, settings));
        }
        PostgresDialect dialect = new PostgresDialect(settings.schema());
        PostgresChangeChannel channel = new PostgresChangeChannel(settings.schema(), listenerConnections,
                dialect::isUnavailable, "tokenstore postgres " + source.description(), settings.changeHeartbeatMillis());
        return JdbcTokenStore.builder(options, dialect, source).changeChannel(channel).build();
    }
}
