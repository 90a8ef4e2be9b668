package dev.tokenstore.tck.run;

/**
 * Marks a class whose {@code @Nested} classes run kits over one backend (each nested class one
 * wrapping): {@link TckSummaryListener} counts their tests by backend and wrapping into
 * {@link KitRuns}. Every {@link BackendRuns} is one.
 */
interface BackendRun {
}
