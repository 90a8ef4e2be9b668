package dev.tokenstore;

import java.util.Collection;
import java.util.List;

/**
 * Optional capability of a {@link TokenStore} (detect it with {@code instanceof}): many session
 * writes or deletes in one transaction. The outcome is exactly that of looping the single-op
 * calls in order (a later session in the list replaces an earlier one with the same id), but
 * all-or-nothing: on failure nothing of the batch is written.
 */
public interface BulkSessionStore {

    /**
     * Stores every session in one transaction, as {@link TokenStore#storeSession} would one by one.
     *
     * @throws IllegalArgumentException if a session is null or its token is held by another
     *                                  session; nothing of the batch is written then
     */
    void bulkStoreSessions(List<StoredSession> sessions);

    /**
     * Deletes the sessions whose access-token hash ({@link TokenHash#sha256Hex}) is listed, in one
     * transaction; unknown hashes are ignored. Each deleted session is revoked as by
     * {@link TokenStore#deleteSessionById}: a later write of it is refused.
     *
     * @return how many sessions were deleted
     * @throws IllegalArgumentException if an entry is not a SHA-256 hex hash
     *                                  ({@link TokenHash#requireSha256Hexes}); nothing is deleted then
     */
    int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes);
}
