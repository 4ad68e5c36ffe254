package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.safeguard.SafeguardService;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * "Held changes" (console/held_changes.jte): the deactivations and deletions the mass-deprovisioning
 * safeguard held, oldest first, with release and reject for each and for all.
 *
 * @param state  the safeguard's settings and whether it has tripped (why, when)
 * @param notice what the last action did ("3 changes released; 1 was not applied ...")
 */
public record HeldChangesPage(ConsoleSession session, SafeguardService.State state, List<Row> rows, Optional<String> nextHref,
                              Optional<String> firstHref, Optional<String> notice) {

    /**
     * One held change.
     *
     * @param action what the IdP asked: "Deactivate" or "Delete (disable and unlink)"
     * @param stale  the IdP changed the user after: a release will not apply it
     */
    public record Row(String id, String email, String accountHref, String action, Instant heldAt, int requests, String sentBy,
                      boolean stale) {}
}
