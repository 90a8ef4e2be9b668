package dev.tokenstore.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.micrometer.TimedTokenStore;
import dev.tokenstore.testing.TestRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The Micrometer and Actuator-health conditions, over real SQLite files. */
class TokenStoreMetricsAndHealthTest {
    @TempDir
    Path dir;
    private final TestRecords data = new TestRecords(Clock.systemUTC());

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TokenStoreAutoConfiguration.class,
                        TokenStoreMetricsAutoConfiguration.class, TokenStoreHealthAutoConfiguration.class))
                .withPropertyValues("tokenstore.encryption-keys=" + TokenStoreAutoConfigurationTest.KEY,
                        "tokenstore.url=jdbc:sqlite:" + dir.resolve("m.db"), "tokenstore.cleanup.enabled=false");
    }

    private ApplicationContextRunner withMetrics() {
        return runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
    }

    @Test
    void withAMeterRegistryTheCacheAndBufferMetersAreBound() {
        withMetrics().withPropertyValues("tokenstore.cache.enabled=true", "tokenstore.buffer.enabled=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(MeterBinder.class);
                    TokenStore store = context.getBean(TokenStore.class);
                    assertThat(store).isNotInstanceOf(TimedTokenStore.class);
                    StoredSession s = data.session("u1");
                    store.storeSession(s);
                    store.loadSessionById(s.sessionId());
                    store.loadSessionById(s.sessionId());
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("cache.gets").tag("cache", "tokenstore").tag("result", "hit")
                            .functionCounter().count()).isEqualTo(1.0);
                    assertThat(registry.get("tokenstore.buffer.pending").tag("buffer", "tokenstore").gauge())
                            .isNotNull();
                    assertThat(registry.find("tokenstore.operations").timers()).isEmpty();
                });
    }

    @Test
    void operationTimingIsOptIn() {
        withMetrics().withPropertyValues("tokenstore.metrics.time-operations=true", "tokenstore.cache.enabled=true")
                .run(context -> {
                    TokenStore store = context.getBean(TokenStore.class);
                    assertThat(store).isInstanceOf(TimedTokenStore.class);
                    store.loadClient("c-nobody");
                    assertThat(context.getBean(MeterRegistry.class).get("tokenstore.operations")
                            .tag("operation", "loadClient").tag("outcome", "not_found").timer().count()).isEqualTo(1);
                    assertThat(store.layers().get(store.layers().size() - 1).toString()).contains("sqlite");
                });
    }

    @Test
    void withoutAMeterRegistryOrWithMetricsOffNothingIsBound() {
        runner().withPropertyValues("tokenstore.metrics.time-operations=true").run(context -> {
            assertThat(context).doesNotHaveBean(MeterBinder.class);
            assertThat(context.getBean(TokenStore.class)).isNotInstanceOf(TimedTokenStore.class);
        });
        withMetrics().withPropertyValues("tokenstore.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MeterBinder.class));
        withMetrics().withClassLoader(new FilteredClassLoader(TimedTokenStore.class.getPackageName()))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MeterBinder.class)
                        .hasSingleBean(TokenStore.class));
    }

    @Test
    void theHealthIndicatorSaysWhetherTheStoreAnswersAndWhatIsPending() {
        runner().withPropertyValues("tokenstore.buffer.enabled=true", "tokenstore.buffer.max-delay=1h",
                "tokenstore.cleanup.enabled=true").run(context -> {
            assertThat(context).hasBean("tokenstoreHealthIndicator");
            HealthIndicator indicator = context.getBean(TokenStoreHealthIndicator.class);
            context.getBean(dev.tokenstore.CleanupScheduler.class).runNow(); // flushes the buffer first
            StoredSession s = data.session("u2");
            context.getBean(TokenStore.class).storeSession(s);               // stays queued (max-delay 1h)
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("answers", true).containsEntry("buffer.pending", 1)
                    .containsEntry("cleanup.lastOutcome", "CLEANED");
            assertThat(health.getDetails().toString()).doesNotContain(s.sessionId()).doesNotContain(s.accessToken());

            List<TokenStore> layers = context.getBean(TokenStore.class).layers();
            layers.get(layers.size() - 1).close();
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("answers", false)
                    .containsEntry("error", IllegalStateException.class.getName());
        });
    }

    @Test
    void theHealthIndicatorIsAbsentWithoutActuatorsHealthOrWhenDisabled() {
        runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TokenStoreHealthIndicator.class));
        runner().withPropertyValues("management.health.tokenstore.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(TokenStoreHealthIndicator.class));
    }

    @Test
    void configurationMetadataIsGeneratedForEveryPropertyGroup() throws Exception {
        String metadata;
        try (var in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(metadata).contains("\"tokenstore.url\"", "\"tokenstore.encryption-keys\"",
                "\"tokenstore.cache.enabled\"", "\"tokenstore.buffer.ack-mode\"", "\"tokenstore.cleanup.interval\"",
                "\"tokenstore.metrics.time-operations\"");
    }
}
