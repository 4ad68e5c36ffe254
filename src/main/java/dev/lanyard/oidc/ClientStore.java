package dev.lanyard.oidc;

import dev.lanyard.storage.Sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for oidc_clients, their secrets, allowed organizations and the organizations that turned them off. */
final class ClientStore {
    private static final String COLUMNS = "id, client_id, name, redirect_uris, public_client, all_organizations, "
            + "access_token_seconds, refresh_token_seconds, created_at, "
            + "array(select org_id from oidc_client_organizations o where o.client = oidc_clients.id) as orgs";

    /** A secret's metadata; the secret itself is never stored. */
    record SecretInfo(UUID id, Instant createdAt, Optional<Instant> revokedAt) {}

    void insert(Connection c, OidcClient client) throws SQLException {
        Sql.update(c, "insert into oidc_clients (id, client_id, name, redirect_uris, public_client, all_organizations, "
                        + "access_token_seconds, refresh_token_seconds) values (?, ?, ?, ?, ?, ?, ?, ?)",
                client.id(), client.clientId(), client.name(), client.redirectUris().toArray(String[]::new), client.publicClient(),
                client.allOrganizations(), (int) client.accessTokenLifetime().toSeconds(), (int) client.refreshTokenLifetime().toSeconds());
        setOrganizations(c, client.id(), client.organizations());
    }

    void update(Connection c, OidcClient client) throws SQLException {
        Sql.update(c, "update oidc_clients set name = ?, redirect_uris = ?, all_organizations = ?, access_token_seconds = ?, "
                        + "refresh_token_seconds = ? where id = ?",
                client.name(), client.redirectUris().toArray(String[]::new), client.allOrganizations(),
                (int) client.accessTokenLifetime().toSeconds(), (int) client.refreshTokenLifetime().toSeconds(), client.id());
        Sql.update(c, "delete from oidc_client_organizations where client = ?", client.id());
        setOrganizations(c, client.id(), client.organizations());
    }

    private static void setOrganizations(Connection c, UUID client, List<UUID> orgs) throws SQLException {
        for (UUID org : orgs) {
            Sql.update(c, "insert into oidc_client_organizations (client, org_id) values (?, ?) on conflict do nothing", client, org);
        }
    }

    List<OidcClient> list(Connection c) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from oidc_clients order by lower(name), created_at", ClientStore::client);
    }

    Optional<OidcClient> find(Connection c, UUID id) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from oidc_clients where id = ?", ClientStore::client, id);
    }

    Optional<OidcClient> findByClientId(Connection c, String clientId) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from oidc_clients where client_id = ?", ClientStore::client, clientId);
    }

    int delete(Connection c, UUID id) throws SQLException {
        return Sql.update(c, "delete from oidc_clients where id = ?", id);
    }

    void insertSecret(Connection c, UUID id, UUID client, byte[] hash) throws SQLException {
        Sql.update(c, "insert into oidc_client_secrets (id, client, hash) values (?, ?, ?)", id, client, hash);
    }

    List<SecretInfo> secrets(Connection c, UUID client) throws SQLException {
        return Sql.list(c, "select id, created_at, revoked_at from oidc_client_secrets where client = ? order by created_at",
                rs -> new SecretInfo(rs.getObject("id", UUID.class), Sql.instant(rs, "created_at"), Sql.optionalInstant(rs, "revoked_at")),
                client);
    }

    int revokeSecret(Connection c, UUID client, UUID secret) throws SQLException {
        return Sql.update(c, "update oidc_client_secrets set revoked_at = coalesce(revoked_at, now()) where client = ? and id = ?", client, secret);
    }

    boolean secretMatches(Connection c, UUID client, byte[] hash) throws SQLException {
        return Sql.find(c, "select 1 from oidc_client_secrets where client = ? and hash = ? and revoked_at is null",
                rs -> true, client, hash).isPresent();
    }

    /**
     * Whether the app may use the organization now, by {@link ClientService#usableBySql}: read from the
     * database, so a change by the operator or the organization's admin counts at once.
     */
    boolean usable(Connection c, UUID client, UUID orgId) throws SQLException {
        return Sql.find(c, "select 1 from oidc_clients a cross join (select ?::uuid as org_id) o where a.id = ? and "
                + ClientService.usableBySql("a", "o.org_id"), rs -> true, orgId, client).isPresent();
    }

    List<UUID> turnedOffBy(Connection c, UUID orgId) throws SQLException {
        return Sql.list(c, "select client from oidc_client_turned_off where org_id = ?", rs -> rs.getObject(1, UUID.class), orgId);
    }

    void setTurnedOff(Connection c, UUID client, UUID orgId, boolean off, String by) throws SQLException {
        if (off) {
            Sql.update(c, "insert into oidc_client_turned_off (client, org_id, turned_off_by) values (?, ?, ?) on conflict do nothing",
                    client, orgId, by);
        } else {
            Sql.update(c, "delete from oidc_client_turned_off where client = ? and org_id = ?", client, orgId);
        }
    }

    private static OidcClient client(ResultSet rs) throws SQLException {
        return new OidcClient(rs.getObject("id", UUID.class), rs.getString("client_id"), rs.getString("name"),
                List.of(strings(rs.getArray("redirect_uris"))), rs.getBoolean("public_client"), rs.getBoolean("all_organizations"),
                Arrays.stream((Object[]) rs.getArray("orgs").getArray()).map(o -> (UUID) o).toList(),
                Duration.ofSeconds(rs.getInt("access_token_seconds")), Duration.ofSeconds(rs.getInt("refresh_token_seconds")),
                Sql.instant(rs, "created_at"));
    }

    private static String[] strings(Array array) throws SQLException {
        return (String[]) array.getArray();
    }
}
