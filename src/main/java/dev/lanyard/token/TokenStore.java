package dev.lanyard.token;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for provisioning_tokens and operator_credentials. */
final class TokenStore {
    private static final String COLUMNS = "id, org_id, label, created_by, created_at, last_used_at, prefix";

    void insert(Connection c, ProvisioningToken t, byte[] secretHash) throws SQLException {
        Sql.update(c, "insert into provisioning_tokens (id, org_id, label, created_by, secret_hash, created_at, prefix) "
                + "values (?, ?, ?, ?, ?, ?, ?)", t.id(), t.orgId(), t.label(), t.createdBy(), secretHash, t.createdAt(), t.prefix());
    }

    List<ProvisioningToken> listActive(Connection c, UUID orgId) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from provisioning_tokens where org_id = ? and revoked_at is null order by created_at",
                TokenStore::map, orgId);
    }

    /** The organization's tokens with these ids, revoked ones too (the log and history outlive them). */
    List<ProvisioningToken> findAll(Connection c, UUID orgId, Collection<UUID> ids) throws SQLException {
        if (ids.isEmpty()) return List.of();
        return Sql.list(c, "select " + COLUMNS + " from provisioning_tokens where org_id = ? and id = any(?)",
                TokenStore::map, orgId, c.createArrayOf("uuid", ids.toArray()));
    }

    boolean revoke(Connection c, UUID orgId, UUID tokenId) throws SQLException {
        return Sql.update(c, "update provisioning_tokens set revoked_at = now() where id = ? and org_id = ? and revoked_at is null",
                tokenId, orgId) == 1;
    }

    /** The live token with this hash and its organization, without recording a use (the console's checks). */
    Optional<ProvisioningToken.Holder> findHolder(Connection c, byte[] secretHash) throws SQLException {
        return Sql.find(c, """
                select t.id, t.org_id, o.provisioning_enabled
                  from provisioning_tokens t join organizations o on o.id = t.org_id
                 where t.secret_hash = ? and t.revoked_at is null""",
                rs -> new ProvisioningToken.Holder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBoolean(3)),
                secretHash);
    }

    boolean stillValid(Connection c, UUID tokenId) throws SQLException {
        return Sql.find(c, """
                select 1 from provisioning_tokens t join organizations o on o.id = t.org_id
                 where t.id = ? and t.revoked_at is null and o.provisioning_enabled""", rs -> true, tokenId).isPresent();
    }

    /**
     * The live token with this hash and its organization, recording its use in the same statement
     * (one round trip, served by the unique index on secret_hash). "Last used" is for people, so it
     * is written at most once a minute per token, not on every request, and only when the token was
     * used at its own organization's URL ({@code usedAt}).
     *
     * <p>The write never makes a request wait (issue 16). When the minute is up, every request of
     * the token in flight misses {@link TokenCache} at once and runs this. Before, each of them
     * updated the row: the first held its lock until its commit had been flushed to disk, the next
     * then updated it again and flushed again, one after another. So once a minute a few requests
     * queued behind a chain of flushes (148 and 205 ms at the start of a bench run's warm-up,
     * bench/README.md "Fourteenth round"); a flush slower than the pool's lock_timeout turned
     * them into 503s.
     * Now a request that finds the row locked by another's write skips it ({@code skip locked}),
     * one that finds it written since its snapshot leaves it (the condition is checked on the
     * row's newest version), and the write's commit does not wait for the flush
     * ({@code synchronous_commit} off for this transaction only): a crash can lose at most the last
     * moments' "last used" times, never a change of the directory. Run on an autocommit
     * connection: the statement is its own transaction.
     */
    Optional<ProvisioningToken.Holder> findHolderAndTouch(Connection c, byte[] secretHash, UUID usedAt) throws SQLException {
        return Sql.find(c, """
                with holder as (
                    select t.id, t.org_id, o.provisioning_enabled
                      from provisioning_tokens t join organizations o on o.id = t.org_id
                     where t.secret_hash = ? and t.revoked_at is null),
                due as (
                    select t.id from provisioning_tokens t join holder h on h.id = t.id
                     where h.org_id = ? and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute')
                       for update of t skip locked),
                touched as (
                    update provisioning_tokens t set last_used_at = now() from due where t.id = due.id)
                select id, org_id, provisioning_enabled, set_config('synchronous_commit', 'off', true) from holder""",
                rs -> new ProvisioningToken.Holder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBoolean(3)),
                secretHash, usedAt);
    }

    void insertOperator(Connection c, UUID id, byte[] secretHash) throws SQLException {
        Sql.update(c, "insert into operator_credentials (id, secret_hash) values (?, ?)", id, secretHash);
    }

    boolean operatorExists(Connection c, byte[] secretHash) throws SQLException {
        return Sql.find(c, "select 1 from operator_credentials where secret_hash = ?", rs -> true, secretHash).isPresent();
    }

    private static ProvisioningToken map(ResultSet rs) throws SQLException {
        return new ProvisioningToken(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class),
                rs.getString("label"), rs.getString("created_by"), Sql.instant(rs, "created_at"), Sql.optionalInstant(rs, "last_used_at"),
                rs.getString("prefix"));
    }
}
