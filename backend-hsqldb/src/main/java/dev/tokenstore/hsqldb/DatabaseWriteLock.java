package dev.tokenstore.hsqldb;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fair lock per in-process database, shared by every store on it in this JVM (an HSQLDB file
 * database can be open in one process only, so this is every writer it has). Counted: the entry
 * goes when the last store on the database lets go of it.
 */
final class DatabaseWriteLock {
    private static final Map<Object, DatabaseWriteLock> BY_DATABASE = new HashMap<>();

    private final Object key;
    private final ReentrantLock lock = new ReentrantLock(true);
    private int holders;

    private DatabaseWriteLock(Object key) {
        this.key = key;
    }

    /** The lock of the database {@code key} (a path, a mem: name, or a caller's data source). */
    static DatabaseWriteLock of(Object key) {
        synchronized (BY_DATABASE) {
            DatabaseWriteLock shared = BY_DATABASE.computeIfAbsent(key, DatabaseWriteLock::new);
            shared.holders++;
            return shared;
        }
    }

    /** Gives up this store's share; call once per {@link #of}. */
    void release() {
        synchronized (BY_DATABASE) {
            if (--holders == 0) {
                BY_DATABASE.remove(key);
            }
        }
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** How many databases have a lock now (for tests). */
    static int databases() {
        synchronized (BY_DATABASE) {
            return BY_DATABASE.size();
        }
    }
}
