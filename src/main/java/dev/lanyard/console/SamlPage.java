package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.sso.IdpCertificate;
import dev.lanyard.sso.SamlSettings;
import dev.lanyard.sso.SignInLogEntry;
import dev.lanyard.sso.SpValues;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * "SAML single sign-on" (console/saml.jte): what to paste into the IdP (SP values with Copy
 * buttons, the SP metadata to download), the IdP's values and certificates, the switch, the
 * "Test sign-in" button.
 *
 * @param notice a message after an action ("Settings saved.")
 * @param error  why the last action was refused, to show next to the forms
 */
public record SamlPage(ConsoleSession session, SamlSettings settings, SpValues sp, Optional<String> notice, Optional<String> error) {
    /** One row of the certificate table. */
    public record Certificate(String id, String subject, String fingerprint, String notAfter, boolean expiresSoon, boolean expired) {}

    public List<Certificate> certificates() {
        Instant now = Instant.now();
        return settings.certificates().stream().map(c -> certificate(c, now)).toList();
    }

    public List<Certificate> expiringSoon() {
        return certificates().stream().filter(Certificate::expiresSoon).toList();
    }

    static Certificate certificate(IdpCertificate c, Instant now) {
        return new Certificate(c.id().toString(), c.subject(), c.fingerprint(), Times.text(c.notAfter()),
                c.expiresWithin(now, SamlSettings.EXPIRY_WARNING_DAYS), c.notAfter().isBefore(now));
    }

    /** What a test sign-in brought back (console/saml_test.jte). */
    public record Test(ConsoleSession session, SignInLogEntry entry, String at, Optional<String> accountEmail) {}

    /** The sign-in log (console/saml_log.jte), filtered like the provisioning log. */
    public record Log(ConsoleSession session, List<Entry> entries, String outcome, String period, String q,
                      Optional<String> olderHref, Optional<String> previousHref, Optional<String> newestHref, String count,
                      String range) {
        public static final List<List<String>> OUTCOMES = List.of(List.of("all", "All attempts"), List.of("failure", "Failures only"),
                List.of("success", "Successes only"));
        public static final List<List<String>> PERIODS = List.of(List.of("all", "Any time"), List.of("24h", "Last 24 hours"),
                List.of("7d", "Last 7 days"), List.of("30d", "Last 30 days"));
    }

    /** One sign-in log row as shown. */
    public record Entry(String id, String at, String flow, boolean success, String reason, String detail, Optional<String> hint,
                        Optional<String> nameId) {}
}
