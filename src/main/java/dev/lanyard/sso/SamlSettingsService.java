package dev.lanyard.sso;

import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;

import java.net.URI;
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

    public SamlSettings change(UUID orgId, Change change) {
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
            return next;
        });
    }

    public IdpCertificate addCertificate(UUID orgId, String pem) {
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
            return cert;
        });
    }

    public void removeCertificate(UUID orgId, UUID certId) {
        tx.inTransaction(c -> {
            store.lock(c, orgId);
            if (!store.removeCertificate(c, orgId, certId)) throw new DomainException.NotFound("no IdP certificate " + certId);
            SamlSettings s = store.get(c, orgId);
            if (s.enabled() && s.certificates().isEmpty()) {
                throw new DomainException.Conflict("this is the last IdP certificate and SAML sign-in is on; turn sign-in off "
                        + "or add the new certificate first");
            }
            return null;
        });
    }

    /** Takes the entity ID, SSO URL and every signing certificate from the metadata; certificates already there stay. */
    public SamlSettings importMetadata(UUID orgId, byte[] xml) {
        IdpMetadata m = IdpMetadata.parse(xml);
        return tx.inTransaction(c -> {
            store.lock(c, orgId);
            SamlSettings s = store.get(c, orgId);
            long added = m.certificates().stream().filter(cert -> s.certificates().stream().noneMatch(o -> o.sha256().equals(cert.sha256()))).count();
            if (s.certificates().size() + added > MAX_CERTIFICATES) {
                throw new DomainException.Conflict("an organization has at most " + MAX_CERTIFICATES + " IdP certificates; remove old ones first");
            }
            for (IdpCertificate cert : m.certificates()) store.addCertificate(c, orgId, cert);
            store.save(c, new SamlSettings(orgId, s.enabled(), m.entityId(), m.ssoUrl(), s.allowSha1(), s.matchAttribute(),
                    s.consoleAdminsBySaml(), s.certificates()));
            return store.get(c, orgId);
        });
    }

    /** Fetches the metadata from its URL (only now, because the admin asked) and imports it. */
    public SamlSettings importMetadataFrom(UUID orgId, String url) {
        return importMetadata(orgId, fetcher.fetch(url));
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
