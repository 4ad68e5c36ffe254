package dev.lanyard.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signatures as the Standard Webhooks specification defines them
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * HMAC-SHA256 (RFC 2104) keyed with the base64-decoded part of a {@code whsec_...} secret, over
 * <pre>{webhook-id}.{webhook-timestamp}.{body}</pre>
 * sent as {@code webhook-signature: v1,<base64 of the MAC>}. A receiver recomputes it and refuses a
 * timestamp more than {@link #TOLERANCE_SECONDS} from its own clock (replays).
 */
public final class WebhookSignature {
    public static final String SECRET_PREFIX = "whsec_";
    /** The replay window a receiver should enforce, in seconds (the specification's suggestion, 5 minutes). */
    public static final long TOLERANCE_SECONDS = 300;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {}

    /** A new secret: {@code whsec_} and 32 random bytes in base64 (the specification allows 24 to 64). */
    static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header's value for this message. */
    public static String sign(String secret, String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(secret, id, timestamp, body));
    }

    /**
     * What a receiver does: one of the header's space-separated {@code v1,} signatures matches
     * (compared in constant time) and the timestamp is within the window of {@code nowSeconds}.
     */
    public static boolean verify(String secret, String id, long timestamp, byte[] body, String header, long nowSeconds) {
        if (header == null || Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false;
        byte[] expected = mac(secret, id, timestamp, body);
        for (String part : header.split(" ")) {
            if (!part.startsWith("v1,")) continue;
            try {
                if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(part.substring(3)))) return true;
            } catch (IllegalArgumentException notBase64) {
                // another signature may still match
            }
        }
        return false;
    }

    private static byte[] mac(String secret, String id, long timestamp, byte[] body) {
        if (!secret.startsWith(SECRET_PREFIX)) throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
