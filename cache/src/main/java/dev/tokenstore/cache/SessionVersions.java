package dev.tokenstore.cache;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.TokenHash;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What makes cached session lookups go stale, without keeping a reverse index per entry.
 *
 * <p>Every cached positive entry records the versions of the identifiers its session is
 * reachable by (session id, access-token hash, user id); every cached negative entry records
 * the version of the key it missed. Ids are striped by their {@link ChangeEvent#keyOf} hash and
 * tokens by their SHA-256, the names a {@link ChangeEvent} carries, so an event from another
 * instance finds the same stripes a local write does. A write bumps the version of every identifier it names, so
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

    /**
     * Makes stale every entry the event touches, whether the write was this cache's own (call
     * after the delegate's write, also after a failed one) or came through the change feed: a
     * named session id or token makes stale every found entry recorded under it and every cached
     * miss of it; a named user, every found entry of that user.
     */
    void apply(ChangeEvent event) {
        if (event.sessionIdHashes().isEmpty() && event.tokenHashes().isEmpty() && event.userIdHashes().isEmpty()) {
            return;
        }
        generation.incrementAndGet();
        // An entry that is no SHA-256 hex (an event from a store that let one through) names
        // nothing this cache holds: it is skipped, and every other entry still applies.
        for (String id : event.sessionIdHashes()) {
            if (TokenHash.isSha256Hex(id)) {
                int hash = Stripes.hashOfHex(id);
                sessions.bump(hash);
                negatives.bump(hash);
            }
        }
        for (String token : event.tokenHashes()) {
            if (TokenHash.isSha256Hex(token)) {
                int hash = Stripes.hashOfHex(token);
                tokens.bump(hash);
                negatives.bump(hash);
            }
        }
        for (String id : event.userIdHashes()) {
            if (TokenHash.isSha256Hex(id)) {
                users.bump(Stripes.hashOfHex(id));
            }
        }
    }

    /** Makes every load in flight uncacheable (the caller then drops every entry). */
    void resetAll() {
        generation.incrementAndGet();
    }
}
