package dev.tokenstore.spring;

import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import dev.tokenstore.micrometer.TimedTokenStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.util.ClassUtils;

/**
 * The stores in a stack, outermost first, found by following the delegates of caches, buffers and
 * (when tokenstore-micrometer is present) timing decorators; used to find the backend under
 * wrappers, e.g. for its cleanup coordination or a health probe.
 */
final class StoreLayers {
    private static final boolean TIMED_PRESENT =
            ClassUtils.isPresent("dev.tokenstore.micrometer.TimedTokenStore", StoreLayers.class.getClassLoader());

    private StoreLayers() {
    }

    static List<TokenStore> of(TokenStore store) {
        List<TokenStore> layers = new ArrayList<>();
        for (TokenStore s = store; s != null && layers.size() < 32; s = next(s)) {
            layers.add(s);
        }
        return layers;
    }

    static TokenStore innermost(TokenStore store) {
        List<TokenStore> layers = of(store);
        return layers.get(layers.size() - 1);
    }

    static <T> Optional<T> find(TokenStore store, Class<T> type) {
        return of(store).stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    static <T> List<T> all(TokenStore store, Class<T> type) {
        return of(store).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static TokenStore next(TokenStore store) {
        if (store instanceof CachingTokenStore cache) {
            return cache.delegate();
        }
        if (store instanceof BufferedTokenStore buffer) {
            return buffer.delegate();
        }
        return TIMED_PRESENT ? Timed.next(store) : null;
    }

    /** Loaded only when tokenstore-micrometer is on the classpath. */
    private static final class Timed {
        static TokenStore next(TokenStore store) {
            return store instanceof TimedTokenStore timed ? timed.delegate() : null;
        }
    }
}
