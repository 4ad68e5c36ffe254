package dev.lanyard.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Bearer secrets: 256 random bits with a readable prefix (so a leaked one is recognisable in a
 * secret scanner), stored only as SHA-256. A slow password hash would add nothing: nobody can
 * guess 256 random bits, and the hash is looked up on every SCIM request. The console's session
 * cookies and CSRF tokens are made the same way.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 256 random bits, base64url without padding. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private Secrets() {}

    public static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether a value has the shape {@code generate("")} gives; anything else is not worth looking up. */
    public static boolean wellFormed(String secret) {
        return secret != null && SHAPE.matcher(secret).matches();
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
