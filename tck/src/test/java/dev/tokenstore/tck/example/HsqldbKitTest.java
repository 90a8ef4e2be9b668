package dev.tokenstore.tck.example;

import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import dev.tokenstore.tck.TokenStoreCompatibilityKit;

class HsqldbKitTest extends TokenStoreCompatibilityKit {
    @Override
    protected TestStorage newStorage() { // fresh, empty storage for every test
        return JdbcTestStorage.inTempDirectory(dir -> "jdbc:hsqldb:file:" + dir.resolve("tokens")
                + ";shutdown=true;hsqldb.lock_file=false");
    }
}
