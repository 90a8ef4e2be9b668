package dev.tokenstore.tck.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's "Writing a backend" example is {@link HsqldbKitTest}, which this module compiles and
 * runs: the snippet must be that file, word for word (without its package line).
 */
class ReadmeSnippetTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "tokenstore", "tck", "example",
            "HsqldbKitTest.java");

    @Test
    void writingABackendShowsTheRealKitRun() throws IOException {
        String readme = Files.readString(README);
        int section = readme.indexOf("## Writing a backend");
        assertTrue(section >= 0, "README has a 'Writing a backend' section");
        int start = readme.indexOf("```java\n", section);
        int end = readme.indexOf("```", start + 8);
        assertTrue(start >= 0 && end > start, "the section has a java block");
        String snippet = readme.substring(start + 8, end).stripIndent().strip();
        String source = Files.readString(EXAMPLE);
        String withoutPackage = source.substring(source.indexOf('\n', source.indexOf("package ")) + 1).strip();
        assertEquals(withoutPackage, snippet, "README.md's kit example must be " + EXAMPLE + " (without the package line)");
    }
}
