package dev.tokenstore.tck.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The checks that turn a hidden skip or a missing run into a failed build. */
class SkipPolicyTest {
    private static final Set<String> WRAPPINGS = Set.of("raw", "cached");
    private static final List<Set<String>> SAME = List.of(WRAPPINGS);

    private static KitRuns.Counts counts(int passed, KitRuns.Skip... skips) {
        KitRuns.Counts c = new KitRuns.Counts();
        c.passed = passed;
        c.skipped = skips.length;
        c.skips.addAll(List.of(skips));
        return c;
    }

    private static final KitRuns.Skip SECOND_INSTANCE = new KitRuns.Skip("concurrency > race across instances",
            "Assumption failed: the backend cannot open a second store over the same data");

    @Test
    @DisplayName("a database backend with every test passed in every wrapping is fine")
    void clean() {
        assertEquals(List.of(), SkipPolicy.problems("h2", Map.of("raw", counts(5), "cached", counts(5)), WRAPPINGS,
                SAME, Map.of()));
    }

    @Test
    @DisplayName("a database backend may skip nothing, whatever the reason")
    void databaseSkip() {
        List<String> problems = SkipPolicy.problems("postgres",
                Map.of("raw", counts(4, SECOND_INSTANCE), "cached", counts(5)), WRAPPINGS, SAME, Map.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("postgres / raw") && problems.get(0).contains("race across instances"),
                problems.get(0));
    }

    @Test
    @DisplayName("memory may skip for the listed reasons only")
    void memoryAllowList() {
        assertEquals(List.of(), SkipPolicy.problems("memory",
                Map.of("raw", counts(4, SECOND_INSTANCE), "cached", counts(4, SECOND_INSTANCE)), WRAPPINGS, SAME,
                Map.of()));
        KitRuns.Skip other = new KitRuns.Skip("change feed > delivers", "Assumption failed: feed not wired yet");
        List<String> problems = SkipPolicy.problems("memory",
                Map.of("raw", counts(4, other), "cached", counts(5)), WRAPPINGS, SAME, Map.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("feed not wired yet"), problems.get(0));
    }

    @Test
    @DisplayName("a wrapping that ran nothing, or ran fewer tests than its siblings or another backend, is reported")
    void missingOrUnequalRuns() {
        List<String> missing = SkipPolicy.problems("sqlite", Map.of("raw", counts(5)), WRAPPINGS, SAME, Map.of());
        assertTrue(missing.stream().anyMatch(p -> p.contains("sqlite / cached: no kit test ran")), missing.toString());
        List<String> unequal = SkipPolicy.problems("sqlite", Map.of("raw", counts(5), "cached", counts(4)), WRAPPINGS,
                SAME, Map.of());
        assertTrue(unequal.stream().anyMatch(p -> p.contains("different numbers")), unequal.toString());
        List<String> acrossBackends = SkipPolicy.problems("sqlite", Map.of("raw", counts(5), "cached", counts(5)),
                WRAPPINGS, SAME, Map.of("memory", Map.of("raw", counts(3, SECOND_INSTANCE, SECOND_INSTANCE),
                        "cached", counts(6))));
        assertEquals(1, acrossBackends.size(), acrossBackends.toString());
        assertTrue(acrossBackends.get(0).contains("memory / cached ran 6"), acrossBackends.get(0));
        assertEquals(1, SkipPolicy.problems("h2", Map.of(), WRAPPINGS, SAME, Map.of()).size(),
                "nothing counted at all (listener not registered) is a problem too");
    }
}
