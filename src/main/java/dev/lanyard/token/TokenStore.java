package dev.lanyard.token;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for provisioning_tokens and operator_credentials. */
final class TokenStore {
    private static final String COLUMNS = "id, org_id, label, created_by, created_at, last_used_at";

    void insert(Connection c, ProvisioningToken t, byte[] secretHash) throws SQLException {
        Sql.update(c, "insert into provisioning_tokens (id, org_id, label, created_by, secret_hash, created_at) "
                + "values (?, ?, ?, ?, ?, ?)", t.id(), t.orgId(), t.label(), t.createdBy(), secretHash, t.createdAt());
    }

    List<ProvisioningToken> listActive(Connection c, UUID orgId) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from provisioning_tokens where org_id = ? and revoked_at is null order by created_at",
                TokenStore::map, orgId);
    }

    boolean revoke(Connection c, UUID orgId, UUID tokenId) throws SQLException {
        return Sql.update(c, "update provisioning_tokens set revoked_at = now() where id = ? and org_id = ? and revoked_at is null",
                tokenId, orgId) == 1;
    }

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

    /** At most one write a minute per token: "last used" is for people, not a hot-path write. */
    void touch(Connection c, UUID tokenId) throws SQLException {
        Sql.update(c, "update provisioning_tokens set last_used_at = now() where id = ? "
                + "and (last_used_at is null or last_used_at < now() - interval '1 minute')", tokenId);
    }

    /** The labels of the organization's tokens among {@code ids} (revoked ones too: history names them). */
    Map<UUID, String> labels(Connection c, UUID orgId, Collection<UUID> ids) throws SQLException {
        Map<UUID, String> labels = new HashMap<>();
        for (Object[] row : Sql.list(c, "select id, label from provisioning_tokens where org_id = ? and id = any(?)",
                rs -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)}, orgId, c.createArrayOf("uuid", ids.toArray()))) {
            labels.put((UUID) row[0], (String) row[1]);
        }
        return labels;
    }

    void insertOperator(Connection c, UUID id, byte[] secretHash) throws SQLException {
        Sql.update(c, "insert into operator_credentials (id, secret_hash) values (?, ?)", id, secretHash);
    }

    boolean operatorExists(Connection c, byte[] secretHash) throws SQLException {
        return Sql.find(c, "select 1 from operator_credentials where secret_hash = ?", rs -> true, secretHash).isPresent();
    }

    private static ProvisioningToken map(ResultSet rs) throws SQLException {
        return new ProvisioningToken(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class),
                rs.getString("label"), rs.getString("created_by"), Sql.instant(rs, "created_at"), Sql.optionalInstant(rs, "last_used_at"));
    }
}
