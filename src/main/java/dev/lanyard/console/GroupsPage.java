package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The "Groups" screens (console/groups*.jte), read-only: the groups the IdP pushed, and one group
 * with a page of its members and its recent history. Everything is already text; jte escapes it.
 *
 * @param nextHref  the next page's link, when more groups follow
 * @param previousHref the previous page's link, when this is a later page
 * @param firstHref the first page's link, when this is a later page
 * @param count     how many groups in all, in words ("12 groups")
 * @param range     which of them this page shows ("51–100 of 120"), "" when none
 */
public record GroupsPage(ConsoleSession session, List<Row> rows, Optional<String> nextHref, Optional<String> previousHref,
                         Optional<String> firstHref, String count, String range) {

    /** One line of the list. */
    public record Row(String href, String name, String externalId, long members, Instant updatedAt) {}

    /** One group: its members (a page of them, by SCIM id) and its newest history entries. */
    public record Detail(ConsoleSession session, String name, String scimId, String externalId, long memberCount,
                         Instant createdAt, Instant updatedAt, List<Member> members, Optional<String> nextHref,
                         Optional<String> previousHref, Optional<String> firstHref, String range, List<Event> history) {}

    /** A member: the account behind the SCIM id. */
    public record Member(String href, String email, String status) {}

    /** One history entry; {@code note} completes the kind (the member's email, the old and new name). */
    public record Event(String kind, String note, Instant at, String actor) {}
}
