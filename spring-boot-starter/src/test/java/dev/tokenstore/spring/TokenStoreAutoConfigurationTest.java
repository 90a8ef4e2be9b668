package dev.tokenstore.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenstore.CleanupRun;
import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.testing.TestRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every condition of {@link TokenStoreAutoConfiguration}, on real SQLite files and a real H2 database. */
public class TokenStoreAutoConfigurationTest {
    public static final String KEY = Base64.getEncoder().encodeToString("starter-test-key-of-exactly-32b!".getBytes());

    @TempDir
    Path dir;
    private final TestRecords data = new TestRecords(Clock.systemUTC());

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TokenStoreAutoConfiguration.class))
                .withPropertyValues("tokenstore.encryption-keys=" + KEY);
    }

    private String sqliteUrl(String file) {
        return "tokenstore.url=jdbc:sqlite:" + dir.resolve(file);
    }

    @Test
    void aUrlGivesTheBackendAloneClosedWithTheContext() {
        AtomicReference<TokenStore> bean = new AtomicReference<>();
        runner().withPropertyValues(sqliteUrl("plain.db")).run(context -> {
            assertThat(context).hasSingleBean(TokenStore.class);
            TokenStore store = context.getBean(TokenStore.class);
            assertThat(store).isNotInstanceOf(CachingTokenStore.class).isNotInstanceOf(BufferedTokenStore.class);
            StoredSession s = data.session("u1");
            store.storeSession(s);
            assertThat(store.loadSessionByAccessToken(s.accessToken())).contains(s);
            bean.set(store);
        });
        assertThat(Files.exists(dir.resolve("plain.db"))).isTrue();
        assertThatThrownBy(() -> bean.get().loadClient("c1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theApplicationsOwnStoreWinsAndNoOtherIsOpened() {
        runner().withUserConfiguration(OwnStore.class)
                .withPropertyValues("tokenstore.url=jdbc:unknown:nothing", "tokenstore.cleanup.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(TokenStore.class);
                    assertThat(context.getBean(TokenStore.class)).isSameAs(context.getBean(OwnStore.class).store);
                });
    }

    @Test
    void bufferAndCacheWrapTheBackendAsConfigured() {
        runner().withPropertyValues(sqliteUrl("wrapped.db"), "tokenstore.cache.enabled=true",
                "tokenstore.cache.max-entries=500", "tokenstore.buffer.enabled=true",
                "tokenstore.buffer.ack-mode=group-commit", "tokenstore.buffer.max-batch-size=50").run(context -> {
            TokenStore store = context.getBean(TokenStore.class);
            assertThat(store).isInstanceOf(CachingTokenStore.class);
            TokenStore under = ((CachingTokenStore) store).delegate();
            assertThat(under).isInstanceOf(BufferedTokenStore.class);
            assertThat(under.toString()).contains("GROUP_COMMIT").contains("maxBatchSize=50");
            assertThat(store.toString()).contains("maxEntries=500");
            StoredSession s = data.session("u2");
            store.storeSession(s);
            assertThat(store.layers().get(store.layers().size() - 1).loadSessionById(s.sessionId())).contains(s);
        });
    }

    @Test
    void theCachesStalenessBoundAndOutageServingComeFromProperties() {
        runner().withPropertyValues(sqliteUrl("bounds.db"), "tokenstore.cache.enabled=true").run(context -> {
            CachingTokenStore cached = (CachingTokenStore) context.getBean(TokenStore.class);
            assertThat(cached.maxStaleness()).isEqualTo(java.time.Duration.ofSeconds(1));
            assertThat(cached.serveHitsWhileDatabaseUnavailable()).isEqualTo(java.time.Duration.ZERO);
        });
        runner().withPropertyValues(sqliteUrl("outage.db"), "tokenstore.cache.enabled=true",
                "tokenstore.cache.max-staleness=500ms", "tokenstore.cache.serve-hits-while-database-unavailable=30s")
                .run(context -> {
                    CachingTokenStore cached = (CachingTokenStore) context.getBean(TokenStore.class);
                    assertThat(cached.maxStaleness()).isEqualTo(java.time.Duration.ofMillis(500));
                    assertThat(cached.serveHitsWhileDatabaseUnavailable()).isEqualTo(java.time.Duration.ofSeconds(30));
                });
        runner().withPropertyValues(sqliteUrl("badoutage.db"), "tokenstore.cache.enabled=true",
                "tokenstore.cache.serve-hits-while-database-unavailable=1s")
                .run(context -> assertThat(messages(context.getStartupFailure()))
                        .contains("tokenstore.cache.serve-hits-while-database-unavailable"));
    }

    @Test
    void withoutAUrlTheApplicationsDataSourceIsUsedAndItsDatabasePicksTheBackend() {
        runner().withUserConfiguration(H2DataSource.class).run(context -> {
            TokenStore store = context.getBean(TokenStore.class);
            assertThat(store.toString()).contains("h2");
            StoredSession s = data.session("u3");
            store.storeSession(s);
            DataSource ds = context.getBean(DataSource.class);
            assertThat(count(ds, "tokenstore_sessions")).isEqualTo(1);
        });
    }

    @Test
    void aSqliteDataSourceGivesItsFileToTheSqliteBackend() {
        SqliteDataSource.path = dir.resolve("from-ds.db");
        runner().withUserConfiguration(SqliteDataSource.class).run(context -> {
            TokenStore store = context.getBean(TokenStore.class);
            assertThat(store.toString()).contains("sqlite").contains("from-ds.db");
            store.storeSession(data.session("u4"));
            assertThat(count(context.getBean(DataSource.class), "tokenstore_sessions")).isEqualTo(1);
        });
    }

    @Test
    void aMissingKeyFailsAtStartupNamingTheProperty() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TokenStoreAutoConfiguration.class))
                // blank, whatever the machine's environment holds (Spring's Environment wins over it)
                .withPropertyValues(sqliteUrl("nokey.db"), "TOKENSTORE_ENCRYPTION_KEY=").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure())).contains("tokenstore.encryption-keys")
                            .contains("no encryption key");
                });
    }

    @Test
    void plaintextMayBeAllowedForDevelopment() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TokenStoreAutoConfiguration.class))
                .withPropertyValues(sqliteUrl("dev.db"), "tokenstore.allow-plaintext=true")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(TokenStore.class));
    }

    @Test
    void aMalformedKeyFailsAtStartupNamingThePropertyWithoutShowingTheKey() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        runner().withPropertyValues(sqliteUrl("badkey.db"), "tokenstore.encryption-keys=k1:" + shortKey)
                .run(context -> {
                    assertThat(context).hasFailed();
                    String messages = messages(context.getStartupFailure());
                    assertThat(messages).contains("tokenstore.encryption-keys").contains("32 bytes")
                            .doesNotContain(shortKey);
                });
        runner().withPropertyValues(sqliteUrl("badkey.db"), "tokenstore.encryption-keys=k1:%%%not-base64")
                .run(context -> assertThat(messages(context.getStartupFailure()))
                        .contains("tokenstore.encryption-keys").contains("base64"));
    }

    @Test
    void anUnknownUrlFailsAtStartupNamingThePropertyWithoutItsPassword() {
        runner().withPropertyValues("tokenstore.url=jdbc:oracle:thin:scott/tiger@db:1521/x?password=tiger")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure())).contains("tokenstore.url")
                            .contains("no tokenstore backend").doesNotContain("password=tiger");
                });
    }

    @Test
    void noUrlNoDataSourceAndSeveralEmbeddedBackendsFailsNamingTheUrlProperty() {
        runner().run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains("tokenstore.url");
        });
    }

    @Test
    void badWrapperSettingsFailNamingTheProperty() {
        runner().withPropertyValues(sqliteUrl("badbuffer.db"), "tokenstore.buffer.enabled=true",
                "tokenstore.buffer.max-batch-size=0").run(context -> assertThat(messages(context.getStartupFailure()))
                .contains("tokenstore.buffer.max-batch-size"));
        runner().withPropertyValues(sqliteUrl("badcache.db"), "tokenstore.cache.enabled=true",
                "tokenstore.cache.max-entries=0").run(context -> assertThat(messages(context.getStartupFailure()))
                .contains("tokenstore.cache.max-entries"));
        runner().withPropertyValues(sqliteUrl("badcleanup.db"), "tokenstore.cleanup.interval=0s")
                .run(context -> assertThat(messages(context.getStartupFailure()))
                        .contains("tokenstore.cleanup.interval"));
    }

    @Test
    void cleanupIsScheduledCoordinatedThroughTheBackendUnderTheWrappers() {
        runner().withPropertyValues(sqliteUrl("cleanup.db"), "tokenstore.cache.enabled=true",
                "tokenstore.cleanup.interval=10m", "tokenstore.cleanup.jitter=1m").run(context -> {
            CleanupScheduler cleanup = context.getBean(CleanupScheduler.class);
            assertThat(cleanup.interval()).isEqualTo(Duration.ofMinutes(10));
            assertThat(cleanup.jitter()).isEqualTo(Duration.ofMinutes(1));
            assertThat(cleanup.coordinated()).as("the SQLite backend's coordination, found under the cache").isTrue();
            TokenStore store = context.getBean(TokenStore.class);
            store.storeState(data.state(Duration.ofMillis(1)));
            CleanupRun run = cleanup.runNow();
            assertThat(run.outcome()).isEqualTo(CleanupRun.Outcome.CLEANED);
        });
        runner().withPropertyValues(sqliteUrl("nocleanup.db"), "tokenstore.cleanup.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CleanupScheduler.class));
    }

    @Test
    void decoratorsWrapTheBuiltStoreOutermost() {
        runner().withPropertyValues(sqliteUrl("decorated.db")).withUserConfiguration(Decorator.class).run(context -> {
            TokenStore store = context.getBean(TokenStore.class);
            assertThat(store).isInstanceOf(Decorator.Marked.class);
        });
    }

    static String messages(Throwable failure) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    static long count(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
        final InMemoryTokenStore store = new InMemoryTokenStore();

        @Bean
        TokenStore myStore() {
            return store;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class H2DataSource {
        @Bean
        DataSource dataSource() {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:mem:starter-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            return ds;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SqliteDataSource {
        static Path path;

        @Bean
        DataSource dataSource() {
            SQLiteDataSource ds = new SQLiteDataSource();
            ds.setUrl("jdbc:sqlite:" + path);
            return ds;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Decorator {
        static final class Marked extends dev.tokenstore.ForwardingTokenStore {
            private final TokenStore delegate;

            Marked(TokenStore delegate) {
                this.delegate = delegate;
            }

            @Override
            protected TokenStore delegate() {
                return delegate;
            }
        }

        @Bean
        TokenStoreDecorator marking() {
            return Marked::new;
        }
    }

}
