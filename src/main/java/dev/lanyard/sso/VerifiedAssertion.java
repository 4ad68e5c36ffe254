package dev.lanyard.sso;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Response that passed every check of {@link ResponseVerifier}: who the IdP says signed in,
 * and what the sign-in service still has to decide with the database (the request it answers,
 * replay, the account).
 *
 * @param email      the NameID, or the configured attribute's single value
 * @param expiresAt  when the assertion stops being usable: how long its ID is remembered
 */
public record VerifiedAssertion(String assertionId, Optional<String> inResponseTo, String nameId, String nameIdFormat,
                                Map<String, List<String>> attributes, String email, Instant expiresAt,
                                String certificateFingerprint) {}
