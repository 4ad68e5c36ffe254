package dev.lanyard.organization;

import java.time.Instant;
import java.util.UUID;

/** A customer of Lanyard: holds managed accounts and decides whether its IdP may provision them. */
public record Organization(UUID id, String name, boolean provisioningEnabled, Instant createdAt) {
    public static final int MAX_NAME_LENGTH = 100;
}
