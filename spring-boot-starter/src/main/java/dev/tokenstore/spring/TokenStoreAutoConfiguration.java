package dev.tokenstore.spring;

import dev.tokenstore.CleanupCoordination;
import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.TokenStore;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link TokenStore} bean built from the {@code tokenstore.*} properties (or from the
 * application's {@link DataSource} when {@code tokenstore.url} is unset), wrapped in the configured
 * buffer and cache, closed with the context; a {@code TokenStore} bean of the application's own
 * wins. Plus a {@link CleanupScheduler} unless {@code tokenstore.cleanup.enabled=false}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(TokenStore.class)
@EnableConfigurationProperties(TokenStoreProperties.class)
public class TokenStoreAutoConfiguration {

    /** The store, wrapped as configured. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(TokenStore.class)
    public TokenStore tokenStore(TokenStoreProperties properties, ObjectProvider<DataSource> dataSource,
                                 ObjectProvider<TokenStoreDecorator> decorators,
                                 org.springframework.core.env.Environment environment) {
        // TOKENSTORE_ENCRYPTION_KEY / TOKENSTORE_URL are read through Spring's Environment (which
        // holds the process environment), so tests and profiles can set or blank them.
        return new TokenStoreFactory(properties, environment::getProperty).open(dataSource.getIfUnique(),
                decorators.orderedStream().toList());
    }

    /**
     * Cleans the store on a schedule; coordinated with other instances through the backend's
     * {@link CleanupCoordination} (PostgreSQL advisory lock), found under any wrappers.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(CleanupScheduler.class)
    @ConditionalOnProperty(prefix = "tokenstore.cleanup", name = "enabled", matchIfMissing = true)
    public CleanupScheduler tokenStoreCleanup(TokenStore tokenStore, TokenStoreProperties properties) {
        TokenStoreProperties.Cleanup cleanup = properties.getCleanup();
        try {
            CleanupScheduler.Builder builder = CleanupScheduler.builder(tokenStore).interval(cleanup.getInterval());
            if (cleanup.getJitter() != null) {
                builder.jitter(cleanup.getJitter());
            }
            if (cleanup.getInitialDelay() != null) {
                builder.initialDelay(cleanup.getInitialDelay());
            }
            tokenStore.features().cleanupCoordination().ifPresent(builder::coordination);
            return builder.start();
        } catch (IllegalArgumentException e) {
            throw PropertyErrors.invalid("tokenstore.cleanup", e);
        }
    }
}
