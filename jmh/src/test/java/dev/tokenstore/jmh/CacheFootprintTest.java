package dev.tokenstore.jmh;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CacheFootprintTest {

    @Test
    void measuresAPlausibleOverheadPerCachedSession() {
        CacheFootprint.Result r = CacheFootprint.measure(300);
        // a cache entry costs at least its key and node, and far less than a whole session record
        assertTrue(r.marginal() > 32 && r.marginal() < 5_000, "marginal " + r.marginal());
        assertTrue(r.total() >= r.marginal(), "total " + r.total() + " includes the fixed structures");
    }
}
