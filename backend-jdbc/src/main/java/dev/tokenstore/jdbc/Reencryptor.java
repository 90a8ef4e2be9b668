package dev.tokenstore.jdbc;

import dev.tokenstore.KeyRotation.ReencryptionReport;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenCipher.Place;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-encryption and key-usage counts over every table that holds encrypted values: each table is
 * walked in key order, {@code chunkSize} rows per write transaction; a row with a value not under
 * the primary key in format 2 is rewritten with a compare-and-set on all its encrypted columns
 * (every write encrypts afresh, so equal ciphertexts mean an unchanged row).
 */
final class Reencryptor {
    private static final Logger LOG = LoggerFactory.getLogger(Reencryptor.class);
    static final String PLAINTEXT = "plaintext";

    /** A table: its physical name, logical name (associated data), key column, encrypted columns. */
    private record Table(String name, String logical, String key, List<String> encrypted, boolean userKey) {
    }

    private final EngineAccess store;
    private final String storeName;
    private final TokenCipher cipher;
    private final List<Table> tables;

    Reencryptor(EngineAccess store, String storeName) {
        this.store = store;
        this.storeName = storeName;
        this.cipher = store.rows().cipher();
        Schema s = store.statements().schema;
        this.tables = List.of(
                new Table(s.states, Schema.STATES, "state_hash",
                        List.of("code_challenge_enc", "provider_code_verifier_enc", "client_state_enc"), false),
                new Table(s.authCodes, Schema.AUTH_CODES, "code_hash",
                        List.of("session_id_enc", "code_challenge_enc"), false),
                new Table(s.sessions, Schema.SESSIONS, "session_hash",
                        List.of("session_id_enc", "secrets_enc"), true),
                new Table(s.clients, Schema.CLIENTS, "client_id", List.of("client_secret_enc"), false),
                new Table(s.retiredTokens, Schema.RETIRED, "token_hash", List.of("session_id_enc"), false));
    }

