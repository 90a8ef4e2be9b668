package dev.tokenstore.testing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real {@link DataSource} that counts the connections handed out, so a test can see how many
 * attempts a store made (each attempt of a store over a data source borrows a connection) and
 * wait until an attempt has started. Connections come unchanged from the wrapped data source.
 */
public final class CountingDataSource implements DataSource {
    private final DataSource delegate;
    private int borrowed;

    public CountingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** Connections handed out so far. */
    public synchronized int borrowed() {
        return borrowed;
    }

    /** Waits until at least {@code count} connections were handed out; fails after {@code seconds}. */
    public synchronized void awaitBorrowed(int count, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (borrowed < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + borrowed + " of " + count + " connections were borrowed within "
                        + seconds + " s");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private synchronized void counted() {
        borrowed++;
        notifyAll();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = delegate.getConnection();
        counted();
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Connection c = delegate.getConnection(username, password);
        counted();
        return c;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || delegate.isWrapperFor(type);
    }
}
