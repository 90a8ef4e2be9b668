package dev.tokenstore.cache;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What makes cached session lookups go stale, without keeping a reverse index per entry.
 *
 * <p>Every cached positive entry records the versions of the identifiers its session is
 * reachable by (session id, access-token hash, user id); every cached negative entry records
 * the version of the key it missed. A write bumps the version of every identifier it names, so
 * every entry that could now be wrong — by any lookup path, cached or still loading — fails
 * its check on the next read and is reloaded.
 *
 * <p>The {@link #generation()} counter closes the load/write race: a write bumps it before its
 * stripes, and a load only caches its result if the generation did not move while it ran and
 * the versions were read. So a load that read the delegate before a write either is not cached,
 * or recorded versions that the write then bumps.
 */
final class SessionVersions {
    private final AtomicLong generation = new AtomicLong();
    /** Bumped by writes and deletes naming a session id. */
    final Stripes sessions;
    /** Bumped by deletes naming an access-token hash. */
    final Stripes tokens;
    /** Bumped by revocations naming a user id. */
    final Stripes users;
    /** Bumped for every key a stored session becomes reachable by (replaces cached misses). */
    final Stripes negatives;

    SessionVersions(long maxEntries) {
        // One version per 4 entries (at most 256 Ki, 1 MiB): a store makes about 4 other entries
        // reload in a full cache, and the array a hit reads stays small enough for the CPU cache.
        int size = Stripes.sizeFor(maxEntries / 4, 1024, 1 << 18);
        this.sessions = new Stripes(size);
        this.negatives = new Stripes(size);
        // Deletes by access token and by user are revocations, far rarer than stores: small stripe
        // arrays (at most 64 Ki versions, 256 KiB) stay in the CPU cache on the hit path, at the
        // price of a few needless reloads per revocation in a very large cache.
        int revocationSize = Stripes.sizeFor(maxEntries / 16, 256, 1 << 16);
        this.tokens = new Stripes(revocationSize);
        this.users = new Stripes(revocationSize);
    }

    long generation() {
        return generation.get();
    }

    /** Makes stale every entry the changes touch. Call after the delegate's write (also after a failed one). */
    void apply(Changes changes) {
        if (changes.isEmptyForSessions()) {
            return;
        }
        generation.incrementAndGet();
        changes.sessionIds().forEach(id -> sessions.bump(Stripes.hashOf(id)));
        changes.accessHashes().forEach(hash -> tokens.bump(Stripes.hashOfHex(hash)));
        changes.userIds().forEach(id -> users.bump(Stripes.hashOf(id)));
        changes.reachableIds().forEach(id -> negatives.bump(Stripes.hashOf(id)));
        changes.reachableHashes().forEach(hash -> negatives.bump(Stripes.hashOfHex(hash)));
    }
}
