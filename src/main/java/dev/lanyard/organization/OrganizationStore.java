package dev.lanyard.organization;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for the organizations table. */
public final class OrganizationStore {
    private static final String COLUMNS = "id, name, provisioning_enabled, username_change_policy, created_at";

    public void insert(Connection c, Organization org) throws SQLException {
        Sql.update(c, "insert into organizations (id, name, provisioning_enabled, username_change_policy, created_at) "
                        + "values (?, ?, ?, ?, ?)",
                org.id(), org.name(), org.provisioningEnabled(), org.usernameChangePolicy().dbValue(), org.createdAt());
    }

    public Optional<Organization> findById(Connection c, UUID id) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from organizations where id = ?", OrganizationStore::map, id);
    }

    public Optional<Organization> findByName(Connection c, String name) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from organizations where lower(name) = lower(?)", OrganizationStore::map, name);
    }

    public List<Organization> list(Connection c) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from organizations order by lower(name)", OrganizationStore::map);
    }

    void lock(Connection c, UUID id) throws SQLException {
        Sql.find(c, "select 1 from organizations where id = ? for no key update", rs -> 1, id);
    }

    public void setProvisioningEnabled(Connection c, UUID id, boolean enabled) throws SQLException {
        Sql.update(c, "update organizations set provisioning_enabled = ?, updated_at = now() where id = ?", enabled, id);
    }

    public void setUsernameChangePolicy(Connection c, UUID id, UsernameChangePolicy policy) throws SQLException {
        Sql.update(c, "update organizations set username_change_policy = ?, updated_at = now() where id = ?", policy.dbValue(), id);
    }

    /**
     * The organization's policy as this transaction sees it: AccountService reads it in the same
     * transaction as the rename it decides.
     */
    public UsernameChangePolicy usernameChangePolicy(Connection c, UUID id) throws SQLException {
        return Sql.find(c, "select username_change_policy from organizations where id = ?",
                        rs -> UsernameChangePolicy.fromDb(rs.getString(1)), id)
                .orElseThrow(() -> new SQLException("no organization " + id));
    }

    private static Organization map(ResultSet rs) throws SQLException {
        return new Organization(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getBoolean("provisioning_enabled"), UsernameChangePolicy.fromDb(rs.getString("username_change_policy")),
                Sql.instant(rs, "created_at"));
    }
}
