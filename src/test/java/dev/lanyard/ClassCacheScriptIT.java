package dev.lanyard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class cache of bin/lib/java.sh (lanyard_server_prepare, lanyard_server_opts), with the JDK
 * running this test: a JVM that exits before it listens leaves nothing a later start uses; one
 * that listened leaves a cache, and the next start loads its classes from it. The "server" is
 * {@link Listener}, packed as the snapshot's lanyard.jar, which writes the ready mark as the real
 * server does (Lanyard.markClassArchiveWhole) only when told it listened.
 */
class ClassCacheScriptIT {
    private static final Path JAVA_SH = Path.of("bin/lib/java.sh").toAbsolutePath();
    private static final String JAVA_HOME = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent().toString();

    Path snapshot;

    /** Stands in for the server: writes the ready mark (-Dlanyard.cds.ready) when its argument says it listened. */
    public static final class Listener {
        public static void main(String[] args) throws IOException {
            String mark = System.getProperty("lanyard.cds.ready");
            if (args.length > 0 && args[0].equals("listened") && mark != null) Files.writeString(Path.of(mark), "listening\n");
        }
    }

    @BeforeEach
    void snapshot() throws IOException {
        snapshot = Files.createTempDirectory("lanyard-class-cache");
        Files.createDirectories(snapshot.resolve("lib"));
        String entry = Listener.class.getName().replace('.', '/') + ".class";
        try (var jar = new JarOutputStream(Files.newOutputStream(snapshot.resolve("lanyard.jar")));
             InputStream bytes = Listener.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            bytes.transferTo(jar);
            jar.closeEntry();
        }
    }

    @AfterEach
    void remove() throws IOException {
        try (var paths = Files.walk(snapshot)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void only_a_run_that_listened_leaves_a_cache_and_the_next_start_loads_its_classes_from_it() throws Exception {
        String first = prepareAndStart("exited-early");
        assertThat(first).as("nothing to use yet").doesNotContain("source: shared objects file");
        // The run that never listened wrote its recording or archive at exit; it must not be used.
        prepareAndStart("listened");
        assertThat(cacheFiles()).as("the early exit's leftovers are gone, the listening run's are there")
                .anyMatch(name -> name.endsWith(".ready"));

        String later = prepareAndStart("exited-early");
        assertThat(later).contains(Listener.class.getName() + " source: shared objects file");
        assertThat(cacheFiles()).anyMatch(name -> name.endsWith(".aot") || name.endsWith(".jsa"))
                .noneMatch(name -> name.contains(".aot."));  // no half-written cache left beside it
    }

    @Test
    void a_recording_without_the_ready_mark_is_deleted_and_recorded_again() throws Exception {
        prepareAndStart("exited-early");
        List<String> leftovers = cacheFiles();
        assertThat(leftovers).as("the JVM wrote its recording or archive at exit").isNotEmpty().noneMatch(name -> name.endsWith(".ready"));

        String again = prepareAndStart("exited-early");
        assertThat(again).doesNotContain("source: shared objects file");
        assertThat(cacheFiles()).noneMatch(name -> name.endsWith(".aot") || name.endsWith(".ready"));
    }

    @Test
    void from_jdk_25_the_server_runs_with_compact_object_headers_and_its_cache_is_made_with_them() throws Exception {
        prepareAndStart("listened");
        String later = prepareAndStart("exited-early", "-XX:+PrintFlagsFinal");
        boolean compact = Runtime.version().feature() >= 25;
        assertThat(later).containsPattern("bool UseCompactObjectHeaders\\s+= " + compact);
        // A cache made with other object headers would be refused: this one is used.
        assertThat(later).contains(Listener.class.getName() + " source: shared objects file");
    }

    private String prepareAndStart(String argument) throws Exception {
        return prepareAndStart(argument, "");
    }

    /**
     * Runs lanyard_server_prepare, then the JVM with lanyard_server_opts (and {@code extra}), as
     * bin/lanyard does; returns its class-loading log.
     */
    private String prepareAndStart(String argument, String extra) throws Exception {
        String script = """
                set -euo pipefail
                source "$1"
                export JAVA_HOME="$2"
                lanyard_java_ok "$JAVA_HOME/bin/java"
                lanyard_server_prepare "$3"
                # shellcheck disable=SC2046
                exec "$JAVA_HOME/bin/java" $(lanyard_server_opts "$3") $6 -Xlog:class+load=info -cp "$(lanyard_server_classpath "$3")" "$4" "$5"
                """;
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "bash", JAVA_SH.toString(), JAVA_HOME,
                snapshot.toString(), Listener.class.getName(), argument, extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private List<String> cacheFiles() throws IOException {
        try (var files = Files.list(snapshot)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("serve-")).toList();
        }
    }
}
