package dev.tokenstore.tck.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in the repository's Markdown files points at a file or directory that exists
 * in the repository: a moved or deleted page fails the build instead of leaving a dead link for
 * whoever clones it. Web links and in-page anchors are not checked.
 */
class DocumentationLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** {@code [text](target)} and {@code [text](target "title")}; images too. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> pages = markdownFiles(ROOT);
        assertTrue(pages.size() >= 10, "the repository's Markdown files were found: " + pages);
        List<String> dead = new ArrayList<>();
        for (Path page : pages) {
            dead.addAll(deadLinks(page));
        }
        assertEquals(List.of(), dead, "links to files that are not in the repository");
    }

    @Test
    void aLinkToAMissingFileIsReported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("there.md"), "# there\n");
        Path page = dir.resolve("page.md");
        Files.writeString(page, "See [there](there.md#top), [the web](https://example.org/x.md), "
                + "[here](#section), and [gone](docs/missing.md).\n\n```\n[not a link](in/a/code/block.md)\n```\n");
        assertEquals(List.of(page + ": docs/missing.md"), deadLinks(page));
    }

    static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !root.relativize(p).toString().matches("(.*/)?(target|\\.git|\\.mvn|node_modules)/.*"))
                    .sorted().toList();
        }
    }

    /** The relative link targets of {@code page} (outside fenced code blocks) that do not exist. */
    static List<String> deadLinks(Path page) throws IOException {
        List<String> dead = new ArrayList<>();
        boolean inCode = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (inCode) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                    continue; // an anchor in this page, or a web or mail link
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                if (!Files.exists(page.getParent().resolve(file).normalize())) {
                    dead.add(page + ": " + target);
                }
            }
        }
        return dead;
    }
}
