package dev.tokenstore;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link TokenStore} through whichever backend on the classpath accepts the URL.
 *
 * <p>The URL is, in order: the one given; with a {@link TokenStoreOptions#dataSource()} and no URL,
 * the URL the data source's connections report ({@link java.sql.DatabaseMetaData#getURL()}), which
 * picks the backend (the data source is then used as is, or, for a backend that opens its own
 * connections, {@link TokenStoreProvider#usesDataSource()} false, only its URL); the system
 * property {@value #URL_PROPERTY}; the
 * environment variable {@value #URL_ENV} (read through {@link TokenStoreOptions#environment()}, so
 * tests can replace it); otherwise, if exactly one backend with an embedded
 * default is present (SQLite {@code ./tokenstore.db}, H2 {@code ./tokenstore}), that default.
 * Anything else fails with a {@link TokenStoreException} that lists the backends found and what
 * to set.
 */
public final class TokenStores {
    /** System property holding the store URL. */
    public static final String URL_PROPERTY = "tokenstore.url";
    /** Environment variable holding the store URL. */
    public static final String URL_ENV = "TOKENSTORE_URL";

    private static final Logger LOG = LoggerFactory.getLogger(TokenStores.class);

    private TokenStores() {
    }

    /** Opens the configured store (see the class description) with default options. */
    public static TokenStore open() {
        return open(TokenStoreOptions.builder().build());
    }

    /** Opens the store at {@code url}, with keys from the environment if any. */
    public static TokenStore open(String url) {
        return open(TokenStoreOptions.builder().url(Checks.requireText(url, "url")).build());
    }

    /** Opens a store with these options; a null URL is resolved as the class description says. */
    public static TokenStore open(TokenStoreOptions options) {
        Checks.requireNonNull(options, "options");
        return open(options, providers(), System::getProperty, options.environment()::apply);
    }

    /** The backends on the classpath, in {@link ServiceLoader} order. */
    public static List<TokenStoreProvider> providers() {
        List<TokenStoreProvider> found = new ArrayList<>();
        ServiceLoader.load(TokenStoreProvider.class, classLoader()).forEach(found::add);
        return found;
    }

    static TokenStore open(TokenStoreOptions options, List<TokenStoreProvider> providers,
            UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        Checks.requireNonNull(options, "options");
        boolean fromDataSource = options.url() == null && options.dataSource() != null;
        String url = fromDataSource ? urlOf(options.dataSource())
                : resolveUrl(options.url(), providers, systemProperties, environment);
        TokenStoreProvider provider = providerFor(url, providers);
        LOG.debug("opening tokenstore {} with backend {}", Urls.redact(url), provider.name());
        TokenStoreOptions resolved = url.equals(options.url()) ? options : options.toBuilder().url(url).build();
        if (fromDataSource && !provider.usesDataSource()) {
            resolved = resolved.toBuilder().dataSource(null).build();
        }
        return provider.open(resolved);
    }

    /**
     * The JDBC URL a data source's connections report (one connection is borrowed and given back).
     *
     * @throws TokenStoreException if no connection can be had, or it reports no URL
     */
    public static String urlOf(DataSource dataSource) {
        Checks.requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            String url = meta.getURL();
            if (url == null || url.isBlank()) {
                throw new TokenStoreException("no tokenstore URL configured, and the data source ("
                        + meta.getDatabaseProductName() + ") does not report its URL; pass TokenStoreOptions.url(...)");
            }
            return url.trim();
        } catch (SQLException e) {
            throw new TokenStoreException("no tokenstore URL configured and the data source could not be asked "
                    + "for its database", e);
        }
    }

    private static String resolveUrl(String given, List<TokenStoreProvider> providers,
            UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        if (given != null) {
            return given;
        }
        String configured = systemProperties.apply(URL_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = environment.apply(URL_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        List<TokenStoreProvider> embedded = providers.stream()
                .filter(p -> p.embeddedDefaultUrl().isPresent()).collect(Collectors.toList());
        if (embedded.size() == 1) {
            String url = embedded.get(0).embeddedDefaultUrl().orElseThrow();
            LOG.info("no tokenstore URL configured; using the {} backend's default {}", embedded.get(0).name(), url);
            return url;
        }
        String why = embedded.isEmpty() ? "no embedded backend (tokenstore-sqlite or tokenstore-h2) is on the classpath"
                : "several embedded backends are on the classpath, so none is chosen for you";
        throw new TokenStoreException("no tokenstore URL configured and " + why + "; set the system property "
                + URL_PROPERTY + " or the environment variable " + URL_ENV + ", or pass TokenStoreOptions.url(...). "
                + describe(providers));
    }

    private static TokenStoreProvider providerFor(String url, List<TokenStoreProvider> providers) {
        List<TokenStoreProvider> accepting = providers.stream().filter(p -> p.accepts(url)).collect(Collectors.toList());
        if (accepting.isEmpty()) {
            throw new TokenStoreException("no tokenstore backend accepts the URL '" + Urls.redact(url)
                    + "'; put the matching backend jar (tokenstore-sqlite, tokenstore-h2, tokenstore-postgres) "
                    + "on the classpath or fix the URL. " + describe(providers));
        }
        if (accepting.size() > 1) {
            LOG.warn("several tokenstore backends accept {}: {}; using {}", Urls.redact(url),
                    names(accepting), accepting.get(0).name());
        }
        return accepting.get(0);
    }

    private static String describe(List<TokenStoreProvider> providers) {
        return providers.isEmpty() ? "No backends found." : "Backends found: " + names(providers) + ".";
    }

    private static String names(List<TokenStoreProvider> providers) {
        return providers.stream()
                .map(p -> p.name() + p.embeddedDefaultUrl().map(u -> " (default " + u + ")").orElse(""))
                .collect(Collectors.joining(", "));
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TokenStores.class.getClassLoader();
    }
}
