package dev.lanyard.orgadmin;

import dev.lanyard.domain.Workers;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Console admin passwords. Hashed with bcrypt by spring-security-crypto's
 * {@link BCryptPasswordEncoder} (a maintained implementation; the hash string carries its salt
 * and cost, so the cost can rise later and old hashes still verify). Cost 12 takes about a
 * quarter of a second per check: cheap for a person signing in, slow for a stolen-table attack.
 */
public final class Passwords {
    static final int COST = 12;
    /** bcrypt reads only the first 72 bytes of a password; a longer one is refused, not truncated. */
    public static final int MAX_BYTES = 72;

    // Letters and digits without the look-alikes 0 O 1 l I: the password is read off a screen once.
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int GROUPS = 4;
    private static final int GROUP_LENGTH = 5;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(COST, RANDOM);
    /** Checked when there is no admin to check against, so an unknown email costs the same time. */
    private static final String DECOY_HASH = BCRYPT.encode(generate());

    /**
     * Every bcrypt runs here, never on a request thread (domain.Workers says why): half the cores
     * (at least one), and at most {@value #QUEUE} waiting; beyond that a sign-in is refused with
     * 503 and Retry-After at once. So password checks take at most half the CPU, and SCIM, health
     * checks and pages never wait behind them (docs/security.md).
     */
    static final int QUEUE = 8;
    private static final Workers WORKERS = new Workers("bcrypt", Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
            QUEUE, "password checks");

    private Passwords() {}

    static String hash(String password) {
        if (!fits(password)) throw new IllegalArgumentException("a password has at most " + MAX_BYTES + " bytes");
        return WORKERS.run(() -> BCRYPT.encode(password));
    }

    static boolean matches(String password, String hash) {
        if (!fits(password)) {
            spendTheTime();
            return false;
        }
        return WORKERS.run(() -> BCRYPT.matches(password, hash));
    }

    /** As long as {@link #matches} takes, for a sign-in whose organization or email is unknown. */
    static void spendTheTime() {
        WORKERS.run(() -> BCRYPT.matches("not a password", DECOY_HASH));
    }

    /**
     * A one-time password: four groups of five characters, {@code xxxxx-xxxxx-xxxxx-xxxxx}, about
     * 117 random bits; easy to copy, impossible to guess.
     */
    static String generate() {
        StringBuilder out = new StringBuilder(GROUPS * (GROUP_LENGTH + 1));
        for (int g = 0; g < GROUPS; g++) {
            if (g > 0) out.append('-');
            for (int i = 0; i < GROUP_LENGTH; i++) out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    private static boolean fits(String password) {
        return password != null && !password.isEmpty() && password.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }
}
