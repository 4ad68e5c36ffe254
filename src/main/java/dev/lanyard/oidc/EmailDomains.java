package dev.lanyard.oidc;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Sql;
import dev.lanyard.storage.Transactions;
import dev.lanyard.storage.UniqueViolation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The email domains that name an organization at the authorization endpoint: an app that sends
 * {@code login_hint=ann@acme.com} lands on the organization that owns {@code acme.com}. A domain
 * belongs to at most one organization; the operator sets them.
 */
public final class EmailDomains {
    static final int MAX_PER_ORGANIZATION = 50;
    private final Transactions tx;

    public EmailDomains(Transactions tx) {
        this.tx = tx;
    }

    public List<String> list(UUID orgId) {
        return tx.read(c -> Sql.list(c, "select domain from organization_email_domains where org_id = ? order by domain",
                rs -> rs.getString(1), orgId));
    }

    /** Replaces the organization's domains; 409 when another organization has one of them. */
    public List<String> set(UUID orgId, List<String> domains, Actor actor) {
        List<String> clean = domains.stream().map(EmailDomains::domain).distinct().toList();
        if (clean.size() > MAX_PER_ORGANIZATION) throw new DomainException.Invalid("at most " + MAX_PER_ORGANIZATION + " domains");
        try {
            return tx.inTransaction(c -> {
                List<String> before = Sql.list(c, "select domain from organization_email_domains where org_id = ? order by domain",
                        rs -> rs.getString(1), orgId);
                Sql.update(c, "delete from organization_email_domains where org_id = ?", orgId);
                for (String d : clean) Sql.update(c, "insert into organization_email_domains (domain, org_id) values (?, ?)", d, orgId);
                var detail = AuditTrail.changes(java.util.Map.of("domains", before), java.util.Map.of("domains", clean.stream().sorted().toList()));
                if (!AuditTrail.isEmpty(detail)) {
                    AuditTrail.record(c, orgId, actor, AuditAction.EMAIL_DOMAINS_CHANGED, AuditTrail.Target.NONE, detail);
                }
                return clean;
            });
        } catch (UniqueViolation e) {
            throw new DomainException.Conflict("one of these domains belongs to another organization");
        }
    }

    /** The organization owning the email's domain. */
    Optional<UUID> organizationOf(String email) {
        int at = email.lastIndexOf('@');
        if (at < 0 || at == email.length() - 1 || email.length() > 320) return Optional.empty();
        String d = email.substring(at + 1).toLowerCase(Locale.ROOT);
        return tx.read(c -> Sql.find(c, "select org_id from organization_email_domains where domain = ?",
                rs -> rs.getObject(1, UUID.class), d));
    }

    private static String domain(String text) {
        String d = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (!d.matches("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}")) {
            throw new DomainException.Invalid("\"" + text + "\" is not a domain name like example.com");
        }
        return d;
    }
}
