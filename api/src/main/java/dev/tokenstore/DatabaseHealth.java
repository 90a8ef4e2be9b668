package dev.tokenstore;

/**
 * Optional capability of a store over a database that can become unreachable: reports its
 * {@link Availability} (circuit breaker state, start of the outage, last failure's class) for
 * health checks and metrics. Implemented by the JDBC backends. Wrappers do not pass it through:
 * ask the store you wrapped.
 */
public interface DatabaseHealth {

    /** The state now; cheap, never touches the database. */
    Availability availability();
}
