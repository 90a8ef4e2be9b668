package dev.tokenstore.buffer;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a batch to the delegate the cheapest way it allows: {@link BulkSessionStore} if present,
 * else the single ops inside {@link TransactionalTokenStore#inTransaction}, else the single ops one
 * by one. The outcome is the same in all three. A batch of one is a plain {@code storeSession}.
 */
final class BatchWriter {
    enum Strategy { BULK, TRANSACTION, SINGLE_OPS }

    private final TokenStore delegate;
    private final Strategy strategy;
    private final BulkSessionStore bulk;
    private final TransactionalTokenStore transactions;

    BatchWriter(TokenStore delegate) {
        this.delegate = delegate;
        this.bulk = delegate.features().bulk().orElse(null);
        this.transactions = delegate.features().transactions().orElse(null);
        if (bulk != null) {
            strategy = Strategy.BULK;
        } else if (transactions != null) {
            strategy = Strategy.TRANSACTION;
        } else {
            strategy = Strategy.SINGLE_OPS;
        }
    }

    Strategy strategy() {
        return strategy;
    }

    /**
     * Writes every write of {@code batch} and marks it written. Bulk and transaction strategies are
     * all-or-nothing; single ops mark each write as it succeeds, so a retry skips them.
     */
    void writeAll(List<PendingWrite> batch) {
        if (batch.size() == 1 && strategy != Strategy.SINGLE_OPS) {
            // one write is one transaction either way, and the plain call is the delegate's cheapest
            // (e.g. a JDBC store's cached statement, where a bulk call prepares a batch statement)
            PendingWrite only = batch.get(0);
            delegate.storeSession(only.session);
            only.state = PendingWrite.State.WRITTEN;
            return;
        }
        switch (strategy) {
            case BULK -> {
                List<StoredSession> sessions = new ArrayList<>(batch.size());
                batch.forEach(w -> sessions.add(w.session));
                bulk.bulkStoreSessions(sessions);
                batch.forEach(w -> w.state = PendingWrite.State.WRITTEN);
            }
            case TRANSACTION -> {
                transactions.inTransaction(tx -> {
                    batch.forEach(w -> tx.storeSession(w.session));
                    return null;
                });
                batch.forEach(w -> w.state = PendingWrite.State.WRITTEN);
            }
            case SINGLE_OPS -> {
                for (PendingWrite write : batch) {
                    if (write.state == PendingWrite.State.QUEUED) {
                        delegate.storeSession(write.session);
                        write.state = PendingWrite.State.WRITTEN;
                    }
                }
            }
        }
    }

    /**
     * Writes each still-queued write on its own, after the delegate failed the batch, so one bad
     * record does not sink the others: written ones are marked written; one the delegate refuses
     * ({@link FailureKinds}: {@code REFUSED}) is marked refused; with {@code setAsideUnclassified} (the
     * last attempt) one whose failure is unclassified, i.e. repeats when it is written alone, is set
     * aside. A transient failure stops the pass (the database is not there: trying the rest one by one
     * would only wait for it again), leaving the rest queued.
     *
     * @return that transient (or, without {@code setAsideUnclassified}, unclassified) failure, or null
     */
    RuntimeException isolate(List<PendingWrite> batch, boolean setAsideUnclassified) {
        RuntimeException pending = null;
        for (PendingWrite write : batch) {
            if (write.state != PendingWrite.State.QUEUED) {
                continue;
            }
            try {
                delegate.storeSession(write.session);
                write.state = PendingWrite.State.WRITTEN;
            } catch (RuntimeException e) {
                switch (FailureKinds.of(e)) {
                    case REFUSED -> write.giveUp(PendingWrite.State.REFUSED, e);
                    case TRANSIENT -> {
                        return e;
                    }
                    case UNCLASSIFIED -> {
                        if (setAsideUnclassified) {
                            write.giveUp(PendingWrite.State.SET_ASIDE, e);
                        } else {
                            pending = e;
                        }
                    }
                }
            }
        }
        return pending;
    }
}
