package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Backend;
import dev.tokenstore.jmh.Ops;
import dev.tokenstore.jmh.Wrapping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareOptionsTest {

    @Test
    void defaultsAreTheCuratedQuickRunOverEveryBackend() {
        CompareOptions o = CompareOptions.parse();
        assertEquals(List.of(Backend.MEMORY, Backend.SQLITE, Backend.H2, Backend.POSTGRES), o.backends());
        assertEquals(CompareOptions.QUICK_PRELOAD, o.preload());
        assertTrue(o.groups().stream().allMatch(Ops.Group::curated));
        assertEquals(List.of(Wrapping.RAW, Wrapping.CACHED), o.wrappingsFor(Ops.group("load")));
    }

    @Test
    void optionsPickBackendsOpsAndFullSettings() {
        CompareOptions o = CompareOptions.parse("--backends", "sqlite,h2", "--ops=load,cleanup", "--full",
                "--out", "x/y", "--sqlite-synchronous", "full");
        assertEquals(List.of(Backend.SQLITE, Backend.H2), o.backends());
        assertEquals(List.of(Backend.HSQLDB, Backend.SQLITE), CompareOptions.parse("--backends=hsqldb,sqlite").backends(),
                "hsqldb is accepted when named");
        assertEquals(List.of("load", "cleanup"), o.groups().stream().map(Ops.Group::name).toList());
        assertEquals(CompareOptions.FULL_PRELOAD, o.preload());
        assertEquals(List.of(Wrapping.values()), o.wrappingsFor(Ops.group("load")));
        assertEquals(Paths.get("x/y"), o.out());
        assertEquals("FULL", o.sqliteSynchronous());
    }

    @Test
    void verdictsAndScaleRunTheirOwnGroups() {
        CompareOptions v = CompareOptions.parse("--verdicts");
        assertEquals(RunMode.VERDICTS, v.mode());
        assertEquals(Ops.VERDICTS, v.groups());
        assertEquals(List.of(Wrapping.RAW, Wrapping.GROUP_COMMIT), v.wrappingsFor(Ops.group("store", Ops.VERDICTS)));
        assertEquals(List.of("store"), CompareOptions.parse("--verdicts", "--ops", "store").groups().stream()
                .map(Ops.Group::name).toList());
        CompareOptions s = CompareOptions.parse("--scale", "--backends", "sqlite");
        assertEquals(RunMode.SCALE, s.mode());
        assertEquals(Ops.SCALE, s.groups());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse("--scale", "--full"))
                .getMessage().contains("exclude"));
    }

    @Test
    void badInputNamesTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse("--backends", "oracle"))
                .getMessage().contains("backend"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse("--ops", "nope"))
                .getMessage().contains("--ops"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse("--preload", "x"))
                .getMessage().contains("--preload"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse("--what"))
                .getMessage().contains("--what"));
    }
}
