package dev.tokenstore.buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The writes not yet committed: the queue (one entry per session, in the order of each session's
 * latest write), the batch being committed, and the latest version of every such session indexed by
 * id and token hashes so reads can see it, and the count of settled batches (the epoch a read checks,
 * see {@link HeldWrites#readOnce}). Not thread-safe: {@link WriteQueue}'s lock guards it.
 */
final class PendingWrites {
    private LinkedHashMap<String, PendingWrite> queued = new LinkedHashMap<>();
    private final Map<String, PendingWrite> inFlight = new HashMap<>();
    private final Map<String, PendingWrite> latest = new HashMap<>();
    private final Map<String, String> idByAccessHash = new HashMap<>();
    private final Map<String, String> idByRefreshHash = new HashMap<>();
    private long lastSeq;
    private long settledBatches;

    /** Queued plus in-flight writes: what counts against {@code maxPending}. */
    int size() {
        return queued.size() + inFlight.size();
    }

    int queuedCount() {
        return queued.size();
    }

    /** The queued (not yet in-flight) write of the session, or null. */
    PendingWrite queuedWrite(String sessionId) {
        return queued.get(sessionId);
    }

    /** The smallest sequence number still queued, or {@link Long#MAX_VALUE}. */
    long firstQueuedSeq() {
        return queued.isEmpty() ? Long.MAX_VALUE : queued.values().iterator().next().seq;
    }

    /** The latest uncommitted write of the session, or null. */
    PendingWrite latest(String sessionId) {
        return latest.get(sessionId);
    }

    String holderOfAccessHash(String hash) {
        return idByAccessHash.get(hash);
    }

    String holderOfRefreshHash(String hash) {
        return hash == null ? null : idByRefreshHash.get(hash);
    }

    /**
     * Queues {@code write} at the end, replacing a queued write of the same session.
     *
     * @return the queued write it replaced (coalesced), or null
     */
    PendingWrite add(PendingWrite write) {
        PendingWrite replaced = queued.remove(write.id());
        queued.put(write.id(), write);
        PendingWrite previous = latest.put(write.id(), write);
        if (previous != null) {
            unindex(previous);
        }
        idByAccessHash.put(write.accessHash, write.id());
        if (write.refreshHash != null) {
            idByRefreshHash.put(write.refreshHash, write.id());
        }
        return replaced;
    }

    /** Moves up to {@code max} writes from the head of the queue into the in-flight batch. */
    List<PendingWrite> take(int max) {
        List<PendingWrite> batch = new ArrayList<>(Math.min(max, queued.size()));
        Iterator<PendingWrite> it = queued.values().iterator();
        while (it.hasNext() && batch.size() < max) {
            PendingWrite write = it.next();
            it.remove();
            inFlight.put(write.id(), write);
            batch.add(write);
        }
        return batch;
    }

    /** The earliest first-queued time of the queued writes, or {@code fallback} if none. */
    long oldestQueuedNanos(long fallback) {
        long oldest = fallback;
        boolean any = false;
        for (PendingWrite write : queued.values()) {
            oldest = any ? Math.min(oldest, write.firstQueuedNanos) : write.firstQueuedNanos;
            any = true;
        }
        return oldest;
    }

    /** The sequence number of a new write: larger than every earlier one. */
    long nextSeq() {
        return ++lastSeq;
    }

    /** The sequence number of the latest write so far (0 before the first). */
    long lastSeq() {
        return lastSeq;
    }

    /** Counts finished batches; a read whose delegate load overlapped one is repeated. */
    long epoch() {
        return settledBatches;
    }

    /** A batch has been settled (its writes finished): the epoch moves on. */
    void batchSettled() {
        settledBatches++;
    }

    /** Ends the in-flight life of {@code write}; it stops being visible unless a newer write replaced it. */
    void finish(PendingWrite write) {
        inFlight.remove(write.id(), write);
        if (latest.get(write.id()) == write) {
            latest.remove(write.id());
            unindex(write);
        }
    }

    /**
     * Drops every uncommitted write of the session (queued and in flight), releasing their callers.
     *
     * @return true if the session had an uncommitted write (it existed, as far as readers could see)
     */
    boolean cancel(String sessionId) {
        PendingWrite visible = latest.remove(sessionId);
        if (visible != null) {
            unindex(visible);
        }
        PendingWrite waiting = queued.remove(sessionId);
        if (waiting != null) {
            waiting.cancel();
        }
        PendingWrite committing = inFlight.get(sessionId);
        if (committing != null) {
            committing.cancel();
        }
        return visible != null;
    }

    /**
     * Ends a write that was written to the delegate outside a batch: if it is still the session's
     * latest, the session's uncommitted writes are dropped as by {@link #cancel} (their callers are
     * released: the write happened); otherwise only this write is let go (if a batch holds it, the
     * batch skips it), and the newer one stays.
     */
    void settleWrittenThrough(PendingWrite write) {
        if (latest.get(write.id()) == write) {
            cancel(write.id());
            return;
        }
        if (queued.get(write.id()) == write) {
            queued.remove(write.id());
        }
        write.cancel();
    }

    /**
     * Drops the uncommitted writes of every session whose latest write matches (as {@link #cancel}).
     *
     * @return the ids of those sessions
     */
    List<String> cancelMatching(Predicate<PendingWrite> filter) {
        List<String> ids = new ArrayList<>();
        for (PendingWrite write : latest.values()) {
            if (filter.test(write)) {
                ids.add(write.id());
            }
        }
        ids.forEach(this::cancel);
        return ids;
    }

    /** Every write still held (queued and in flight), for hand-back when the buffer dies. */
    List<PendingWrite> all() {
        List<PendingWrite> all = new ArrayList<>(inFlight.values());
        all.addAll(queued.values());
        return all;
    }

    /** Forgets every write (the sequence and the epoch go on). */
    void clear() {
        queued.clear();
        inFlight.clear();
        latest.clear();
        idByAccessHash.clear();
        idByRefreshHash.clear();
    }

    private void unindex(PendingWrite write) {
        idByAccessHash.remove(write.accessHash, write.id());
        if (write.refreshHash != null) {
            idByRefreshHash.remove(write.refreshHash, write.id());
        }
    }
}
