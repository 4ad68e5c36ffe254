package dev.lanyard.oidc;

import com.nimbusds.oauth2.sdk.util.URLUtils;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An authorization request waiting for the member to sign in at their IdP, held by the browser in
 * a cookie so starting a sign-in writes nothing on the server:
 *
 * <pre>{base64url(the request's parameters, form-encoded)}.{issued, epoch seconds}.{HMAC-SHA256, base64url}</pre>
 *
 * The MAC (an installation key) means the browser can carry it but not forge or alter it. After
 * the sign-in the request runs again from these parameters, so it is checked exactly as the
 * first time, and only a sign-in newer than {@code issued} satisfies it (no loop, and
 * {@code prompt=login} gets a fresh sign-in).
 */
final class Continuation {
    static final String COOKIE = "lanyard_oidc_request";
    static final Duration LIFETIME = Duration.ofMinutes(15);
    /** Browsers keep cookies up to 4096 bytes; an authorization request longer than this is refused. */
    static final int MAX_LENGTH = 3500;

    record Pending(Map<String, List<String>> params, Instant issued) {}

    private final byte[] key;

    Continuation(byte[] key) {
        this.key = key.clone();
    }

    /** Empty when the parameters are too long to carry. */
    Optional<String> issue(Map<String, List<String>> params, Instant now) {
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(URLUtils.serializeParameters(params).getBytes(StandardCharsets.UTF_8))
                + "." + now.getEpochSecond();
        String value = body + "." + mac(body);
        return value.length() > MAX_LENGTH ? Optional.empty() : Optional.of(value);
    }

    Optional<Pending> read(String value, Instant now) {
        if (value == null || value.length() > MAX_LENGTH) return Optional.empty();
        int last = value.lastIndexOf('.');
        if (last < 0) return Optional.empty();
        String body = value.substring(0, last);
        if (!MessageDigest.isEqual(mac(body).getBytes(StandardCharsets.US_ASCII), value.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        int dot = body.indexOf('.');
        try {
            Instant issued = Instant.ofEpochSecond(Long.parseLong(body.substring(dot + 1)));
            if (now.isAfter(issued.plus(LIFETIME))) return Optional.empty();
            String query = new String(Base64.getUrlDecoder().decode(body.substring(0, dot)), StandardCharsets.UTF_8);
            return Optional.of(new Pending(URLUtils.parseParameters(query), issued));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(("oidc-continuation|" + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
