package dev.tokenstore;

/**
 * Optional capability of a {@link TokenStore} (detect it with {@code instanceof}): tells
 * subscribers about every committed change to sessions and clients made through any store
 * instance over the same data — this one included — so caches in several application instances
 * stay coherent.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>After commit, at least once.</b> A change is delivered only once its transaction has
 *   committed, and possibly more than once. Changes are never delivered for a rolled-back write.</li>
 *   <li><b>Nothing missed silently.</b> Whenever changes may have been missed (a reconnect, a gap,
 *   the log pruned past a slow reader), a {@link ChangeEvent#isReset() reset} is delivered:
 *   "anything may have changed".</li>
 *   <li><b>Liveness is visible.</b> {@link ChangeSubscription#caughtUpNanos()} says up to when
 *   everything committed has been delivered, so a consumer can stop trusting its copies when
 *   the feed falls behind or dies.</li>
 *   <li><b>Hashes only.</b> Events name sessions and users by the SHA-256 of their ids and
 *   tokens by their SHA-256 ({@link TokenHash}); never a raw token, session id or user id.</li>
 * </ul>
 * Listeners run on the feed's own thread (or, for the in-memory store, on the writing thread
 * right after the write): they must be quick and must not call back into the store's writes.
 */
public interface ChangeFeed {

    /**
     * Starts delivering changes to {@code listener} until the returned subscription is closed.
     * Changes committed before this call may or may not be delivered.
     *
     * @throws IllegalArgumentException if {@code listener} is null
     * @throws IllegalStateException    if the store is closed
     */
    ChangeSubscription subscribe(ChangeListener listener);
}
