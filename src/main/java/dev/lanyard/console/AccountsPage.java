package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The "Managed accounts" screens (console/accounts*.jte): the list, one account, and the
 * confirmation before a manual deletion. Everything is already text for the page; jte escapes it.
 *
 * @param query    the search box (an email prefix), as typed
 * @param status   the status filter's value ("" for all)
 * @param count     how many accounts match the search and filter, in words ("313 accounts")
 * @param range     which of them this page shows ("51–100 of 313"), "" when none
 * @param nextHref  the next page's link, when more accounts follow
 * @param previousHref the previous page's link, when this is a later page
 * @param firstHref the first page's link, when this is a later page
 * @param notice   a message after an action ("The account ... was deleted.")
 */
public record AccountsPage(ConsoleSession session, List<Row> rows, String query, String status, String count, String range,
                           Optional<String> nextHref, Optional<String> previousHref, Optional<String> firstHref,
                           Optional<String> notice) {

    /** One line of the list. */
    public record Row(String href, String email, String name, String status, boolean scim, Instant updatedAt) {}

    /** The status filter's choices: value, label. */
    public static final List<List<String>> STATUSES = List.of(List.of("", "All statuses"), List.of("active", "Active"),
            List.of("deactivated", "Deactivated"), List.of("invalidated", "Invalidated"), List.of("disabled", "Disabled by IdP"));

    /** One account: its SCIM data as pretty JSON, its status and history. */
    public record Detail(ConsoleSession session, String id, String email, String name, String status, boolean scim,
                         String attributesJson, Instant createdAt, Instant updatedAt, Optional<String> successorHref,
                         String successorEmail, boolean deletable, String whyNotDeletable, List<Event> history) {}

    /**
     * One history entry; {@code note} completes the kind ("from a@x.com to b@x.com" after "renamed"),
     * {@code linkHref} points to a related account (the successor, the predecessor).
     */
    public record Event(String kind, String note, Instant at, String actor, Optional<String> linkHref, String linkLabel) {}

    /** A deleted account: when, by whom, what it was, and its history (no personal data is left). */
    public record Deleted(ConsoleSession session, String id, Instant deletedAt, String deletedBy, String previousStatus,
                          List<Event> history) {}

    /** Are you sure? before POST /console/accounts/{id}/delete. */
    public record Confirm(ConsoleSession session, String id, String email, String status, String afterDeletion) {}
}
