package dev.lanyard.sso;

import dev.lanyard.domain.DomainException;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * One signing certificate of an organization's IdP. An organization may have several at once:
 * during a rollover the IdP signs with the new one while the old one is still configured.
 * {@code sha256} is the hex SHA-256 of the DER encoding, the fingerprint Okta and Entra ID show.
 */
public record IdpCertificate(UUID id, byte[] der, String sha256, String subject, Instant notBefore, Instant notAfter,
                             Instant addedAt) {
    /** More than any real certificate (a few KiB); bounds what a paste or metadata file can store. */
    static final int MAX_PEM_CHARS = 16_384;

    public String fingerprint() {
        return colons(sha256);
    }

    /** Whether it expires within {@code days} of {@code now} (or has expired). */
    public boolean expiresWithin(Instant now, int days) {
        return notAfter.isBefore(now.plus(java.time.Duration.ofDays(days)));
    }

    X509Certificate x509() {
        return parseDer(der);
    }

    /** A PEM block, or the bare base64 body that metadata and Okta's "X.509 Certificate" field hold. */
    static IdpCertificate parse(String pemOrBase64) {
        if (pemOrBase64 == null || pemOrBase64.isBlank()) throw new DomainException.Invalid("paste the IdP's signing certificate (PEM)");
        if (pemOrBase64.length() > MAX_PEM_CHARS) throw new DomainException.Invalid("the certificate is longer than " + MAX_PEM_CHARS + " characters");
        String body = pemOrBase64.replaceAll("-----(BEGIN|END) CERTIFICATE-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new DomainException.Invalid("the certificate is not PEM or base64: " + e.getMessage());
        }
        X509Certificate x = parseDer(der);
        return new IdpCertificate(UUID.randomUUID(), der, sha256(der), x.getSubjectX500Principal().getName(),
                x.getNotBefore().toInstant(), x.getNotAfter().toInstant(), Instant.now());
    }

    static X509Certificate parseDer(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new DomainException.Invalid("not an X.509 certificate: " + e.getMessage());
        }
    }

    static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** AB:CD:..., upper case, as IdP consoles print fingerprints. */
    static String colons(String hex) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) out.append(':');
            out.append(hex, i, i + 2);
        }
        return out.toString().toUpperCase(java.util.Locale.ROOT);
    }

    public String pem() {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }
}
