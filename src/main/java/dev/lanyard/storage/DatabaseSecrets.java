package dev.lanyard.storage;

import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The embedded PostgreSQL's two passwords: the superuser's (used only at start, to create the
 * application role and the extensions) and the application role's (the pool's). Random, 256 bits
 * each, kept in {@code <data>/database-secret}, created with mode 0600 before anything is written
 * to it, so no other local user can read them (docs/security.md).
 */
record DatabaseSecrets(String superuser, String application) {
    static final String FILE = "database-secret";

    static DatabaseSecrets loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            var created = new DatabaseSecrets(random(), random());
            Properties p = new Properties();
            p.setProperty("superuser", created.superuser());
            p.setProperty("application", created.application());
            Path tmp = dataDir.resolve(FILE + ".new");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                p.store(w, "Lanyard's embedded PostgreSQL passwords; keep this file private (mode 0600)");
            }
            try {
                Files.move(tmp, file);  // no replace: two starts at once keep the first
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
            }
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file)));
        String superuser = p.getProperty("superuser");
        String application = p.getProperty("application");
        if (superuser == null || application == null || superuser.isBlank() || application.isBlank()) {
            throw new IOException(file + " is damaged (it needs 'superuser' and 'application'); restore it from a backup");
        }
        return new DatabaseSecrets(superuser, application);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "DatabaseSecrets[redacted]";
    }
}
