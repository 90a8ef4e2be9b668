package dev.tokenstore.redis;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;

/**
 * Opens {@link RedisTokenStore} for {@code redis://}, {@code rediss://}, {@code redis-cluster://}
 * and {@code rediss-cluster://} URLs (found by {@link dev.tokenstore.TokenStores} through
 * {@link java.util.ServiceLoader}). It opens connections of its own and takes no data source.
 */
public final class RedisTokenStoreProvider implements TokenStoreProvider {
    @Override
    public String name() {
        return "redis";
    }

    @Override
    public boolean accepts(String url) {
        return RedisUrl.accepts(url);
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        return RedisTokenStore.open(options);
    }

    @Override
    public boolean usesDataSource() {
        return false;
    }
}
