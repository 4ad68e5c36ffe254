package dev.lanyard.storage;

import java.security.SecureRandom;
import java.sql.SQLException;

/** Installation-wide secrets (V2__server_secrets.sql), created on first use and the same for every server. */
public final class ServerSecrets {
    private final Transactions tx;

    public ServerSecrets(Transactions tx) {
        this.tx = tx;
    }

    /** The 32-byte secret called {@code name}; two servers racing to create it agree on one. */
    public byte[] get(String name) {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        return tx.inTransaction(c -> {
            Sql.update(c, "insert into server_secrets (name, value) values (?, ?) on conflict (name) do nothing", name, candidate);
            return Sql.find(c, "select value from server_secrets where name = ?", rs -> rs.getBytes(1), name)
                    .orElseThrow(() -> new SQLException("server secret " + name + " vanished"));
        });
    }
}
