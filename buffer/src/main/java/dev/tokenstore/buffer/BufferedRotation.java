package dev.tokenstore.buffer;

import dev.tokenstore.Rotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;

/**
 * {@code rotateSession} on a buffer: the delegate's atomic rotation, inside the
 * {@link CommitGate}, after writing through (not dropping) any queued write of the rotated session
 * and of the session holding the presented token. No batch commits meanwhile, so the rotation sees
 * the latest write and no queued write can bring the old tokens back.
 */
final class BufferedRotation {
    private final CommitGate gate;
    private final TokenStore delegate;

    BufferedRotation(CommitGate gate, TokenStore delegate) {
        this.gate = gate;
        this.delegate = delegate;
    }

    /** Rotates; {@code presentedHash} is the SHA-256 of {@code presentedRefreshToken} (arguments already checked). */
    Rotation rotate(String presentedRefreshToken, String presentedHash, StoredSession next) {
        return gate.writeThrough(held -> {
            writePendingNow(held, next.sessionId());
            writePendingNow(held, held.holderOfRefreshHash(presentedHash));
            return delegate.rotateSession(presentedRefreshToken, next);
        });
    }

    /**
     * Writes the queued write of a session to the delegate now, then drops it from the queue (its
     * group-commit caller is released). If the write fails it stays queued.
     */
    private void writePendingNow(HeldWrites held, String sessionId) {
        if (sessionId == null) {
            return;
        }
        PendingWrite queued = held.latest(sessionId);
        if (queued != null) {
            delegate.storeSession(queued.session);
            // Only that write: one queued meanwhile (enqueue does not wait for a write-through) stays
            // queued, is written after the rotation, and is refused and reported if the rotation
            // retired what it carries.
            held.writtenThrough(queued);
        }
    }
}
