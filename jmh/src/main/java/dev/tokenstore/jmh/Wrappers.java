package dev.tokenstore.jmh;

import dev.tokenstore.TokenStore;

/** Builds the cache and buffer wrappers with the settings the benchmarks use. */
final class Wrappers {
    private Wrappers() {
    }

    static TokenStore wrap(Wrapping wrapping, TokenStore raw) {
        switch (wrapping) {
            case RAW:
                return raw;
            default:
                throw new UnsupportedOperationException("wrapping '" + wrapping.paramName()
                        + "' is not available yet: its module has not landed");
        }
    }

    /** Forces pending buffered writes out; a no-op for stores without a buffer. */
    static void flush(TokenStore store) {
        // wired when the buffer module lands
    }
}
