package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreException;
import java.sql.SQLException;

/**
 * The runner of the store handed to {@code inTransaction} work: every call runs on the one
 * connection of the enclosing transaction, which the enclosing write commits or rolls back.
 * Valid only until the work returns, and only on the thread that runs it.
 */
final class BoundRunner implements Runner {
    private final Tx tx;
    private final Failures failures;
    private final Thread owner = Thread.currentThread();
    private volatile boolean active = true;

    BoundRunner(Tx tx, Failures failures) {
        this.tx = tx;
        this.failures = failures;
    }

    void end() {
        active = false;
    }

    @Override
    public <T> T read(String operation, SqlWork<T> work) {
        return run(operation, work);
    }

    @Override
    public <T> T write(String operation, SqlWork<T> work) {
        return run(operation, work);
    }

    private <T> T run(String operation, SqlWork<T> work) {
        if (!active) {
            throw new IllegalStateException("the store passed to inTransaction is valid only inside the call");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("the store passed to inTransaction may be used only by the thread "
                    + "running the work");
        }
        try {
            return work.run(tx);
        } catch (SQLException e) {
            tx.discardStatements();
            throw failures.wrap(operation, e);
        } catch (TokenStoreException e) {
            throw failures.wrap(operation, e);
        }
    }
}
