package dev.tokenstore.jdbc;

import java.sql.Types;
import java.util.List;

/**
 * Table and column names of one table prefix, and the DDL of every table in its current form (a
 * fresh database is created from it, {@link #baseline}); what each earlier version changed is
 * its own {@link SchemaStep}. Column lists here fix the order of values in the rows {@link Rows}
 * builds.
 */
final class Schema {
    /** The schema version this code writes; a database at a higher version is refused. */
    static final int CURRENT_VERSION = 5;

    static final int S = Types.VARCHAR;
    static final int L = Types.BIGINT;

    static final List<Column> STATE_COLUMNS = List.of(
            new Column("state_hash", S), new Column("client_id", S), new Column("redirect_uri", S),
            new Column("code_challenge_enc", S), new Column("code_challenge_method", S),
            new Column("provider_code_verifier_enc", S), new Column("client_state_enc", S),
            new Column("scopes_json", S), new Column("expires_at", L), new Column("created_at", L));

    static final List<Column> AUTH_CODE_COLUMNS = List.of(
            new Column("code_hash", S), new Column("session_id_enc", S), new Column("client_id", S),
            new Column("redirect_uri", S), new Column("code_challenge_enc", S), new Column("code_challenge_method", S),
            new Column("scopes_json", S), new Column("expires_at", L), new Column("created_at", L));

    /**
     * Sessions as version 4 stores them: the session id and the secrets (user JSON and the four
     * tokens, {@link SessionSecrets}) as two encrypted values.
     */
    static final List<Column> SESSION_COLUMNS = List.of(
            new Column("session_hash", S), new Column("session_id_enc", S), new Column("provider", S),
            new Column("user_key", S), new Column("access_token_hash", S), new Column("refresh_token_hash", S),
            new Column("secrets_enc", S), new Column("provider_expires_at", L), new Column("access_expires_at", L),
            new Column("refresh_expires_at", L), new Column("purge_after", L), new Column("issued_at", L),
            new Column("created_at", L));

    /** Sessions as version 3 stored them: six encrypted values (for migration and its tests). */
    static final List<Column> V3_SESSION_COLUMNS = List.of(
            new Column("session_hash", S), new Column("session_id_enc", S), new Column("provider", S),
            new Column("user_key", S), new Column("user_info_enc", S), new Column("access_token_hash", S),
            new Column("access_token_enc", S),
            new Column("refresh_token_hash", S), new Column("refresh_token_enc", S),
            new Column("provider_access_token_enc", S), new Column("provider_refresh_token_enc", S),
            new Column("provider_expires_at", L), new Column("access_expires_at", L),
            new Column("refresh_expires_at", L), new Column("purge_after", L), new Column("issued_at", L),
            new Column("created_at", L));

    /**
     * The bind order of a rotation's in-place rewrite ({@link Statements#rotateSessionInPlace}):
     * every session column but the key, then the key and the presented refresh token's hash.
     */
    static final List<Column> SESSION_ROTATE_COLUMNS = java.util.stream.Stream.concat(
            SESSION_COLUMNS.stream().skip(1),
            java.util.stream.Stream.of(SESSION_COLUMNS.get(0), new Column("refresh_token_hash", S))).toList();

    static final List<Column> CLIENT_COLUMNS = List.of(
            new Column("client_id", S), new Column("client_secret_enc", S), new Column("token_endpoint_auth_method", S),
            new Column("redirect_uris_json", S), new Column("grant_types_json", S),
            new Column("response_types_json", S), new Column("scope", S), new Column("client_name", S),
            new Column("created_at", L));

    static final List<Column> RETIRED_COLUMNS = List.of(
            new Column("token_hash", S), new Column("session_hash", S), new Column("session_id_enc", S),
            new Column("successor_hash", S), new Column("retired_at", L), new Column("expires_at", L));

    /** A revoked session's tombstone: its key, and until when a write of it is refused. */
    static final List<Column> REVOKED_COLUMNS = List.of(new Column("session_hash", S), new Column("expires_at", L));

    static final List<Column> KEY_CHECK_COLUMNS = List.of(
            new Column("key_id", S), new Column("check_value", S), new Column("created_at", L));

