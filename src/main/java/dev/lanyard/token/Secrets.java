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

    /**
     * A SHA-256 digest to copy for each hash: looking the algorithm up among the security
     * providers on every call was about 2 % of the server's CPU for a SCIM lookup, which hashes the
     * bearer token each time (issue 16). A copy starts from the empty state, as a new one does.
     */
    private static final MessageDigest SHA_256 = sha256();

    public static byte[] hash(String secret) {
        MessageDigest sha;
        try {
            sha = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            sha = sha256();
        }
        return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
