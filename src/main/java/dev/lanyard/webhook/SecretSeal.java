package dev.lanyard.webhook;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Endpoint secrets at rest: AES-256-GCM under the installation secret {@code webhook-secret-seal}
 * (server_secrets), a fresh 96-bit nonce each time, the endpoint id as associated data so a sealed
 * secret copied to another endpoint's row does not open. Lanyard must keep the secret itself (it
 * signs with it), so a hash will not do; sealing keeps it out of a dump of the webhook tables
 * alone, not from someone holding the whole database (the key is in it too), see docs/webhooks.md.
 */
final class SecretSeal {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    SecretSeal(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    byte[] seal(UUID endpoint, String secret) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(endpoint.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is in every JDK", e);
        }
    }

    String open(UUID endpoint, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
            cipher.updateAAD(endpoint.toString().getBytes(StandardCharsets.US_ASCII));
            return new String(cipher.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret of webhook endpoint " + endpoint + " cannot be opened (another installation's key?)", e);
        }
    }
}
