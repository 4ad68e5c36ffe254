package dev.lanyard.oidc;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** SQL for oidc_grants, oidc_codes and oidc_tokens. Codes and tokens are looked up by their SHA-256 only. */
final class GrantStore {
    /** One sign-in of a member into an app. */
    record Grant(UUID id, UUID client, UUID orgId, UUID accountId, String scope, Instant authTime, Instant createdAt,
                 Optional<Instant> revokedAt, String accountStatus) {}

    record Code(Grant grant, String redirectUri, Optional<String> codeChallenge, Optional<String> nonce, Instant expiresAt,
                Optional<Instant> usedAt) {}

    record Token(Grant grant, String kind, Instant expiresAt, Optional<Instant> usedAt) {}

    private static final String GRANT = "g.id as g_id, g.client, g.org_id, g.account_id, g.scope, g.auth_time, g.created_at as g_created, "
            + "g.revoked_at as g_revoked, a.status as account_status";

    void insertGrant(Connection c, UUID id, UUID client, UUID orgId, UUID accountId, String scope, Instant authTime) throws SQLException {
        // Grants outlive their refresh tokens by at most a day: sweep a bounded batch at each sign-in.
        Sql.update(c, "delete from oidc_grants where id in (select id from oidc_grants where created_at < now() - interval '91 days' limit 100)");
        Sql.update(c, "insert into oidc_grants (id, client, org_id, account_id, scope, auth_time) values (?, ?, ?, ?, ?, ?)",
                id, client, orgId, accountId, scope, authTime);
    }

    void insertCode(Connection c, byte[] hash, UUID grant, String redirectUri, Optional<String> challenge, Optional<String> nonce,
                    Instant expiresAt) throws SQLException {
        Sql.update(c, "delete from oidc_codes where hash in (select hash from oidc_codes where expires_at < now() - interval '1 day' limit 100)");
        Sql.update(c, "insert into oidc_codes (hash, grant_id, redirect_uri, code_challenge, nonce, expires_at) values (?, ?, ?, ?, ?, ?)",
                hash, grant, redirectUri, challenge, nonce, expiresAt);
    }

    /** The code and its grant, locked until the transaction ends (two redemptions cannot both see it unused). */
    Optional<Code> lockCode(Connection c, byte[] hash) throws SQLException {
        return Sql.find(c, "select c.redirect_uri, c.code_challenge, c.nonce, c.expires_at, c.used_at, " + GRANT
                        + " from oidc_codes c join oidc_grants g on g.id = c.grant_id join managed_accounts a on a.id = g.account_id"
                        + " where c.hash = ? for update of c",
                rs -> new Code(grant(rs), rs.getString("redirect_uri"), Optional.ofNullable(rs.getString("code_challenge")),
                        Optional.ofNullable(rs.getString("nonce")), Sql.instant(rs, "expires_at"), Sql.optionalInstant(rs, "used_at")),
                hash);
    }

    void useCode(Connection c, byte[] hash, Instant now) throws SQLException {
        Sql.update(c, "update oidc_codes set used_at = ? where hash = ?", now, hash);
    }

    Optional<Token> lockToken(Connection c, byte[] hash) throws SQLException {
        return Sql.find(c, "select t.kind, t.expires_at, t.used_at, " + GRANT
                        + " from oidc_tokens t join oidc_grants g on g.id = t.grant_id join managed_accounts a on a.id = g.account_id"
                        + " where t.hash = ? for update of t",
                rs -> new Token(grant(rs), rs.getString("kind"), Sql.instant(rs, "expires_at"), Sql.optionalInstant(rs, "used_at")),
                hash);
    }

    Optional<Token> findToken(Connection c, byte[] hash) throws SQLException {
        return Sql.find(c, "select t.kind, t.expires_at, t.used_at, " + GRANT
                        + " from oidc_tokens t join oidc_grants g on g.id = t.grant_id join managed_accounts a on a.id = g.account_id"
                        + " where t.hash = ?",
                rs -> new Token(grant(rs), rs.getString("kind"), Sql.instant(rs, "expires_at"), Sql.optionalInstant(rs, "used_at")),
                hash);
    }

    void insertToken(Connection c, byte[] hash, UUID grant, String kind, Instant expiresAt) throws SQLException {
        Sql.update(c, "delete from oidc_tokens where hash in (select hash from oidc_tokens where expires_at < now() - interval '1 day' limit 100)");
        Sql.update(c, "insert into oidc_tokens (hash, grant_id, kind, expires_at) values (?, ?, ?, ?)", hash, grant, kind, expiresAt);
    }

    void useToken(Connection c, byte[] hash, Instant now) throws SQLException {
        Sql.update(c, "update oidc_tokens set used_at = ? where hash = ?", now, hash);
    }

    void expireToken(Connection c, byte[] hash, Instant now) throws SQLException {
        Sql.update(c, "update oidc_tokens set expires_at = least(expires_at, ?) where hash = ?", now, hash);
    }

    /** Ends the grant and everything issued under it. */
    void revokeGrant(Connection c, UUID grant, Instant now) throws SQLException {
        Sql.update(c, "update oidc_grants set revoked_at = coalesce(revoked_at, ?) where id = ?", now, grant);
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(rs.getObject("g_id", UUID.class), rs.getObject("client", UUID.class), rs.getObject("org_id", UUID.class),
                rs.getObject("account_id", UUID.class), rs.getString("scope"), Sql.instant(rs, "auth_time"), Sql.instant(rs, "g_created"),
                Sql.optionalInstant(rs, "g_revoked"), rs.getString("account_status"));
    }
}
