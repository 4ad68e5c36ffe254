package dev.lanyard.sso;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for saml_settings and saml_idp_certificates. */
final class SamlSettingsStore {

    SamlSettings get(Connection c, UUID orgId) throws SQLException {
        List<IdpCertificate> certs = Sql.list(c, """
                select id, der, sha256, subject, not_before, not_after, added_at
                  from saml_idp_certificates where org_id = ? order by added_at, id""",
                SamlSettingsStore::certificate, orgId);
        return Sql.find(c, """
                select enabled, idp_entity_id, sso_url, allow_sha1, match_attribute, console_admins_by_saml
                  from saml_settings where org_id = ?""",
                rs -> new SamlSettings(orgId, rs.getBoolean("enabled"), rs.getString("idp_entity_id"), rs.getString("sso_url"),
                        rs.getBoolean("allow_sha1"), Optional.ofNullable(rs.getString("match_attribute")),
                        rs.getBoolean("console_admins_by_saml"), certs),
                orgId).orElseGet(() -> new SamlSettings(orgId, false, "", "", false, Optional.empty(), false, certs));
    }

    /** Locks the organization's settings row (created when missing) for a read-modify-write. */
    void lock(Connection c, UUID orgId) throws SQLException {
        Sql.update(c, "insert into saml_settings (org_id) values (?) on conflict (org_id) do nothing", orgId);
        Sql.find(c, "select 1 from saml_settings where org_id = ? for update", rs -> 1, orgId);
    }

    void save(Connection c, SamlSettings s) throws SQLException {
        Sql.update(c, """
                update saml_settings set enabled = ?, idp_entity_id = ?, sso_url = ?, allow_sha1 = ?,
                       match_attribute = ?, console_admins_by_saml = ?, updated_at = now()
                 where org_id = ?""",
                s.enabled(), s.idpEntityId(), s.ssoUrl(), s.allowSha1(), s.matchAttribute(), s.consoleAdminsBySaml(), s.orgId());
    }

    /** False when the organization already has this certificate. */
    boolean addCertificate(Connection c, UUID orgId, IdpCertificate cert) throws SQLException {
        return Sql.update(c, """
                insert into saml_idp_certificates (id, org_id, der, sha256, subject, not_before, not_after)
                values (?, ?, ?, ?, ?, ?, ?) on conflict (org_id, sha256) do nothing""",
                cert.id(), orgId, cert.der(), cert.sha256(), cert.subject(), cert.notBefore(), cert.notAfter()) == 1;
    }

    boolean removeCertificate(Connection c, UUID orgId, UUID certId) throws SQLException {
        return Sql.update(c, "delete from saml_idp_certificates where org_id = ? and id = ?", orgId, certId) == 1;
    }

    private static IdpCertificate certificate(ResultSet rs) throws SQLException {
        return new IdpCertificate(rs.getObject("id", UUID.class), rs.getBytes("der"), rs.getString("sha256"),
                rs.getString("subject"), Sql.instant(rs, "not_before"), Sql.instant(rs, "not_after"), Sql.instant(rs, "added_at"));
    }
}
