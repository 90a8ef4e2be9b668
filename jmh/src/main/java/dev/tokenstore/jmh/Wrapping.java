package dev.tokenstore.jmh;

import dev.tokenstore.TokenStore;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the benchmarked store is wrapped, by the name used in the {@code wrapping} JMH parameter:
 * the raw backend, the read cache, the write buffer (write-behind or group commit) or both
 * (cache over buffer, the stack an application would use).
 */
public enum Wrapping {
    RAW("raw"),
    CACHED("cached"),
    BUFFERED("buffered"),
    GROUP_COMMIT("group-commit"),
    CACHED_BUFFERED("cached+buffered");

    private final String paramName;

    Wrapping(String paramName) {
        this.paramName = paramName;
    }

    public String paramName() {
        return paramName;
    }

    public static Wrapping of(String name) {
        for (Wrapping w : values()) {
            if (w.paramName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("wrapping must be one of "
                + Arrays.stream(values()).map(Wrapping::paramName).collect(Collectors.joining(", ")) + ", was '" + name + "'");
    }

    /** True when reads go through a cache (so the fixture warms it before measuring hits). */
    public boolean caches() {
        return this == CACHED || this == CACHED_BUFFERED;
    }

    /** Wraps {@code raw}; closing the result closes {@code raw}. */
    public TokenStore wrap(TokenStore raw) {
        return Wrappers.wrap(this, raw);
    }
}
