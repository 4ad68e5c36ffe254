package dev.lanyard.sso;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One SAML sign-in attempt of an organization, as the sign-in log shows it.
 *
 * @param flow    sp-initiated, idp-initiated, test or console
 * @param reason  "ok" or a {@link Refusal.Reason} code
 */
public record SignInLogEntry(long id, UUID orgId, Instant at, String flow, boolean success, String reason, String detail,
                             Optional<String> hint, Optional<String> nameId, Optional<UUID> accountId,
                             Map<String, List<String>> attributes) {}
