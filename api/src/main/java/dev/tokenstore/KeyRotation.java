package dev.tokenstore;

import java.util.Map;

/**
 * Optional capability of a store that keeps encrypted values (detected with {@code instanceof},
 * like {@link BulkSessionStore}): finishing a key rotation. After the store is opened with a ring
 * whose primary is the new key, {@link #reencrypt(int)} rewrites every value that still depends on
 * another key (or is in an older format) under the primary key; {@link #valuesByKeyId()} says how
 * many stored values each key id protects, so an operator knows when a key can be retired.
 *
 * <p>Re-encryption works in transactions of at most {@code chunkSize} rows, so it holds no long
 * lock and runs alongside live traffic: a row changed by a live write between the read and the
 * rewrite is left as that write left it (it was written under the primary key anyway). Stopped
 * half-way (a crash, a restart), it is resumed by running it again: rows already under the
 * primary key are only read. Progress is logged through SLF4J. The bundled wrappers (cache, buffer,
 * metrics) pass it through: it changes no plaintext, so caches stay valid, and a buffer flushes
 * what it holds first.
 */
public interface KeyRotation {
    /** Rows per transaction used by {@link #reencrypt()}. */
    int DEFAULT_CHUNK_SIZE = 500;

    /** {@link #reencrypt(int)} with {@link #DEFAULT_CHUNK_SIZE}. */
    default ReencryptionReport reencrypt() {
        return reencrypt(DEFAULT_CHUNK_SIZE);
    }

    /**
     * Rewrites every stored value not yet under the primary key in the current format.
     *
     * @throws IllegalArgumentException if {@code chunkSize} is not positive
     * @throws TokenStoreException      if a value cannot be decrypted with the ring (that row's chunk
     *                                  is rolled back; earlier chunks stay done)
     */
    ReencryptionReport reencrypt(int chunkSize);

    /**
     * How many stored values depend on each key id (encrypted values and keyed hashes), read in
     * chunks without changing anything; {@code "plaintext"} counts values stored unencrypted.
     */
    Map<String, Long> valuesByKeyId();

    /**
     * What a re-encryption did.
     *
     * @param rowsChecked    rows read
     * @param rowsRewritten  rows whose values were rewritten under the primary key
     * @param rowsLeft       rows a live write changed between the read and the rewrite (left as written)
     * @param valuesByKeyId  after the run, how many values each key id protects
     */
    record ReencryptionReport(long rowsChecked, long rowsRewritten, long rowsLeft, Map<String, Long> valuesByKeyId) {
        public ReencryptionReport {
            valuesByKeyId = Map.copyOf(valuesByKeyId);
        }
    }
}