    /** Logical table names: part of the associated data of every encrypted value (no prefix). */
    static final String STATES = "states";
    static final String AUTH_CODES = "auth_codes";
    static final String SESSIONS = "sessions";
    static final String CLIENTS = "clients";
    static final String RETIRED = "retired_refresh_tokens";

    final String prefix;
    final String states;
    final String authCodes;
    final String sessions;
    final String clients;
    final String version;
    final String changeSeq;
    final String changeLog;
    final String retiredTokens;
    final String keyChecks;
    final String revokedSessions;

    Schema(String prefix) {
        this.prefix = prefix;
        this.states = prefix + "states";
        this.authCodes = prefix + "auth_codes";
        this.sessions = prefix + "sessions";
        this.clients = prefix + "clients";
        this.version = prefix + "schema_version";
        this.changeSeq = prefix + "change_seq";
        this.changeLog = prefix + "change_log";
        this.retiredTokens = prefix + "retired_refresh_tokens";
        this.keyChecks = prefix + "key_checks";
        this.revokedSessions = prefix + "revoked_sessions";
    }

    /**
     * The name a table of version {@code version} has while the next version copies it (see
     * {@link SchemaVersion3}, {@link SchemaVersion4}).
     */
    String previous(String table, int version) {
        return table + "_v" + version;
    }

    String createVersionTable(SqlDialect d) {
        return "CREATE TABLE IF NOT EXISTS " + version + " (version " + d.intType() + " NOT NULL PRIMARY KEY, "
                + "applied_at " + d.bigintType() + " NOT NULL)";
    }

    /**
     * A fresh database at {@link #CURRENT_VERSION} in one step: every table and index as the steps
     * from version 1 leave them, without creating the earlier tables only to set them aside and
     * copy them (a fresh HSQLDB database opens about three times faster). The change-log counter's
     * row is added apart ({@link Migrator}). Safe to run again, like each step: a baseline cut
     * short where DDL commits on its own left only current-version tables.
     */
    List<String> baseline(SqlDialect d) {
        return concat(statesTable(d), clientsTable(d), changeLogTables(d), authCodesTable(d),
                retiredAndKeyChecksTables(d), sessionsTable(d), revokedSessionsTable(d));
    }

