package dev.lanyard.storage;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Database.NEWEST_MIGRATION moves with the migrations: a stale one would skip the new migration's
 * check at start. And a migration, once released, never changes: Flyway keeps each applied
 * migration's checksum and refuses to start on a database whose migration text differs (even in
 * a comment), so an edit would lock every existing installation out.
 */
class SchemaVersionTest {
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    private static final Path KNOWN = Path.of("src/test/resources/migrations/sha256.txt");

    @Test
    void no_released_migration_changes_and_each_is_recorded() throws Exception {
        java.util.Map<String, String> known = new java.util.HashMap<>();
        for (String line : Files.readAllLines(KNOWN)) {
            String[] parts = line.split(" ", 2);
            known.put(parts[1], parts[0]);
        }
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".sql")).toList()) {
                String file = f.getFileName().toString();
                String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
                assertThat(known).as("%s is not in %s: a new migration is added there with its SHA-256 (sha256sum), "
                        + "once it is final", file, KNOWN).containsKey(file);
                assertThat(hash).as("%s changed after its release; write a new migration instead", file).isEqualTo(known.get(file));
            }
        }
    }

    @Test
    void the_newest_migration_is_the_one_the_start_up_check_expects() throws IOException {
        Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest;
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            newest = files.map(f -> name.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(Database.NEWEST_MIGRATION).isEqualTo(String.valueOf(newest));
    }
}
