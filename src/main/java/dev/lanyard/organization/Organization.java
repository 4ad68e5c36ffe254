package dev.lanyard.organization;

import java.time.Instant;
import java.util.UUID;

/**
 * A customer of Lanyard: holds managed accounts, decides whether its IdP may provision them and
 * what a userName change does to an account.
 */
public record Organization(UUID id, String name, boolean provisioningEnabled, UsernameChangePolicy usernameChangePolicy,
                           Instant createdAt) {
    public static final int MAX_NAME_LENGTH = 100;

    Organization withProvisioningEnabled(boolean enabled) {
        return new Organization(id, name, enabled, usernameChangePolicy, createdAt);
    }

    Organization withUsernameChangePolicy(UsernameChangePolicy policy) {
        return new Organization(id, name, provisioningEnabled, policy, createdAt);
    }
}