    ReencryptionReport run(int chunkSize, boolean rewrite) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, was " + chunkSize);
        }
        if (rewrite && !cipher.encrypts()) {
            throw new IllegalStateException("re-encryption needs encryption keys; this store has none");
        }
        Map<String, Long> counts = new TreeMap<>();
        long[] totals = new long[3]; // checked, rewritten, left
        for (Table table : tables) {
            String[] after = {""};
            long tableChecked = 0;
            long tableRewritten = 0;
            int chunks = 0;
            while (true) {
                Chunk chunk = rewrite
                        ? store.write("reencrypt " + table.logical(), tx -> chunk(tx, table, after[0], chunkSize, true))
                        : store.read("count values by key id", tx -> chunk(tx, table, after[0], chunkSize, false));
                chunk.counts.forEach((id, n) -> counts.merge(id, n, Long::sum));
                totals[0] += chunk.checked;
                totals[1] += chunk.rewritten;
                totals[2] += chunk.left;
                tableChecked += chunk.checked;
                tableRewritten += chunk.rewritten;
                chunks++;
                if (rewrite && chunks % 10 == 0) {
                    LOG.info("{}: re-encrypting {}: {} rows checked, {} rewritten so far", storeName,
                            table.logical(), tableChecked, tableRewritten);
                }
                if (chunk.checked < chunkSize) {
                    break;
                }
                after[0] = chunk.lastKey;
            }
            if (rewrite) {
                LOG.info("{}: re-encrypted {}: {} rows checked, {} rewritten", storeName, table.logical(),
                        tableChecked, tableRewritten);
            }
        }
        if (rewrite) {
            LOG.info("{}: re-encryption done under primary key id '{}': {} rows checked, {} rewritten, {} changed "
                    + "by live writes meanwhile; values by key id: {}", storeName, cipher.primaryKeyId(), totals[0],
                    totals[1], totals[2], counts);
        }
        return new ReencryptionReport(totals[0], totals[1], totals[2], counts);
    }

    private static final class Chunk {
        long checked;
        long rewritten;
        long left;
        String lastKey;
        final Map<String, Long> counts = new TreeMap<>();

        void count(String keyId) {
            counts.merge(keyId, 1L, Long::sum);
        }
    }

    private Chunk chunk(Tx tx, Table t, String after, int size, boolean rewrite) throws SQLException {
        List<String> columns = new ArrayList<>(t.encrypted());
        if (t.userKey()) {
            columns.add("user_key");
        }
        String select = "SELECT " + t.key() + ", " + String.join(", ", columns) + " FROM " + t.name() + " WHERE "
                + t.key() + " > ? ORDER BY " + t.key() + " LIMIT ?";
        List<String[]> rows = new ArrayList<>();
        try (Tx.Prepared p = tx.prepare(select)) {
            PreparedStatement ps = p.ps();
            ps.setString(1, after);
            ps.setInt(2, size);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] row = new String[columns.size() + 1];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        Chunk chunk = new Chunk();
        for (String[] row : rows) {
            chunk.checked++;
            chunk.lastKey = row[0];
            String[] next = rewrite ? reencrypted(t, columns, row) : null;
            if (next != null && compareAndSet(tx, t, columns, row, next)) {
                chunk.rewritten++;
                countValues(chunk, next);
            } else {
                if (next != null) {
                    chunk.left++;
                }
                countValues(chunk, row);
            }
        }
        return chunk;
    }

    private static void countValues(Chunk chunk, String[] row) {
        for (int i = 1; i < row.length; i++) {
            String v = row[i];
            if (v == null) {
                continue;
            }
            String keyId = TokenCipher.keyIdOf(v);
            if (keyId == null) {
                int colon = v.indexOf(':');
                // a keyed hash: "<keyId>:<hex>" ("plain:<hex>" without keys); otherwise "plain:<value>"
                keyId = v.startsWith("plain:") || colon < 0 ? PLAINTEXT : v.substring(0, colon);
            }
            chunk.count(keyId);
        }
    }

    /** The row's values under the primary key, or null if they already are. */
    private String[] reencrypted(Table t, List<String> columns, String[] row) {
        String key = row[0];
        boolean stale = false;
        for (int i = 1; i < row.length; i++) {
            String v = row[i];
            boolean current = columns.get(i - 1).equals("user_key")
                    ? v == null || v.startsWith(cipher.primaryKeyId() + ":") : cipher.isCurrent(v);
            stale |= !current;
        }
        if (!stale) {
            return null;
        }
        String[] next = row.clone();
        String userId = null;
        for (int i = 1; i < row.length; i++) {
            String column = columns.get(i - 1);
            if (column.equals("user_key") || row[i] == null) {
                continue;
            }
            Place place = new Place(t.logical(), column, key);
            String plain = cipher.decrypt(row[i], place);
            if (column.equals("secrets_enc")) {
                userId = Json.readUserInfo(SessionSecrets.decode(plain).userInfoJson()).userId();
            }
            next[i] = cipher.isCurrent(row[i]) ? row[i] : cipher.encrypt(plain, place);
        }
        if (t.userKey()) {
            next[row.length - 1] = cipher.keyedHash(userId);
        }
        return next;
    }

    private static boolean compareAndSet(Tx tx, Table t, List<String> columns, String[] row, String[] next)
            throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE ").append(t.name()).append(" SET ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(columns.get(i)).append(" = ?");
        }
        sql.append(" WHERE ").append(t.key()).append(" = ?");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(" AND ").append(columns.get(i)).append(row[i + 1] == null ? " IS NULL" : " = ?");
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(sql.toString())) {
            int at = 1;
            for (int i = 1; i < next.length; i++) {
                setText(ps, at++, next[i]);
            }
            ps.setString(at++, row[0]);
            for (int i = 1; i < row.length; i++) {
                if (row[i] != null) {
                    ps.setString(at++, row[i]);
                }
            }
            return ps.executeUpdate() == 1;
        }
    }

    private static void setText(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
