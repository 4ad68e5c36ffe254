package dev.lanyard.console;

import java.util.UUID;

/**
 * A signed-in admin, as every console page needs it: who, of which organization, and the CSRF
 * token the page's forms carry. Looked up by the hash of the {@code lanyard_session} cookie.
 */
public record ConsoleSession(UUID adminId, String email, UUID orgId, String orgName, String csrfToken) {}
