package dev.tokenstore.jdbc;

import dev.tokenstore.Arguments;
import dev.tokenstore.TokenStore;
import java.util.function.Function;

/**
 * {@code inTransaction} for the engine: runs the work in one write transaction on a store bound to
 * that transaction's connection, and keeps the calling thread from escaping it. While the work
 * runs, writes through the outer store on the same thread fail with {@link IllegalStateException}
 * (they would deadlock on the connection the transaction holds, or commit outside it), and
 * {@code inTransaction} calls may not nest.
 */
final class NestedTransactions {
    private final PooledRunner runner;
    private final Failures failures;
    private final ThreadLocal<Boolean> inTransaction = new ThreadLocal<>();

    NestedTransactions(PooledRunner runner, Failures failures) {
        this.runner = runner;
        this.failures = failures;
    }

    /** The pooled runner for the outer store: refuses writes from inside this thread's work. */
    Runner outerRunner() {
        return new Runner() {
            @Override
            public <T> T read(String operation, SqlWork<T> work) {
                return runner.read(operation, work);
            }

            @Override
            public <T> T write(String operation, SqlWork<T> work) {
                if (Boolean.TRUE.equals(inTransaction.get())) {
                    throw new IllegalStateException(operation + " was called on the outer store inside "
                            + "inTransaction; use the TokenStore passed to the work function");
                }
                return runner.write(operation, work);
            }
        };
    }

    /** Runs {@code work} on {@code store} bound to one write transaction; its exception passes unchanged after the rollback. */
    <T> T run(SqlTokenStore store, Function<TokenStore, T> work) {
        Arguments.requireNonNull(work, "work");
        if (Boolean.TRUE.equals(inTransaction.get())) {
            throw new IllegalStateException("inTransaction calls may not nest");
        }
        try {
            return runner.write("inTransaction", tx -> {
                BoundRunner bound = new BoundRunner(tx, failures);
                inTransaction.set(Boolean.TRUE);
                try {
                    return work.apply(store.withRunner(bound));
                } catch (RuntimeException e) {
                    throw new WorkFailed(e);
                } finally {
                    inTransaction.remove();
                    bound.end();
                }
            }, false);
        } catch (WorkFailed e) {
            throw e.failure;
        }
    }

    /** Carries an exception thrown by the work through the runner, which rolls back. */
    private static final class WorkFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient RuntimeException failure;

        WorkFailed(RuntimeException failure) {
            super(null, failure, false, false);
            this.failure = failure;
        }
    }
}
