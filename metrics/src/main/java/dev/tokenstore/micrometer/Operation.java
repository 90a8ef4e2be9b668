package dev.tokenstore.micrometer;

/** The store operations {@link TimedTokenStore} times; the tag value is the method name. */
enum Operation {
    STORE_STATE("storeState"),
    CONSUME_STATE("consumeState"),
    STORE_AUTH_CODE("storeAuthCode"),
    CONSUME_AUTH_CODE("consumeAuthCode"),
    STORE_SESSION("storeSession"),
    LOAD_SESSION_BY_ACCESS_TOKEN("loadSessionByAccessToken"),
    LOAD_SESSION_BY_ID("loadSessionById"),
    LOAD_SESSION_BY_REFRESH_TOKEN("loadSessionByRefreshToken"),
    DELETE_SESSION_BY_ACCESS_TOKEN("deleteSessionByAccessToken"),
    DELETE_SESSION_BY_ID("deleteSessionById"),
    DELETE_SESSIONS_BY_USER("deleteSessionsByUser"),
    STORE_CLIENT("storeClient"),
    LOAD_CLIENT("loadClient"),
    LIST_CLIENTS("listClients"),
    DELETE_CLIENT("deleteClient"),
    CLEANUP_EXPIRED("cleanupExpired"),
    BULK_STORE_SESSIONS("bulkStoreSessions"),
    BULK_DELETE_SESSIONS_BY_HASH("bulkDeleteSessionsByHash"),
    IN_TRANSACTION("inTransaction"),
    ROTATE_SESSION("rotateSession"),
    REENCRYPT("reencrypt"),
    VALUES_BY_KEY_ID("valuesByKeyId");

    final String tag;

    Operation(String tag) {
        this.tag = tag;
    }
}
