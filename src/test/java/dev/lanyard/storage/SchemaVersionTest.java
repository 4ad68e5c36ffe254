package dev.lanyard.storage;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Database.NEWEST_MIGRATION moves with the migrations: a stale one would skip the new migration's check at start. */
class SchemaVersionTest {
    @Test
    void the_newest_migration_is_the_one_the_start_up_check_expects() throws IOException {
        Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            newest = files.map(f -> name.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(Database.NEWEST_MIGRATION).isEqualTo(String.valueOf(newest));
    }
}
