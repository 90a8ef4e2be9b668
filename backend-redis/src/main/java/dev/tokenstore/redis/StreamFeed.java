package dev.tokenstore.redis;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription to the change feed: a daemon thread that reads every bucket's stream past the
 * last entry it delivered, every {@code redis.feedPollMillis} and at once when a pub/sub wake-up
 * arrives (wake-ups may be lost; the streams are the truth). Each entry carries its bucket's
 * sequence number, written in the same script as the change, so the subscriber sees:
 * <ul>
 *   <li>a gap (the stream trimmed past it, entries lost in a failover): the next number is not the one it expects;</li>
 *   <li>a restart or failover that lost writes: the bucket's sequence went back (checked every second);</li>
 *   <li>its own reads failing;</li>
 * </ul>
 * and delivers a {@link ChangeEvent#RESET} in each case. {@link #caughtUpNanos()} is the start of
 * the last sweep that read every bucket without error: everything committed before it was delivered.
 */
final class StreamFeed implements ChangeSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(StreamFeed.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int BATCH = 1000;

    private final Env env;
    private final ChangeListener listener;
    private final RedisTokenStore.FeedSettings settings;
    private final Consumer<StreamFeed> onClose;
    private final Semaphore wakeups = new Semaphore(0);
    /** Buckets named by wake-ups since the last read of them (a hint only). */
    private final java.util.concurrent.atomic.AtomicLongArray wokenBits = new java.util.concurrent.atomic.AtomicLongArray(1);
    private final Woken woken = new Woken();
    private final String[] lastIds = new String[Keys.BUCKETS];
    private final long[] lastSeq = new long[Keys.BUCKETS];
    private final Thread thread;
    private volatile long caughtUp;
    private volatile boolean unreachable;
    private volatile boolean closed;
    private StatefulConnection<String, String> pubSub;

    StreamFeed(Env env, ChangeListener listener, RedisTokenStore.FeedSettings settings, Consumer<StreamFeed> onClose) {
        this.env = env;
        this.listener = listener;
        this.settings = settings;
        this.onClose = onClose;
        this.caughtUp = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
        this.thread = new Thread(this::run, "tokenstore-redis-feed-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /** Reads where every stream ends now (changes before this call may not be delivered), then starts the thread. */
    void start() {
        if (settings.wakeups()) {
            try {
                pubSub = env.link().pubSub(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        try {
                            int bucket = Integer.parseInt(message);
                            if (bucket >= 0 && bucket < Keys.BUCKETS) {
                                woken.set(bucket);
                            }
                        } catch (NumberFormatException e) {
                            // not ours: only a reason to look
                        }
                        wakeups.release();
                    }
                }, env.keys().channel());
            } catch (RuntimeException e) {
                LOG.debug("no pub/sub wake-ups for the change feed (polling only)", e);
            }
        }
        try {
            long start = System.nanoTime();
            positionAtEnd();
            caughtUp = start;
        } catch (RuntimeException e) {
            unreachable = RedisFailures.isConnectionFailure(e);
            for (int b = 0; b < Keys.BUCKETS; b++) {
                lastIds[b] = null;
            }
        }
        thread.start();
    }

    private void positionAtEnd() {
        List<CompletionStage<List<StreamMessage<String, String>>>> tails = new ArrayList<>();
        List<CompletionStage<String>> seqs = new ArrayList<>();
        for (int b = 0; b < Keys.BUCKETS; b++) {
            tails.add(env.link().async().xrevrange(env.keys().feed(b), Range.create("-", "+"), Limit.create(0, 1)));
            seqs.add(env.link().async().get(env.keys().sequence(b)));
        }
        List<List<StreamMessage<String, String>>> t = env.awaitAll(tails);
        List<String> s = env.awaitAll(seqs);
        for (int b = 0; b < Keys.BUCKETS; b++) {
            lastIds[b] = t.get(b).isEmpty() ? "0-0" : t.get(b).get(0).getId();
            lastSeq[b] = s.get(b) == null ? 0 : Long.parseLong(s.get(b));
        }
    }

    /** The set of buckets woken up, as bits of one long (64 buckets). */
    private final class Woken {
        void set(int bucket) {
            long bit = 1L << bucket;
            wokenBits.getAndUpdate(0, v -> v | bit);
        }

        long take() {
            return wokenBits.getAndSet(0, 0L);
        }
    }

    private void run() {
        boolean failed = lastIds[0] == null;
        long lastSeqCheck = System.nanoTime();
        long lastFullSweep = System.nanoTime();
        while (!closed) {
            long sweepStart = System.nanoTime();
            long bits = woken.take();
            // a wake-up between full sweeps reads only the buckets it named; every poll interval
            // (and after a failure) every bucket is read, and only that confirms the subscriber caught up
            if (!failed && bits != 0 && sweepStart - lastFullSweep < TimeUnit.MILLISECONDS.toNanos(settings.pollMillis())) {
                try {
                    sweepBuckets(bits);
                } catch (RuntimeException e) {
                    failed = !closed;
                    unreachable = RedisFailures.isConnectionFailure(e);
                }
                awaitWakeup(lastFullSweep);
                continue;
            }
            lastFullSweep = sweepStart;
            try {
                if (failed) {
                    positionAtEnd();
                    deliver(ChangeEvent.RESET);
                    failed = false;
                }
                boolean more;
                do {
                    more = sweep();
                } while (more && !closed);
                if (System.nanoTime() - lastSeqCheck > TimeUnit.SECONDS.toNanos(1)) {
                    checkSequences();
                    lastSeqCheck = System.nanoTime();
                }
                unreachable = false;
                caughtUp = sweepStart;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                unreachable = RedisFailures.isConnectionFailure(e);
                if (!failed) {
                    LOG.warn("the Redis change feed failed to read; it delivers a reset once it reads again", e);
                }
                failed = true;
            }
            awaitWakeup(lastFullSweep);
        }
    }

    /** Waits for a wake-up or until the next full sweep is due. */
    private void awaitWakeup(long lastFullSweep) {
        long due = lastFullSweep + TimeUnit.MILLISECONDS.toNanos(settings.pollMillis()) - System.nanoTime();
        try {
            if (due > 0) {
                wakeups.tryAcquire(due, TimeUnit.NANOSECONDS);
            }
            wakeups.drainPermits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Reads the buckets whose bits are set past their last entries (one XREAD per bucket). */
    private void sweepBuckets(long bits) {
        List<CompletionStage<List<StreamMessage<String, String>>>> reads = new ArrayList<>();
        for (int b = 0; b < Keys.BUCKETS; b++) {
            if ((bits & (1L << b)) != 0) {
                reads.add(env.link().async().xread(XReadArgs.Builder.count(BATCH), offsets(b, b + 1)));
            }
        }
        for (List<StreamMessage<String, String>> messages : env.awaitAll(reads)) {
            for (StreamMessage<String, String> m : messages) {
                accept(bucketOfStream(m.getStream()), m);
            }
        }
    }

    /** Reads every bucket past its last entry; true if some bucket had more than one batch. */
    private boolean sweep() {
        List<CompletionStage<List<StreamMessage<String, String>>>> reads = new ArrayList<>();
        if (!env.link().cluster()) {
            XReadArgs.StreamOffset<String>[] offsets = offsets(0, Keys.BUCKETS);
            reads.add(env.link().async().xread(XReadArgs.Builder.count(BATCH), offsets));
        } else {
            for (int b = 0; b < Keys.BUCKETS; b++) {
                reads.add(env.link().async().xread(XReadArgs.Builder.count(BATCH), offsets(b, b + 1)));
            }
        }
        boolean more = false;
        for (List<StreamMessage<String, String>> messages : env.awaitAll(reads)) {
            int[] perBucket = new int[Keys.BUCKETS];
            for (StreamMessage<String, String> m : messages) {
                int b = bucketOfStream(m.getStream());
                perBucket[b]++;
                accept(b, m);
            }
            for (int n : perBucket) {
                more |= n >= BATCH;
            }
        }
        return more;
    }

    @SuppressWarnings("unchecked")
    private XReadArgs.StreamOffset<String>[] offsets(int from, int to) {
        XReadArgs.StreamOffset<String>[] o = new XReadArgs.StreamOffset[to - from];
        for (int b = from; b < to; b++) {
            o[b - from] = XReadArgs.StreamOffset.from(env.keys().feed(b), lastIds[b]);
        }
        return o;
    }

    private int bucketOfStream(String stream) {
        int close = stream.indexOf('}');
        return Integer.parseInt(stream.substring(close - 2, close));
    }

    private void accept(int bucket, StreamMessage<String, String> m) {
        Map<String, String> body = m.getBody();
        long seq = Long.parseLong(body.getOrDefault("q", "0"));
        lastIds[bucket] = m.getId();
        if (seq != lastSeq[bucket] + 1) {
            LOG.info("the Redis change feed saw a gap in bucket {} (expected {}, got {}): reset", bucket,
                    lastSeq[bucket] + 1, seq);
            lastSeq[bucket] = seq;
            deliver(ChangeEvent.RESET);
        }
        lastSeq[bucket] = seq;
        deliver(new ChangeEvent(false, split(body.get("s")), split(body.get("t")), split(body.get("u")),
                split(body.get("c"))));
    }

    /** A bucket's sequence below what was delivered: the server lost writes (restart, failover). */
    private void checkSequences() {
        List<CompletionStage<String>> seqs = new ArrayList<>();
        for (int b = 0; b < Keys.BUCKETS; b++) {
            seqs.add(env.link().async().get(env.keys().sequence(b)));
        }
        List<String> s = env.awaitAll(seqs);
        boolean lost = false;
        for (int b = 0; b < Keys.BUCKETS; b++) {
            long now = s.get(b) == null ? 0 : Long.parseLong(s.get(b));
            if (now < lastSeq[b]) {
                lost = true;
            }
        }
        if (lost) {
            LOG.warn("the Redis change feed found a bucket's sequence behind what it delivered (a restart or failover "
                    + "lost writes): reset");
            positionAtEnd();
            deliver(ChangeEvent.RESET);
        }
    }

    private static java.util.Set<String> split(String joined) {
        if (joined == null || joined.isEmpty()) {
            return java.util.Set.of();
        }
        return java.util.Set.of(new java.util.LinkedHashSet<>(List.of(joined.split("\0"))).toArray(String[]::new));
    }

    private void deliver(ChangeEvent event) {
        if (closed || event.isEmpty()) {
            return;
        }
        try {
            listener.onChange(event);
        } catch (RuntimeException e) {
            LOG.warn("a change listener failed on {}", event, e);
        }
    }

    @Override
    public long caughtUpNanos() {
        return caughtUp;
    }

    @Override
    public boolean sourceUnreachable() {
        return unreachable;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wakeups.release();
        onClose.accept(this);
        if (pubSub != null) {
            try {
                pubSub.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the feed's pub/sub connection failed", e);
            }
        }
    }
}
