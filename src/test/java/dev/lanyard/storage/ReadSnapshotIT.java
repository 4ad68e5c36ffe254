package dev.lanyard.storage;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A list's count and its page are read by {@link Transactions#readSnapshot}: every statement in it
 * sees the same snapshot, whatever commits meanwhile, and it cannot write.
 */
class ReadSnapshotIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void reads_in_one_snapshot_agree_while_another_transaction_commits() {
        Transactions tx = new Transactions(app.services().database().dataSource());
        long[] seen = tx.readSnapshot(c -> {
            long before = organizations(c);
            app.newOrg("snapshot-" + UUID.randomUUID());  // commits on another connection
            return new long[] {before, organizations(c)};
        });
        assertThat(seen[1]).isEqualTo(seen[0]);
        assertThat(tx.read(ReadSnapshotIT::organizations)).isEqualTo(seen[0] + 1);
    }

    @Test
    void a_snapshot_cannot_write() {
        Transactions tx = new Transactions(app.services().database().dataSource());
        assertThatThrownBy(() -> tx.readSnapshot(c -> Sql.update(c, "delete from organizations where name = ?", "nobody")))
                .isInstanceOf(StorageException.class).hasMessageContaining("read-only");
    }

    private static long organizations(Connection c) throws SQLException {
        return Sql.find(c, "select count(*) from organizations", rs -> rs.getLong(1)).orElseThrow();
    }
}
