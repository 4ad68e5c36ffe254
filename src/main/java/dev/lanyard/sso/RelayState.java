package dev.lanyard.sso;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The RelayState Lanyard sends with each AuthnRequest and requires back unchanged with the
 * Response (SAML bindings §3.4.3: at most 80 bytes, returned as is):
 *
 * <pre>{request id}.{purpose}{expiry, epoch seconds base 36}.{HMAC-SHA256, 16 bytes, base64url}</pre>
 *
 * The MAC (installation key, bound to the organization) proves Lanyard issued the request, for
 * what, and until when, so starting a sign-in writes nothing to the database; the Response's
 * InResponseTo must be the request id in it, and {@code saml_requests} makes each id usable once.
 * Where the browser lands afterwards follows from the purpose, never from the request: no open
 * redirect.
 */
final class RelayState {
    /** What the sign-in is for: a member, a member signing in to an app (OIDC), an admin's "Test sign-in", or a console admin. */
    enum Purpose {
        MEMBER('m'), APP('a'), TEST('t'), CONSOLE('c');

        final char code;

        Purpose(char code) {
            this.code = code;
        }

        static Optional<Purpose> of(char code) {
            for (Purpose p : values()) if (p.code == code) return Optional.of(p);
            return Optional.empty();
        }
    }

    /** A request Lanyard issued and that has not expired. */
    record Issued(String requestId, Purpose purpose, Instant expiresAt) {}

    private final byte[] key;

    RelayState(byte[] key) {
        this.key = key.clone();
    }

    String issue(UUID orgId, String requestId, Purpose purpose, Instant expiresAt) {
        String body = requestId + "." + purpose.code + Long.toString(expiresAt.getEpochSecond(), 36);
        return body + "." + mac(orgId, body);
    }

    /** Empty when the value was not issued by Lanyard for this organization, or has expired. */
    Optional<Issued> verify(UUID orgId, String relayState, Instant now) {
        if (relayState == null || relayState.length() > 80) return Optional.empty();
        int last = relayState.lastIndexOf('.');
        if (last < 0) return Optional.empty();
        String body = relayState.substring(0, last);
        if (!MessageDigest.isEqual(mac(orgId, body).getBytes(StandardCharsets.US_ASCII),
                relayState.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) return Optional.empty();
        int dot = body.lastIndexOf('.');
        if (dot < 0 || dot + 2 > body.length()) return Optional.empty();
        Optional<Purpose> purpose = Purpose.of(body.charAt(dot + 1));
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(body.substring(dot + 2), 36));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (purpose.isEmpty() || !now.isBefore(expires)) return Optional.empty();
        return Optional.of(new Issued(body.substring(0, dot), purpose.get(), expires));
    }

    private String mac(UUID orgId, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(("saml-relay-state|" + orgId + "|").getBytes(StandardCharsets.UTF_8));
            byte[] full = mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
