package dev.tokenstore.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code block marked {@code java} in the repository's Markdown files compiles against the
 * library as it is: a renamed method or type fails the build instead of leaving a snippet that no
 * longer works. It lives in this module because its test class path is the only one that holds
 * every public module (the api, the engine and a backend, the cache, the buffer, the kit and the
 * Micrometer binding).
 *
 * <p>A block that declares a type is compiled as a source file of its own. Any other block is the
 * body of a method in a class extending {@link SnippetContext}, which gives the free names the
 * snippets use ({@code store}, {@code key32}, {@code registry}, …) their types.
 */
class JavaSnippetsCompileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern TYPE = Pattern.compile("(?m)^\\s*(public\\s+)?(final\\s+)?(abstract\\s+)?(class|record|interface|enum)\\s+(\\w+)");
    private static final String IMPORTS = """
            import dev.tokenstore.*;
            import dev.tokenstore.buffer.*;
            import dev.tokenstore.cache.*;
            import dev.tokenstore.jdbc.*;
            import dev.tokenstore.micrometer.*;
            import java.time.*;
            import java.util.*;
            import java.util.function.*;
            """;

    @Test
    void everyJavaBlockCompiles(@TempDir Path out) throws IOException {
        List<Snippet> snippets = new ArrayList<>();
        for (Path page : markdownFiles()) {
            snippets.addAll(javaBlocks(page));
        }
        assertTrue(snippets.size() >= 10, "the Java blocks of the documentation were found: " + snippets.size());
        assertEquals("", compile(snippets, out), "Java blocks in the documentation that do not compile");
    }

    @Test
    void aBlockThatDoesNotCompileIsReported(@TempDir Path dir) throws IOException {
        Path page = dir.resolve("page.md");
        Files.writeString(page, "Text.\n\n```java\nstore.storeSession(session);\n```\n\n```java\n"
                + "store.noSuchCall();\n```\n");
        List<Snippet> blocks = javaBlocks(page);
        assertEquals(2, blocks.size());
        String errors = compile(blocks, dir.resolve("out"));
        assertTrue(errors.contains("noSuchCall") && errors.contains("page.md, block 2"), errors);
        assertTrue(!errors.contains("block 1"), errors);
    }

    record Snippet(Path page, int number, String code) {
        String origin() {
            return ROOT.relativize(page.toAbsolutePath().normalize()) + ", block " + number;
        }
    }

    private static List<Path> markdownFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !ROOT.relativize(p).toString().matches("(.*/)?(target|\\.git|\\.mvn)/.*"))
                    .sorted().toList();
        }
    }

    static List<Snippet> javaBlocks(Path page) throws IOException {
        List<Snippet> blocks = new ArrayList<>();
        StringBuilder current = null;
        int number = 0;
        for (String line : Files.readAllLines(page)) {
            String stripped = line.strip();
            if (current == null && stripped.equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && stripped.startsWith("```")) {
                blocks.add(new Snippet(page, ++number, current.toString().stripIndent()));
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    /** Compiles every snippet; returns the compiler's errors, each headed by the block it is in, or "". */
    static String compile(List<Snippet> snippets, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Files.createDirectories(out);
        StringBuilder errors = new StringBuilder();
        int n = 0;
        for (Snippet snippet : snippets) {
            Path dir = Files.createDirectories(out.resolve("s" + (++n)));
            Matcher type = TYPE.matcher(snippet.code());
            Path source;
            if (type.find()) {
                source = dir.resolve(type.group(5) + ".java");
                Files.writeString(source, snippet.code().contains("import ") ? snippet.code() : IMPORTS + snippet.code());
            } else {
                source = dir.resolve("Snippet" + n + ".java");
                Files.writeString(source, IMPORTS + "import dev.tokenstore.docs.SnippetContext;\n\n"
                        + "abstract class Snippet" + n + " extends SnippetContext {\n"
                        + "    void run() throws Exception {\n" + snippet.code() + "\n    }\n}\n");
            }
            StringWriter messages = new StringWriter();
            int status = javac.getTask(messages, null, null, List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", dir.toString(), "-proc:none", "-Xlint:none"), null,
                    javac.getStandardFileManager(null, null, null).getJavaFileObjects(source)).call() ? 0 : 1;
            if (status != 0) {
                errors.append(snippet.origin()).append(":\n").append(messages).append('\n');
            }
        }
        return errors.toString();
    }
}
