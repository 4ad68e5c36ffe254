package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The "Audit trail" screen (console/audit.jte): who changed what in the organization, newest
 * first, with the filters as typed, the count of what matches, pages and the export links.
 *
 * @param result     what the list shows, for the role=status line ("42 entries match; the newest 42, newest first.")
 * @param exportCsv  the CSV export of everything the filters match (the JSON one differs only in its suffix)
 */
public record AuditPage(ConsoleSession session, Filter filter, List<Entry> entries, Map<String, String> errors, String result,
                        Optional<String> newestHref, Optional<String> newerHref, Optional<String> olderHref, String exportCsv,
                        String exportJson) {

    /** The area filter's choices: value, label. */
    public static final List<List<String>> AREAS = List.of(List.of("", "Everything"), List.of("provisioning", "User provisioning"),
            List.of("token", "SCIM tokens"), List.of("settings", "Settings"), List.of("saml", "SAML single sign-on"),
            List.of("admin", "Console admins and sign-ins"), List.of("account", "Managed accounts"), List.of("app", "Apps"),
            List.of("organization", "Organization"));

    public AuditPage {
        errors = Map.copyOf(errors);
    }

    public Optional<String> error(String field) {
        return Optional.ofNullable(errors.get(field));
    }

    /** The filter form as sent; {@code from} and {@code until} as typed (UTC). */
    public record Filter(String area, String actor, String from, String until) {
        boolean isDefault() {
            return area.isEmpty() && actor.isEmpty() && from.isEmpty() && until.isEmpty();
        }
    }

    /**
     * One entry as listed: what happened in words ({@code what}), the code ({@code action}), who
     * ({@code actor}, with {@code actorKind}: admin, operator, SCIM token, Lanyard, not signed in),
     * what it was about, and the detail in one line (before → after).
     */
    public record Entry(long id, Instant at, String actor, String actorKind, String what, String action, boolean warning,
                        Optional<String> target, Optional<String> targetHref, String detail) {}
}
