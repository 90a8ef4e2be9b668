package dev.tokenstore.redis;

import dev.tokenstore.TokenHash;

/**
 * The key layout. Everything one atomic step touches shares a hash tag, so each script runs in one
 * slot of a cluster: sessions, their tombstones, their retired refresh tokens, the expiry indexes,
 * one-time values and the change-feed stream of a bucket all live under the tag {@code {P:NN}}
 * (NN one of {@value #BUCKETS} buckets, from the first byte of the SHA-256 of the session id, state
 * or code). Lookups by token go through pointer keys in slots of their own ({@code {P:a:<hash>}},
 * {@code {P:f:<hash>}}); per-user indexes too ({@code {P:u:<keyed hash>}}). No key holds a raw
 * token, id or user id: only SHA-256 hashes (user ids: a keyed hash).
 */
final class Keys {
    /** Buckets of the data (and streams of the feed). Part of the stored format: never change it. */
    static final int BUCKETS = 64;

    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    static int bucketOf(String hexHash) {
        return Integer.parseInt(hexHash.substring(0, 2), 16) % BUCKETS;
    }

    /** The common start of every key of a bucket, e.g. {@code ts:{ts:07}:}. */
    String base(int bucket) {
        return prefix + ":{" + prefix + ":" + (bucket < 10 ? "0" : "") + bucket + "}:";
    }

    String session(String sidHash) {
        return base(bucketOf(sidHash)) + "s:" + sidHash;
    }

    String tombstone(String sidHash) {
        return base(bucketOf(sidHash)) + "x:" + sidHash;
    }

    /** A refresh token retired by the session {@code sidHash} (it lives in that session's bucket). */
    String retired(String sidHash, String tokenHash) {
        return base(bucketOf(sidHash)) + "r:" + tokenHash;
    }

    String sessionIndex(int bucket) {
        return base(bucket) + "si";
    }

    String retiredIndex(int bucket) {
        return base(bucket) + "ri";
    }

    String tombstoneIndex(int bucket) {
        return base(bucket) + "xi";
    }

    String state(String hash) {
        return base(bucketOf(hash)) + "st:" + hash;
    }

    String stateIndex(int bucket) {
        return base(bucket) + "sti";
    }

    String code(String hash) {
        return base(bucketOf(hash)) + "co:" + hash;
    }

    String codeIndex(int bucket) {
        return base(bucket) + "coi";
    }

    static int clientsBucket() {
        return bucketOf(TokenHash.sha256Hex("clients"));
    }

    String clients() {
        return base(clientsBucket()) + "clients";
    }

    String feed(int bucket) {
        return base(bucket) + "feed";
    }

    String sequence(int bucket) {
        return base(bucket) + "seq";
    }

    String accessPointer(String tokenHash) {
        return prefix + ":{" + prefix + ":a:" + tokenHash + "}";
    }

    String refreshPointer(String tokenHash) {
        return prefix + ":{" + prefix + ":f:" + tokenHash + "}";
    }

    String userIndex(String userKey) {
        return prefix + ":{" + prefix + ":u:" + userKey + "}";
    }

    String keyChecks() {
        return prefix + ":{" + prefix + ":meta}:keys";
    }

    String cleanupLock() {
        return prefix + ":{" + prefix + ":meta}:cleanup";
    }

    String channel() {
        return prefix + ":feed";
    }
}
