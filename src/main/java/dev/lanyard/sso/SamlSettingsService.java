package dev.lanyard.sso;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An organization's SAML settings: change them field by field, add and remove IdP signing
 * certificates, or import all three from the IdP's metadata. One method, one transaction; each
 * validates the whole change before writing.
 */
public final class SamlSettingsService {
    static final int MAX_TEXT = 1024;
    static final int MAX_CERTIFICATES = 10;

    private final Transactions tx;
    private final MetadataFetcher fetcher;
    private final SamlSettingsStore store = new SamlSettingsStore();

    public SamlSettingsService(Transactions tx, MetadataFetcher fetcher) {
        this.tx = tx;
        this.fetcher = fetcher;
    }

    /** Fields to change; an empty Optional keeps the current value. */
    public record Change(Optional<Boolean> enabled, Optional<String> idpEntityId, Optional<String> ssoUrl,
                         Optional<Boolean> allowSha1, Optional<String> matchAttribute, Optional<Boolean> consoleAdminsBySaml) {
        public static Change none() {
            return new Change(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    public SamlSettings get(UUID orgId) {
        return tx.read(c -> store.get(c, orgId));
    }

    /** Recorded in the audit trail with the fields that changed, before and after; a change that changes nothing records nothing. */
    public SamlSettings change(UUID orgId, Change change, Actor actor) {
        String entityId = change.idpEntityId().map(v -> checkText(v.strip(), "the IdP entity ID")).orElse(null);
        String ssoUrl = change.ssoUrl().map(v -> v.isBlank() ? "" : checkUrl(v.strip(), "the SSO URL")).orElse(null);
        Optional<String> attribute = change.matchAttribute().map(v -> checkText(v.strip(), "the attribute name"));
        return tx.inTransaction(c -> {
            store.lock(c, orgId);
            SamlSettings s = store.get(c, orgId);
            var next = new SamlSettings(orgId, change.enabled().orElse(s.enabled()),
                    entityId != null ? entityId : s.idpEntityId(), ssoUrl != null ? ssoUrl : s.ssoUrl(),
                    change.allowSha1().orElse(s.allowSha1()),
                    attribute.isPresent() ? attribute.filter(a -> !a.isEmpty()) : s.matchAttribute(),
                    change.consoleAdminsBySaml().orElse(s.consoleAdminsBySaml()), s.certificates());
            if (next.enabled() && !next.complete()) {
                throw new DomainException.Invalid("SAML sign-in cannot be turned on yet: it still needs " + String.join(", ", next.missing()));
            }
            store.save(c, next);
            ObjectNode detail = AuditTrail.changes(fields(s), fields(next));
            if (!AuditTrail.isEmpty(detail)) {
                AuditTrail.record(c, orgId, actor, AuditAction.SAML_SETTINGS_CHANGED, AuditTrail.Target.NONE, detail);
            }
            return next;
        });
    }

    public IdpCertificate addCertificate(UUID orgId, String pem, Actor actor) {
        IdpCertificate cert = IdpCertificate.parse(pem);
        return tx.inTransaction(c -> {
            store.lock(c, orgId);
            SamlSettings s = store.get(c, orgId);
            if (s.certificates().size() >= MAX_CERTIFICATES) {
                throw new DomainException.Conflict("an organization has at most " + MAX_CERTIFICATES + " IdP certificates; remove an old one first");
            }
            if (!store.addCertificate(c, orgId, cert)) {
                throw new DomainException.Conflict("this certificate (" + cert.fingerprint() + ") is already configured");
            }
            AuditTrail.record(c, orgId, actor, AuditAction.SAML_CERTIFICATE_ADDED, target(cert), certificateDetail(cert));
            return cert;
        });
    }

    public void removeCertificate(UUID orgId, UUID certId, Actor actor) {
        tx.inTransaction(c -> {
            store.lock(c, orgId);
            Optional<IdpCertificate> gone = store.get(c, orgId).certificates().stream().filter(x -> x.id().equals(certId)).findFirst();
            if (gone.isEmpty() || !store.removeCertificate(c, orgId, certId)) throw new DomainException.NotFound("no IdP certificate " + certId);
            AuditTrail.record(c, orgId, actor, AuditAction.SAML_CERTIFICATE_REMOVED, target(gone.get()), certificateDetail(gone.get()));
            SamlSettings s = store.get(c, orgId);
            if (s.enabled() && s.certificates().isEmpty()) {
                throw new DomainException.Conflict("this is the last IdP certificate and SAML sign-in is on; turn sign-in off "
                        + "or add the new certificate first");
            }
            return null;
        });
    }

    /** Takes the entity ID, SSO URL and every signing certificate from the metadata; certificates already there stay. */
    public SamlSettings importMetadata(UUID orgId, byte[] xml, Actor actor) {
        IdpMetadata m = IdpMetadata.parse(xml);
        return tx.inTransaction(c -> {
            store.lock(c, orgId);
            SamlSettings s = store.get(c, orgId);
            long added = m.certificates().stream().filter(cert -> s.certificates().stream().noneMatch(o -> o.sha256().equals(cert.sha256()))).count();
            if (s.certificates().size() + added > MAX_CERTIFICATES) {
                throw new DomainException.Conflict("an organization has at most " + MAX_CERTIFICATES + " IdP certificates; remove old ones first");
            }
            var fingerprints = JsonNodeFactory.instance.arrayNode();
            for (IdpCertificate cert : m.certificates()) {
                if (store.addCertificate(c, orgId, cert)) fingerprints.add(cert.fingerprint());
            }
            var next = new SamlSettings(orgId, s.enabled(), m.entityId(), m.ssoUrl(), s.allowSha1(), s.matchAttribute(),
                    s.consoleAdminsBySaml(), s.certificates());
            store.save(c, next);
            ObjectNode detail = AuditTrail.changes(fields(s), fields(next));
            detail.set("certificatesAdded", fingerprints);
            AuditTrail.record(c, orgId, actor, AuditAction.SAML_METADATA_IMPORTED, AuditTrail.Target.NONE, detail);
            return store.get(c, orgId);
        });
    }

    /** Fetches the metadata from its URL (only now, because the admin asked) and imports it. */
    public SamlSettings importMetadataFrom(UUID orgId, String url, Actor actor) {
        return importMetadata(orgId, fetcher.fetch(url), actor);
    }

    /** The settings as the audit trail compares them (no certificates: those have their own entries). */
    private static Map<String, Object> fields(SamlSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.enabled());
        m.put("idpEntityId", s.idpEntityId());
        m.put("ssoUrl", s.ssoUrl());
        m.put("allowSha1", s.allowSha1());
        m.put("matchAttribute", s.matchAttribute().orElse(""));
        m.put("consoleAdminsBySaml", s.consoleAdminsBySaml());
        return m;
    }

    static AuditTrail.Target target(IdpCertificate cert) {
        return AuditTrail.Target.of("certificate", cert.id(), cert.fingerprint());
    }

    static ObjectNode certificateDetail(IdpCertificate cert) {
        ObjectNode d = AuditTrail.detail("subject", cert.subject());
        d.put("notAfter", cert.notAfter().toString());
        return d;
    }

    /** Days before expiry at which the audit trail gets a warning; 0 is "has expired". */
    static final int[] WARNING_THRESHOLDS = {SamlSettings.EXPIRY_WARNING_DAYS, 7, 1, 0};
    static final int MAX_WARNINGS_PER_RUN = 1000;

    /**
     * Writes a {@code saml.certificate_expiring} entry (actor {@code system}) for every configured
     * IdP certificate that has come within 30, 7 or 1 days of its expiry, or has expired: once
     * per certificate and threshold, on any number of servers (the primary key of
     * saml_certificate_warnings decides), never on a page view. A certificate added with 5 days
     * left is warned about once, at 7 days. Run by the server's hourly housekeeping.
     *
     * @return the entries written
     */
    public int warnExpiringCertificates(Instant now) {
        List<IdpCertificateStore.Expiring> due = tx.read(c -> IdpCertificateStore.expiringBefore(c,
                now.plus(Duration.ofDays(SamlSettings.EXPIRY_WARNING_DAYS)), MAX_WARNINGS_PER_RUN));
        int written = 0;
        for (IdpCertificateStore.Expiring e : due) {
            long secondsLeft = Duration.between(now, e.notAfter()).toSeconds();
            int threshold = 0;
            for (int t : WARNING_THRESHOLDS) if (secondsLeft <= Duration.ofDays(t).toSeconds()) threshold = t;
            int reached = threshold;
            boolean wrote = tx.inTransaction(c -> {
                if (!IdpCertificateStore.markWarned(c, e.orgId(), e.sha256(), reached)) return false;
                ObjectNode detail = AuditTrail.detail("subject", e.subject());
                detail.put("notAfter", e.notAfter().toString());
                detail.put("daysLeft", Math.max(0, secondsLeft / 86_400));
                detail.put("expired", secondsLeft <= 0);
                detail.put("threshold", reached);
                AuditTrail.record(c, e.orgId(), Actor.SYSTEM, AuditAction.SAML_CERTIFICATE_EXPIRING,
                        AuditTrail.Target.of("certificate", e.id(), IdpCertificate.colons(e.sha256())), detail);
                return true;
            });
            if (wrote) written++;
        }
        return written;
    }

    static String checkUrl(String url, String what) {
        checkText(url, what);
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new DomainException.Invalid(what + " is not a URL: " + e.getMessage());
        }
        if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
            throw new DomainException.Invalid(what + " must be an http(s) URL with a host, like https://idp.example.com/sso/saml");
        }
        return url;
    }

    private static String checkText(String value, String what) {
        if (value.length() > MAX_TEXT) throw new DomainException.Invalid(what + " is longer than " + MAX_TEXT + " characters");
        if (value.chars().anyMatch(Character::isISOControl)) throw new DomainException.Invalid(what + " contains control characters");
        return value;
    }
}
