package dev.tokenstore.jdbc;

import dev.tokenstore.CleanupResult;
import java.sql.PreparedStatement;

/**
 * Cleanup in SQL: deletes what can never be returned again through the expiry indexes, in
 * transactions of at most {@code jdbc.cleanupChunkSize} rows, and prunes the change log.
 */
final class CleanupSql extends SqlPart {
    private final int cleanupChunkSize;

    CleanupSql(SqlContext context, int cleanupChunkSize) {
        super(context);
        this.cleanupChunkSize = cleanupChunkSize;
    }

    CleanupResult cleanupExpired() {
        long now = clock.millis();
        int states = cleanup("cleanupExpired(states)", sql.cleanupStates, now);
        int codes = cleanup("cleanupExpired(auth codes)", sql.cleanupAuthCodes, now);
        int sessions = cleanup("cleanupExpired(sessions)", sql.cleanupSessions, now);
        int retired = cleanup("cleanupExpired(retired refresh tokens)", sql.cleanupRetired, now);
        // tombstones of revoked sessions past the expiry those sessions had: not counted (nothing a
        // lookup could have returned)
        cleanup("cleanupExpired(revoked sessions)", sql.cleanupRevoked, now);
        if (changes.keepsLog()) {
            while (runner.write("cleanupExpired(change log)", tx -> changes.prune(tx, now, cleanupChunkSize))
                    >= cleanupChunkSize) {
                // pruned a full chunk: there may be more
            }
        }
        return new CleanupResult(states, codes, sessions, retired);
    }

    /** Deletes expired rows in transactions of at most {@code cleanupChunkSize} rows each. */
    private int cleanup(String operation, String chunkSql, long now) {
        int total = 0;
        while (true) {
            int deleted = runner.write(operation, tx -> {
                try (Tx.Prepared p = tx.prepare(chunkSql)) {
                    PreparedStatement ps = p.ps();
                    ps.setLong(1, now);
                    ps.setInt(2, cleanupChunkSize);
                    return ps.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < cleanupChunkSize) {
                return total;
            }
        }
    }
}
