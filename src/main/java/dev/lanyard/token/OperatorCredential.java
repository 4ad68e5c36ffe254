package dev.lanyard.token;

import dev.lanyard.storage.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * The operator's bearer credential for the admin API and the CLI. Created on the first start:
 * the secret goes to {@code <data>/operator-token} (mode 0600, readable only by the account that
 * runs Lanyard) and only its hash to the database.
 */
public final class OperatorCredential {
    private static final Logger log = LoggerFactory.getLogger(OperatorCredential.class);
    static final String PREFIX = "lanyard_op_";
    public static final String FILE_NAME = "operator-token";

    private final Transactions tx;
    private final TokenStore store = new TokenStore();

    public OperatorCredential(Transactions tx) {
        this.tx = tx;
    }

    /**
     * Makes sure {@code dataDir/operator-token} holds a valid credential. A missing or unknown
     * file (a fresh data folder, or one pointed at another database) gets a new credential;
     * whoever can write the data folder already controls the server.
     */
    public Path ensure(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            String existing = Files.readString(file).strip();
            if (tx.read(c -> store.operatorExists(c, Secrets.hash(existing)))) return file;
        }
        String secret = Secrets.generate(PREFIX);
        tx.inTransaction(c -> {
            store.insertOperator(c, UUID.randomUUID(), Secrets.hash(secret));
            return null;
        });
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, secret + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        log.info("operator credential written to {} (mode 0600)", file);
        return file;
    }

    public boolean verify(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) return false;
        return tx.read(c -> store.operatorExists(c, Secrets.hash(secret)));
    }
}
