package dev.lanyard.storage;

import dev.lanyard.testing.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Issue 16 (start to ready): the embedded PostgreSQL's binaries, through the library. The first
 * start of a data folder unpacks them and links their identity to them; a start that finds the
 * link ready runs the binaries through it without reading the archive; a link whose folder is
 * gone is mended by unpacking again. Each start here uses its own data folder, since the library
 * remembers a resolver's folder for the JVM's life.
 */
class EmbeddedBinariesIT {
    final List<Path> folders = new ArrayList<>();

    @BeforeEach
    void setUp() {
        assumeFalse(TestDb.external(), "the embedded database is what this test is about");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Path folder : folders) {
            try (var paths = Files.walk(folder)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void a_ready_link_is_used_and_a_broken_one_is_mended() throws Exception {
        // First start: the archive is read and unpacked, and the identity linked to the folder.
        Path first = dataFolder();
        startAndQuery(first);
        Path binaries = first.resolve("postgres-binaries");
        Path link = onlyLink(binaries);
        Path unpacked = binaries.resolve(Files.readSymbolicLink(link));
        assertThat(Files.isDirectory(unpacked) && Files.isSymbolicLink(unpacked)).isFalse();
        assertThat(Files.exists(unpacked.resolve("bin/postgres"))).isTrue();
        assertThat(EmbeddedBinaries.isReady(link)).isTrue();

        // A second data folder whose identity link leads to the first one's binaries under another
        // name: were the archive read, the library would unpack it into a PG-<md5> folder of its own.
        Path second = dataFolder();
        Path secondBinaries = Files.createDirectories(second.resolve("postgres-binaries"));
        Files.createSymbolicLink(secondBinaries.resolve(link.getFileName()), unpacked.toAbsolutePath());
        startAndQuery(second);
        try (var files = Files.list(secondBinaries)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(link.getFileName().toString());
        }

        // A link to a folder that is gone: the archive is read and unpacked again, and the link mended.
        Path third = dataFolder();
        Path thirdBinaries = Files.createDirectories(third.resolve("postgres-binaries"));
        Files.createSymbolicLink(thirdBinaries.resolve(link.getFileName()), Path.of("PG-removed"));
        startAndQuery(third);
        assertThat(Files.readSymbolicLink(thirdBinaries.resolve(link.getFileName()))).isEqualTo(unpacked.getFileName());
        assertThat(Files.exists(thirdBinaries.resolve(unpacked.getFileName()).resolve("bin/postgres"))).isTrue();
        assertThat(EmbeddedBinaries.isReady(thirdBinaries.resolve(link.getFileName()))).isTrue();
    }

    private Path dataFolder() throws IOException {
        Path folder = Files.createTempDirectory("lanyard-binaries");
        folders.add(folder);
        return folder;
    }

    private static void startAndQuery(Path data) throws Exception {
        try (Database db = Database.embedded(data, 2); Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
            var rs = s.executeQuery("select current_user");
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("lanyard");
        }
    }

    private static Path onlyLink(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            List<Path> links = files.filter(Files::isSymbolicLink).toList();
            assertThat(links).hasSize(1);
            return links.getFirst();
        }
    }
}
