package dev.tokenstore.tck.run;

import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/**
 * Every kit, raw and wrapped, over the postgres backend: a fresh schema per test on the JVM's one
 * PostgreSQL server (embedded, or {@code TOKENSTORE_POSTGRES_URL}).
 */
@DisplayName("postgres")
class PostgresTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        TestSchema schema = PostgresTestServer.shared().createSchema();
        PostgresTestServer server = schema.server();
        return JdbcTestStorage.atUrl(server.jdbcUrl(), schema::close).credentials(server.user(), server.password())
                .schema(schema.name()).options(b -> b.property("postgres.schema", schema.name()).poolSize(4));
    }
}
