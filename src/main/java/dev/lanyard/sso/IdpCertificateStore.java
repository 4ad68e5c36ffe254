package dev.lanyard.sso;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** SQL for the certificate expiry warnings (saml_certificate_warnings, V70). */
final class IdpCertificateStore {
    private IdpCertificateStore() {}

    /** A configured certificate that expires before a time. */
    record Expiring(UUID orgId, UUID id, String sha256, String subject, Instant notAfter) {}

    /** Certificates expiring before {@code before} that still lack a warning for some threshold, soonest first. */
    static List<Expiring> expiringBefore(Connection c, Instant before, int limit) throws SQLException {
        return Sql.list(c, """
                select c.org_id, c.id, c.sha256, c.subject, c.not_after from saml_idp_certificates c
                 where c.not_after < ?
                   and not exists (select 1 from saml_certificate_warnings w
                                    where w.org_id = c.org_id and w.sha256 = c.sha256 and w.days_threshold = 0)
                 order by c.not_after limit ?""",
                rs -> new Expiring(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        Sql.instant(rs, "not_after")), before, limit);
    }

    /**
     * Marks the threshold reached (and every larger one, so a later run does not warn about a
     * threshold already passed); false when this threshold was already warned about.
     */
    static boolean markWarned(Connection c, UUID orgId, String sha256, int threshold) throws SQLException {
        boolean fresh = Sql.update(c, """
                insert into saml_certificate_warnings (org_id, sha256, days_threshold) values (?, ?, ?)
                on conflict do nothing""", orgId, sha256, threshold) == 1;
        if (fresh) {
            for (int t : SamlSettingsService.WARNING_THRESHOLDS) {
                if (t > threshold) {
                    Sql.update(c, "insert into saml_certificate_warnings (org_id, sha256, days_threshold) values (?, ?, ?) "
                            + "on conflict do nothing", orgId, sha256, t);
                }
            }
        }
        return fresh;
    }
}