    /** The states table and its index: unchanged since version 1. */
    List<String> statesTable(SqlDialect d) {
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + states + " ("
                        + "state_hash " + k + " NOT NULL PRIMARY KEY, "
                        + "client_id " + t + " NOT NULL, "
                        + "redirect_uri " + t + " NOT NULL, "
                        + "code_challenge_enc " + t + ", "
                        + "code_challenge_method " + t + ", "
                        + "provider_code_verifier_enc " + t + ", "
                        + "client_state_enc " + t + ", "
                        + "scopes_json " + t + " NOT NULL, "
                        + "expires_at " + b + " NOT NULL, "
                        + "created_at " + b + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + states + "_expires_at_idx ON " + states + " (expires_at)");
    }

    /** The clients table: unchanged since version 1. */
    List<String> clientsTable(SqlDialect d) {
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + clients + " ("
                        + "client_id " + k + " NOT NULL PRIMARY KEY, "
                        + "client_secret_enc " + t + ", "
                        + "token_endpoint_auth_method " + t + ", "
                        + "redirect_uris_json " + t + " NOT NULL, "
                        + "grant_types_json " + t + " NOT NULL, "
                        + "response_types_json " + t + " NOT NULL, "
                        + "scope " + t + ", "
                        + "client_name " + t + ", "
                        + "created_at " + b + " NOT NULL)");
    }

    /** The change log's counter and rows tables: unchanged since version 2 (the counter's row is added apart). */
    List<String> changeLogTables(SqlDialect d) {
        String b = d.bigintType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + changeSeq + " (id " + d.intType() + " NOT NULL PRIMARY KEY, "
                        + "seq " + b + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + changeLog + " ("
                        + "seq " + b + " NOT NULL PRIMARY KEY, "
                        + "created_at " + b + " NOT NULL, "
                        + "payload " + d.textType() + " NOT NULL)");
    }

    /** Drops {@code indexes} and renames {@code table} to {@link #previous}: the start of a step that replaces it. */
    List<String> setAside(String table, List<String> indexes, int version) {
        List<String> statements = new java.util.ArrayList<>();
        indexes.forEach(index -> statements.add("DROP INDEX IF EXISTS " + index));
        statements.add("ALTER TABLE " + table + " RENAME TO " + previous(table, version));
        return statements;
    }

    /** The auth codes table and its index, as version 3 made them (the current form). */
    List<String> authCodesTable(SqlDialect d) {
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + authCodes + " ("
                        + "code_hash " + k + " NOT NULL PRIMARY KEY, "
                        + "session_id_enc " + t + " NOT NULL, "
                        + "client_id " + t + " NOT NULL, "
                        + "redirect_uri " + t + " NOT NULL, "
                        + "code_challenge_enc " + t + ", "
                        + "code_challenge_method " + t + ", "
                        + "scopes_json " + t + " NOT NULL, "
                        + "expires_at " + b + " NOT NULL, "
                        + "created_at " + b + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + authCodes + "_expires_at_idx ON " + authCodes + " (expires_at)");
    }

    /** The retired refresh tokens (with their index) and key checks tables, as version 3 made them (the current form). */
    List<String> retiredAndKeyChecksTables(SqlDialect d) {
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + retiredTokens + " ("
                        + "token_hash " + k + " NOT NULL PRIMARY KEY, "
                        + "session_hash " + k + " NOT NULL, "
                        + "session_id_enc " + t + " NOT NULL, "
                        + "successor_hash " + k + ", "
                        + "retired_at " + b + " NOT NULL, "
                        + "expires_at " + b + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + retiredTokens + "_expires_at_idx ON " + retiredTokens
                        + " (expires_at)",
                "CREATE TABLE IF NOT EXISTS " + keyChecks + " ("
                        + "key_id " + k + " NOT NULL PRIMARY KEY, "
                        + "check_value " + t + " NOT NULL, "
                        + "created_at " + b + " NOT NULL)");
    }

    /** The sessions table with its indexes, as version 4 made it (the current form). */
    List<String> sessionsTable(SqlDialect d) {
        String k = d.keyType();
        String t = d.textType();
        String b = d.bigintType();
        return concat(List.of(
                "CREATE TABLE IF NOT EXISTS " + sessions + " ("
                        + "session_hash " + k + " NOT NULL PRIMARY KEY, "
                        + "session_id_enc " + t + " NOT NULL, "
                        + "provider " + t + " NOT NULL, "
                        + "user_key " + k + " NOT NULL, "
                        + "access_token_hash " + k + " NOT NULL, "
                        + "refresh_token_hash " + k + ", "
                        + "secrets_enc " + t + " NOT NULL, "
                        + "provider_expires_at " + b + ", "
                        + "access_expires_at " + b + " NOT NULL, "
                        + "refresh_expires_at " + b + ", "
                        + "purge_after " + b + " NOT NULL, "
                        + "issued_at " + b + " NOT NULL, "
                        + "created_at " + b + " NOT NULL)"),
                sessionIndexes());
    }

    /** The revoked sessions' tombstones with their index, as version 5 made them (the current form). */
    List<String> revokedSessionsTable(SqlDialect d) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + revokedSessions + " ("
                        + "session_hash " + d.keyType() + " NOT NULL PRIMARY KEY, "
                        + "expires_at " + d.bigintType() + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + revokedSessions + "_expires_at_idx ON " + revokedSessions
                        + " (expires_at)");
    }

    /** The indexes of the sessions table since version 3 (version 4 recreates them with the table). */
    List<String> sessionIndexes() {
        return List.of(
                "CREATE UNIQUE INDEX IF NOT EXISTS " + sessions + "_access_token_hash_uq ON " + sessions
                        + " (access_token_hash)",
                "CREATE UNIQUE INDEX IF NOT EXISTS " + sessions + "_refresh_token_hash_uq ON " + sessions
                        + " (refresh_token_hash)",
                "CREATE INDEX IF NOT EXISTS " + sessions + "_user_key_idx ON " + sessions + " (user_key)",
                "CREATE INDEX IF NOT EXISTS " + sessions + "_purge_after_idx ON " + sessions + " (purge_after)");
    }

    @SafeVarargs
    static List<String> concat(List<String>... parts) {
        List<String> all = new java.util.ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }

    static String names(List<Column> columns) {
        StringBuilder sb = new StringBuilder();
        for (Column c : columns) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.name());
        }
        return sb.toString();
    }
}
