package dev.tokenstore.spring;

import dev.tokenstore.TokenStore;
import dev.tokenstore.micrometer.TimedTokenStore;
import dev.tokenstore.micrometer.TokenStoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Micrometer meters for the {@link TokenStore} bean when the application has a
 * {@link MeterRegistry}: cache and buffer meters of every wrapper in it ({@link TokenStoreMetrics}),
 * and, with {@code tokenstore.metrics.time-operations=true}, a timer per operation and outcome
 * ({@link TimedTokenStore}, outermost). Off with {@code tokenstore.metrics.enabled=false}.
 */
@AutoConfiguration(after = TokenStoreAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, TokenStoreMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "tokenstore.metrics", name = "enabled", matchIfMissing = true)
public class TokenStoreMetricsAutoConfiguration {

    /** Binds the cache and buffer meters of the store bean (bound by Boot's metrics support). */
    @Bean
    @ConditionalOnBean(TokenStore.class)
    public MeterBinder tokenStoreMeterBinder(TokenStore tokenStore) {
        return new TokenStoreMetrics(tokenStore);
    }

    /** Times every operation of the store the starter builds (outermost, after other decorators). */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    @ConditionalOnProperty(prefix = "tokenstore.metrics", name = "time-operations", havingValue = "true")
    public TokenStoreDecorator tokenStoreOperationTimer(ObjectProvider<MeterRegistry> registry) {
        return store -> TimedTokenStore.wrap(store, registry.getObject());
    }
}
