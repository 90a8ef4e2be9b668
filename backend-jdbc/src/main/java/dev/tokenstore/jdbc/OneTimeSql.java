package dev.tokenstore.jdbc;

import static dev.tokenstore.Arguments.requireNonNull;
import static dev.tokenstore.Arguments.requireText;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.TokenHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * One-time {@code state} values and authorization codes in SQL: stored by hash, consumed at most
 * once (a {@code DELETE … RETURNING}, or a select and a delete whose row count picks the one
 * winner), and never returned past their expiry.
 */
final class OneTimeSql extends SqlPart {
    OneTimeSql(SqlContext context) {
        super(context);
    }

    void storeState(StateRecord state) {
        requireNonNull(state, "state record");
        Object[] row = rows.state(state);
        runner.write("storeState", tx -> update(tx, sql.upsertState, Schema.STATE_COLUMNS, row));
    }

    Optional<StateRecord> consumeState(String state) {
        String hash = TokenHash.sha256Hex(requireText(state, "state"));
        Instant now = clock.instant();
        StateRecord taken = runner.write("consumeState", tx -> consume(tx, sql.consumeStateReturning,
                sql.selectState, sql.deleteState, hash, rs -> rows.state(state, rs)));
        return taken == null || taken.isExpired(now) ? Optional.empty() : Optional.of(taken);
    }

    void storeAuthCode(AuthCodeRecord code) {
        requireNonNull(code, "auth code record");
        Object[] row = rows.authCode(code);
        runner.write("storeAuthCode", tx -> update(tx, sql.upsertAuthCode, Schema.AUTH_CODE_COLUMNS, row));
    }

    Optional<AuthCodeRecord> consumeAuthCode(String code) {
        String hash = TokenHash.sha256Hex(requireText(code, "code"));
        Instant now = clock.instant();
        AuthCodeRecord taken = runner.write("consumeAuthCode", tx -> consume(tx, sql.consumeAuthCodeReturning,
                sql.selectAuthCode, sql.deleteAuthCode, hash, rs -> rows.authCode(code, rs)));
        return taken == null || taken.isExpired(now) ? Optional.empty() : Optional.of(taken);
    }

    /**
     * Deletes the row with this key and returns what it held, or null if there was none or
     * another caller deleted it first. Must run inside a write transaction.
     */
    private <T> T consume(Tx tx, String deleteReturning, String select, String delete, String hash,
                          RowReader<T> reader) throws SQLException {
        if (sql.deleteReturning) {
            try (Tx.Prepared p = tx.prepare(deleteReturning)) {
                PreparedStatement ps = p.ps();
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? reader.read(rs) : null;
                }
            }
        }
        T found;
        try (Tx.Prepared p = tx.prepare(select)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                found = reader.read(rs);
            }
        }
        try (Tx.Prepared p = tx.prepare(delete)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, hash);
            // Only the caller whose delete removed the row wins; a concurrent consumer sees 0.
            return ps.executeUpdate() == 1 ? found : null;
        }
    }
}
