package dev.lanyard;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the package graph of src/main/java acyclic (docs/architecture.md): a package that needs
 * another's types points one way only, so a feature can be read, tested and moved on its own.
 * Reads the sources rather than the classes, so it needs no build step; any mention of a type of
 * another package counts, whether imported (also {@code import static}) or written out in full.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final String ROOT = "dev.lanyard";
    /** A reference to a type (capitalised) or a whole package ({@code .*}) under dev.lanyard. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.lanyard((?:\\.[a-z]\\w*)*)\\.(?:[A-Z]|\\*)");

    @Test
    void the_packages_of_src_main_form_no_cycle() {
        Map<String, Set<String>> graph = graph();
        assertThat(cycles(graph)).as("package cycles (each line: packages that reach each other)").isEmpty();
    }

    @Test
    void the_scan_sees_the_known_dependencies() {
        // Guards the scan itself: a regex that matched nothing would make the test above pass vacuously.
        Map<String, Set<String>> graph = graph();
        assertThat(graph.get(ROOT)).contains(ROOT + ".http", ROOT + ".console", ROOT + ".provisioning");
        assertThat(graph.get(ROOT + ".account")).contains(ROOT + ".domain", ROOT + ".storage");
    }

    @Test
    void domain_is_a_leaf() {
        assertThat(graph().getOrDefault(ROOT + ".domain", Set.of())).isEmpty();
    }

    @Test
    void a_cycle_is_found() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of(
                "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertThat(cycles(graph)).containsExactly(List.of("a", "b", "c"));
        assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
    }

    /** Package -> the other dev.lanyard packages its sources mention. */
    static Map<String, Set<String>> graph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file.getParent()).toString().replace(file.getFileSystem().getSeparator(), ".");
                Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String to = ROOT + m.group(1);
                    if (!to.equals(from)) targets.add(to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** The strongly connected components with more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        var tarjan = new Object() {
            final Map<String, Integer> index = new TreeMap<>();
            final Map<String, Integer> low = new TreeMap<>();
            final List<String> stack = new ArrayList<>();
            final List<List<String>> found = new ArrayList<>();

            void visit(String v) {
                index.put(v, index.size());
                low.put(v, index.get(v));
                stack.add(v);
                for (String w : graph.getOrDefault(v, Set.of())) {
                    if (!index.containsKey(w)) {
                        visit(w);
                        low.put(v, Math.min(low.get(v), low.get(w)));
                    } else if (stack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                }
                if (low.get(v).equals(index.get(v))) {
                    List<String> component = new ArrayList<>();
                    String w;
                    do {
                        w = stack.removeLast();
                        component.add(w);
                    } while (!w.equals(v));
                    if (component.size() > 1) found.add(component.stream().sorted().toList());
                }
            }
        };
        for (String v : new TreeSet<>(graph.keySet())) {
            if (!tarjan.index.containsKey(v)) tarjan.visit(v);
        }
        return tarjan.found;
    }
}
