package dev.lanyard.sso;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An organization's SAML settings: its IdP and how a Response is matched to a managed account.
 * {@code matchAttribute} empty means the NameID is the account's email.
 */
public record SamlSettings(UUID orgId, boolean enabled, String idpEntityId, String ssoUrl, boolean allowSha1,
                           Optional<String> matchAttribute, boolean consoleAdminsBySaml,
                           List<IdpCertificate> certificates) {
    /** Warn this many days before an IdP signing certificate expires. */
    public static final int EXPIRY_WARNING_DAYS = 30;

    static SamlSettings unconfigured(UUID orgId) {
        return new SamlSettings(orgId, false, "", "", false, Optional.empty(), false, List.of());
    }

    /** Everything a sign-in needs is there: an IdP entity ID, an SSO URL and at least one certificate. */
    public boolean complete() {
        return !idpEntityId.isBlank() && !ssoUrl.isBlank() && !certificates.isEmpty();
    }

    /** What is still missing before sign-in can work, in plain words; empty when complete. */
    public List<String> missing() {
        var out = new java.util.ArrayList<String>();
        if (idpEntityId.isBlank()) out.add("the IdP entity ID (issuer)");
        if (ssoUrl.isBlank()) out.add("the IdP sign-in (SSO) URL");
        if (certificates.isEmpty()) out.add("an IdP signing certificate");
        return out;
    }

    /** Certificates that expire within {@link #EXPIRY_WARNING_DAYS} days of now (or already have). */
    public List<IdpCertificate> expiringSoon(Instant now) {
        return certificates.stream().filter(c -> c.expiresWithin(now, EXPIRY_WARNING_DAYS)).toList();
    }
}
