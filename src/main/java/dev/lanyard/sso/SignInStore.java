package dev.lanyard.sso;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** SQL for saml_requests (answered request ids), saml_assertion_ids (replay) and member_sessions. */
final class SignInStore {

    /** False when a Response to this request was already accepted. */
    boolean useRequest(Connection c, UUID orgId, String requestId, Instant expiresAt) throws SQLException {
        Sql.update(c, "delete from saml_requests where expires_at < now()");
        return Sql.update(c, "insert into saml_requests (id, org_id, expires_at) values (?, ?, ?) on conflict do nothing",
                requestId, orgId, expiresAt) == 1;
    }

    /** False when this assertion was used before (a replay), on any server of the installation. */
    boolean useAssertion(Connection c, UUID orgId, String assertionId, Instant expiresAt) throws SQLException {
        Sql.update(c, "delete from saml_assertion_ids where expires_at < now()");
        return Sql.update(c, "insert into saml_assertion_ids (org_id, id, expires_at) values (?, ?, ?) on conflict do nothing",
                orgId, assertionId, expiresAt) == 1;
    }

    void insertSession(Connection c, byte[] id, UUID orgId, UUID accountId, Instant expiresAt) throws SQLException {
        Sql.update(c, "delete from member_sessions where expires_at < now()");
        Sql.update(c, "insert into member_sessions (id, org_id, account_id, expires_at) values (?, ?, ?, ?)",
                id, orgId, accountId, expiresAt);
    }

    /** The live session's organization and account. */
    record Session(UUID orgId, UUID accountId, Instant createdAt, Instant expiresAt) {}

    Optional<Session> findSession(Connection c, byte[] id) throws SQLException {
        return Sql.find(c, "select org_id, account_id, created_at, expires_at from member_sessions where id = ? and expires_at > now()",
                rs -> new Session(rs.getObject("org_id", UUID.class), rs.getObject("account_id", UUID.class), Sql.instant(rs, "created_at"),
                        Sql.instant(rs, "expires_at")),
                id);
    }

    void deleteSession(Connection c, byte[] id) throws SQLException {
        Sql.update(c, "delete from member_sessions where id = ?", id);
    }

    void deleteSessionsOf(Connection c, UUID accountId) throws SQLException {
        Sql.update(c, "delete from member_sessions where account_id = ?", accountId);
    }
}
