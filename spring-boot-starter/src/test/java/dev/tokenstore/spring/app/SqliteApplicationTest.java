package dev.tokenstore.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.testing.TestRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A Spring Boot application over a SQLite file that stores and loads a session through the injected bean. */
@SpringBootTest(classes = SqliteApplicationTest.App.class)
class SqliteApplicationTest {
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("tokenstore-boot-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SpringBootApplication
    static class App {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokenstore.url", () -> "jdbc:sqlite:" + DIR.resolve("app.db"));
        registry.add("tokenstore.encryption-keys", () -> dev.tokenstore.spring.TokenStoreAutoConfigurationTest.KEY);
        registry.add("tokenstore.cache.enabled", () -> "true");
    }

    /** The cached context (and its store) outlives the class; unlinking the open SQLite files is fine. */
    @AfterAll
    static void deleteFiles() throws java.io.IOException {
        try (var files = Files.walk(DIR)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Autowired
    TokenStore store;

    @Autowired
    CleanupScheduler cleanup;

    @Test
    void storesAndLoadsASessionThroughTheInjectedBean() {
        assertThat(store).isInstanceOf(CachingTokenStore.class);
        StoredSession session = new TestRecords(Clock.systemUTC()).session("app-user");
        store.storeSession(session);
        assertThat(store.loadSessionByAccessToken(session.accessToken())).contains(session);
        assertThat(store.loadSessionByRefreshToken(session.refreshToken())).contains(session);
        assertThat(Files.exists(DIR.resolve("app.db"))).isTrue();
        assertThat(cleanup.coordinated()).isTrue();
    }
}
