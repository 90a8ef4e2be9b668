package dev.tokenstore.spring;

import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.TokenStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * A {@link TokenStoreHealthIndicator} ({@code tokenstore} in Actuator's health) when Spring Boot's
 * health support is present; off with {@code management.health.tokenstore.enabled=false}.
 */
@AutoConfiguration(after = TokenStoreAutoConfiguration.class,
        afterName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(TokenStore.class)
@ConditionalOnEnabledHealthIndicator("tokenstore")
public class TokenStoreHealthAutoConfiguration {

    /** The {@code tokenstore} health indicator (Actuator names it after the bean: {@code tokenstore}). */
    @Bean
    @ConditionalOnMissingBean(name = "tokenstoreHealthIndicator")
    public TokenStoreHealthIndicator tokenstoreHealthIndicator(TokenStore tokenStore,
                                                               ObjectProvider<CleanupScheduler> cleanup) {
        return new TokenStoreHealthIndicator(tokenStore, cleanup.getIfUnique());
    }
}
