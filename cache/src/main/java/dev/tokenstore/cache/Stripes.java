package dev.tokenstore.cache;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Version numbers for identifiers (session ids, token hashes, user ids), striped over a fixed
 * array: bumping an identifier's version makes every cached entry that recorded the old version
 * stale. Two identifiers may share a stripe; that only costs a needless reload, never a stale read.
 */
final class Stripes {
    private final AtomicIntegerArray versions;
    private final int mask;

    /** @param size a power of two */
    Stripes(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("stripe count must be a power of two (was " + size + ")");
        }
        this.versions = new AtomicIntegerArray(size);
        this.mask = size - 1;
    }

    /** A power of two near {@code wanted}, within [{@code min}, {@code max}]. */
    static int sizeFor(long wanted, int min, int max) {
        long clamped = Math.max(min, Math.min(max, wanted));
        return Integer.highestOneBit((int) clamped - 1) << 1;
    }

    /**
     * The identity hash of a plain identifier (session id, user id): that of its
     * {@link dev.tokenstore.ChangeEvent#keyOf} hash, the name change events give it.
     */
    static int hashOfId(String id) {
        return hashOfHex(dev.tokenstore.ChangeEvent.keyOf(id));
    }

    /** The identity hash of a token hash given as hex: its first 64 bits. */
    static int hashOfHex(String tokenHashHex) {
        return Long.hashCode(HexFormat.fromHexDigitsToLong(tokenHashHex, 0, 16));
    }

    int index(int hash) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    int version(int index) {
        return versions.get(index);
    }

    void bump(int hash) {
        versions.incrementAndGet(index(hash));
    }
}
