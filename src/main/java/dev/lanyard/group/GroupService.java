package dev.lanyard.group;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.account.Precondition;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.storage.SqlFilter;
import dev.lanyard.storage.Transactions;
import dev.lanyard.storage.UniqueViolation;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Groups of an organization and their members (docs/groups.md). Each public method is one
 * transaction.
 *
 * <ul>
 *   <li>displayName is unique per organization in any letter case; a unique index decides races
 *       (409 uniqueness).</li>
 *   <li>Members are users the organization's IdP manages, named by their SCIM id; any other value
 *       refuses the whole request (400 invalidValue) before anything changes. Groups are not
 *       members (no nesting).</li>
 *   <li>A membership change writes only the rows that change: adding a member who is there, or
 *       removing one who is not, is a no-op; a full replace deletes the leavers and inserts the
 *       joiners. Changes to one group run one at a time (the group row is locked), so two
 *       concurrent PATCHes adding different members both land.</li>
 *   <li>Every change bumps the version (the ETag) and is recorded in group_events, one row per
 *       member added or removed.</li>
 * </ul>
 */
public final class GroupService {
    /** Members named in one request (a POST, PUT or PATCH): what a 1 MiB body can carry, with room. */
    public static final int MAX_MEMBERS_PER_REQUEST = 20_000;

    private final Transactions tx;
    private final GroupStore store = new GroupStore();

    public GroupService(Transactions tx) {
        this.tx = tx;
    }

    /** A group as a POST or PUT body gives it. */
    public record Definition(String displayName, Optional<String> externalId, List<UUID> members) {}

    /** One user's membership: the group's id and name, for the User's {@code groups} attribute. */
    public record Membership(UUID memberId, UUID groupId, String displayName) {}

    public record SearchPage(long totalResults, List<Group> groups, Optional<AccountQuery.Position> next) {}

    /** POST /Groups. */
    public Group create(UUID orgId, Definition d, String actor) {
        checkSize(d.members());
        try {
            return tx.inTransaction(c -> {
        Instant now = now();
                requireUsers(c, orgId, d.members());
                var group = new Group(UUID.randomUUID(), orgId, d.displayName(), d.externalId(), 0, 1, now, now);
                store.insert(c, group);
                List<UUID> added = store.addMembers(c, group.id(), d.members(), now);
                Group created = withCount(group, added.size());
                store.update(c, created);
                // The history after the group's last write: the apps' events (V82) show the group as it is now.
                store.event(c, orgId, group.id(), "created", Map.of("displayName", d.displayName()), actor, now);
                store.memberEvents(c, orgId, group.id(), "member_added", added, actor, now);
                return created;
            });
        } catch (UniqueViolation e) {
            throw duplicate(d.displayName());
        }
    }

    public Optional<Group> find(UUID orgId, UUID id) {
        return tx.read(c -> store.find(c, orgId, id));
    }

    /** PUT /Groups/{id}: the name, externalId and members become the body's, members by delta. */
    public Group replace(UUID orgId, UUID id, Precondition condition, Definition d, String actor) {
        return change(orgId, id, condition, List.of(new GroupChange.Rename(d.displayName()),
                new GroupChange.SetExternalId(d.externalId()), new GroupChange.ReplaceMembers(d.members())), actor);
    }

    /**
     * PATCH /Groups/{id}: the changes in order, all or none. Everything that can be worked out
     * without the group is, before its row is locked: member lists without repeats and within the
     * size limit, {@code members[...]} filters as SQL (a bad one is 400 without waiting for the
     * lock), the Users named for adding checked to exist (and locked {@code for key share} against a
     * concurrent DELETE /Users, which other groups' writers share). Only then is the group row
     * locked, and under that lock runs the apply alone: the version check, the membership deltas,
     * their events and the new count. Other groups and organizations never wait on it.
     */
    public Group change(UUID orgId, UUID id, Precondition condition, List<GroupChange> changes, String actor) {
        List<Planned> plan = plan(changes);
        Set<UUID> named = new LinkedHashSet<>();
        for (Planned p : plan) {
            switch (p.change()) {
                case GroupChange.AddMembers a -> named.addAll(a.members());
                case GroupChange.ReplaceMembers r -> named.addAll(r.members());
                default -> { }
            }
        }
        checkSize(named);
        try {
            return tx.inTransaction(c -> {
                requireUsers(c, orgId, named);
                Group current = store.lock(c, orgId, id).orElseThrow(() -> notFound(id));
                return apply(c, current, condition, plan, actor);
            });
        } catch (UniqueViolation e) {
            throw new DomainException.Conflict("another group in this organization already has this displayName "
                    + "(displayName is unique, in any letter case)");
        }
    }

    /** A change ready to apply: member lists without repeats, a {@code members[...]} filter already SQL. */
    private record Planned(GroupChange change, Optional<SqlFilter.Where> where) {}

    /** Computed before any lock; throws 400 for what no group state could make valid. */
    private static List<Planned> plan(List<GroupChange> changes) {
        List<Planned> out = new ArrayList<>(changes.size());
        for (GroupChange ch : changes) {
            out.add(switch (ch) {
                case GroupChange.AddMembers a -> new Planned(new GroupChange.AddMembers(distinct(a.members())), Optional.empty());
                case GroupChange.RemoveMembers r -> new Planned(new GroupChange.RemoveMembers(distinct(r.members())), Optional.empty());
                case GroupChange.ReplaceMembers r -> new Planned(new GroupChange.ReplaceMembers(distinct(r.members())),
                        Optional.empty());
                case GroupChange.RemoveMembersWhere w -> new Planned(w, Optional.of(memberWhere(w.filter())));
                default -> new Planned(ch, Optional.empty());
            });
            if (out.getLast().change() instanceof GroupChange.RemoveMembers r) checkSize(r.members());
        }
        return out;
    }

    private static List<UUID> distinct(List<UUID> ids) {
        List<UUID> out = List.copyOf(new LinkedHashSet<>(ids));
        checkSize(out);
        return out;
    }

    /** The apply, under the group's row lock: deltas only, each statement touching the rows that change. */
    private Group apply(Connection c, Group current, Precondition condition, List<Planned> plan, String actor) throws SQLException {
        UUID id = current.id();
        UUID orgId = current.orgId();
        check(condition, current.version());
        Instant now = now();
        Group g = current;
        long joined = 0;
        long left = 0;
        boolean changed = false;
        // Written after the group's row, so the apps' events (V82) show the group as this change leaves it.
        List<History> history = new ArrayList<>();
        for (Planned p : plan) {
            switch (p.change()) {
                case GroupChange.Rename r -> {
                    if (!r.displayName().equals(g.displayName())) {
                        String from = g.displayName();
                        history.add(cx -> store.event(cx, orgId, id, "renamed", Map.of("from", from, "to", r.displayName()), actor, now));
                        g = new Group(id, orgId, r.displayName(), g.externalId(), 0, g.version(), g.createdAt(), now);
                        changed = true;
                    }
                }
                case GroupChange.SetExternalId e -> {
                    if (!e.externalId().equals(g.externalId())) {
                        history.add(cx -> store.event(cx, orgId, id, "updated", Map.of("externalId", e.externalId().orElse("")), actor, now));
                        g = new Group(id, orgId, g.displayName(), e.externalId(), 0, g.version(), g.createdAt(), now);
                        changed = true;
                    }
                }
                case GroupChange.AddMembers a -> joined += added(history, orgId, id, store.addMembers(c, id, a.members(), now), actor, now);
                case GroupChange.RemoveMembers r -> left += removed(history, orgId, id, store.removeMembers(c, id, r.members()), actor, now);
                case GroupChange.RemoveMembersWhere w -> left += removed(history, orgId, id,
                        store.removeMembersWhere(c, id, p.where().orElseThrow()), actor, now);
                case GroupChange.ReplaceMembers r -> {
                    left += removed(history, orgId, id, store.removeMembersExcept(c, id, r.members()), actor, now);
                    joined += added(history, orgId, id, store.addMembers(c, id, r.members(), now), actor, now);
                }
                case GroupChange.RemoveAllMembers x -> left += removed(history, orgId, id,
                        store.removeMembersExcept(c, id, List.of()), actor, now);
            }
        }
        // Nothing changed (Okta's rename push with the same name, a member added twice):
        // no write, no new version.
        if (!changed && joined == 0 && left == 0) {
            return current;
        }
        Group updated = new Group(id, orgId, g.displayName(), g.externalId(),
                current.memberCount() + joined - left, current.version() + 1,
                current.createdAt(), now);
        store.update(c, updated);
        for (History h : history) h.write(c);
        return updated;
    }

    /** DELETE /Groups/{id}: the group and its memberships go; its history stays. */
    public void delete(UUID orgId, UUID id, Precondition condition, String actor) {
        tx.inTransaction(c -> {
            Group current = store.lock(c, orgId, id).orElseThrow(() -> notFound(id));
            check(condition, current.version());
            store.delete(c, id);
            store.event(c, orgId, id, "deleted", Map.of("displayName", current.displayName(),
                    "memberCount", current.memberCount(), "version", current.version() + 1), actor, now());
            return null;
        });
    }

    /** Whether Groups can be sorted by this sortBy path (RFC 7644 §3.4.2.3). */
    public static boolean canSortBy(String path) {
        return GroupColumns.sortKey(path.strip().toLowerCase(java.util.Locale.ROOT)).isPresent();
    }

    private static final String SORT_EXAMPLES = "displayName, externalId, id, meta.created or meta.lastModified";

    /**
     * GET /Groups: the groups matching a parsed SCIM filter, sorted by the {@code sortBy} path
     * (RFC 7644 §3.4.2.3; checked here against what groups can be sorted by), {@code window} of
     * them. The count and the page are read in one read-only snapshot, so they agree.
     */
    public SearchPage search(UUID orgId, Optional<Filter> filter, Optional<String> sortBy, boolean descending,
                             AccountQuery.Window window) throws BadRequestException {
        Optional<SqlFilter.Where> where = filter.isEmpty() ? Optional.empty()
                : Optional.of(SqlFilter.translate(filter.get(), GroupColumns.INSTANCE, ScimJson.GROUP_SCHEMA, GroupColumns.SUPPORTED));
        AccountQuery.Sort sort = descending ? new AccountQuery.Sort(AccountQuery.SortKey.SEQ, true) : AccountQuery.Sort.DEFAULT;
        if (sortBy.isPresent()) {
            String path = sortBy.get().strip();
            AccountQuery.SortKey key = GroupColumns.sortKey(path.toLowerCase(java.util.Locale.ROOT)).orElseThrow(() ->
                    BadRequestException.invalidValue("cannot sort by \"" + path + "\": sortBy takes a singular attribute such as "
                            + SORT_EXAMPLES));
            sort = new AccountQuery.Sort(key, descending);
        }
        var query = new AccountQuery(where, sort, window);
        return tx.readSnapshot(c -> {
            long total = store.count(c, orgId, where);
            int count = window.count();
            if (count == 0 || (window instanceof AccountQuery.Index(int offset, int n) && offset >= total)) {
                return new SearchPage(total, List.of(), Optional.empty());
            }
            List<GroupStore.Keyed> rows = store.search(c, orgId, query);
            Optional<AccountQuery.Position> next = Optional.empty();
            if (window instanceof AccountQuery.After && rows.size() > count) {
                rows = rows.subList(0, count);
                next = Optional.of(rows.getLast().position());
            }
            return new SearchPage(total, rows.stream().map(GroupStore.Keyed::group).toList(), next);
        });
    }

    /**
     * Up to {@code limit} member ids of a group after {@code after}, in id order: a GET that
     * returns members reads them in such chunks, each a short query, and streams them out.
     */
    public List<UUID> members(UUID groupId, Optional<UUID> after, int limit) {
        return tx.read(c -> store.members(c, groupId, after, limit));
    }

    /**
     * SQL that brings each account's groups along with a page of accounts (the {@code beside} of
     * AccountService.searchLinked); {@link #memberships} reads its value.
     */
    public static final String GROUPS_BESIDE_ACCOUNTS = GroupStore.GROUPS_JSON_OF_ACCOUNT;

    /** The groups of a user from {@link #GROUPS_BESIDE_ACCOUNTS}'s value for it. */
    public static List<Membership> memberships(UUID scimId, String besideValue) {
        List<Membership> out = new ArrayList<>();
        try {
            for (var pair : BESIDE_READER.readTree(besideValue)) {
                out.add(new Membership(scimId, UUID.fromString(pair.get(0).asText()), pair.get(1).asText()));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("groups of " + scimId + " not readable", e);
        }
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectReader BESIDE_READER = JsonBuffers.pooled(new com.fasterxml.jackson.databind.ObjectMapper()).reader();

    /** The groups of each of these users (SCIM ids), by user; one query. */
    public Map<UUID, List<Membership>> groupsOf(UUID orgId, Collection<UUID> scimIds) {
        Map<UUID, List<Membership>> out = new LinkedHashMap<>();
        for (Membership m : tx.read(c -> store.groupsOf(c, orgId, scimIds))) {
            out.computeIfAbsent(m.memberId(), k -> new ArrayList<>()).add(m);
        }
        return out;
    }

    /** A console page of groups by name; {@code next} is the last group's id when more follow. */
    /**
     * A console page of groups: {@code next} the last one's id when more follow, {@code previous}
     * the first one's when groups come before it, {@code total} how many the organization has
     * (at most {@link #COUNT_CAP} + 1: then "more than").
     */
    public record BrowsePage(List<Group> groups, Optional<UUID> next, Optional<UUID> previous, long total) {}

    /** Counts above this are shown as "more than 10,000". */
    public static final int COUNT_CAP = 10_000;

    /** Groups by name from the start, after {@code after} (Next) or before {@code before} (Previous); keyset both ways. */
    public BrowsePage browse(UUID orgId, Optional<UUID> after, Optional<UUID> before, int limit) {
        return tx.readSnapshot(c -> {
            long total = store.countUpTo(c, orgId, COUNT_CAP + 1);
            if (before.isPresent() && after.isEmpty()) {
                List<Group> back = store.browseBefore(c, orgId, before.get(), limit + 1);
                List<Group> rows = new java.util.ArrayList<>(back.subList(0, Math.min(limit, back.size())));
                java.util.Collections.reverse(rows);
                return new BrowsePage(rows, rows.isEmpty() ? Optional.empty() : Optional.of(rows.getLast().id()),
                        back.size() > limit ? Optional.of(rows.getFirst().id()) : Optional.empty(), total);
            }
            List<Group> rows = store.browse(c, orgId, after, limit + 1);
            Optional<UUID> previous = after.isPresent() && !rows.isEmpty() ? Optional.of(rows.getFirst().id()) : Optional.empty();
            if (rows.size() <= limit) return new BrowsePage(rows, Optional.empty(), previous, total);
            rows = rows.subList(0, limit);
            return new BrowsePage(rows, Optional.of(rows.getLast().id()), previous, total);
        });
    }

    /** A member as the console shows it: the account behind the SCIM id. */
    public record Member(UUID scimId, UUID accountId, String email, String status) {}

    /** A console page of a group's members (by SCIM id order): the last one's SCIM id for Next, the first one's for Previous. */
    public record MemberPage(List<Member> members, Optional<UUID> next, Optional<UUID> previous) {}

    public MemberPage memberAccounts(UUID orgId, UUID groupId, Optional<UUID> after, Optional<UUID> before, int limit) {
        if (before.isPresent() && after.isEmpty()) {
            List<Member> back = tx.read(c -> store.memberAccountsBefore(c, orgId, groupId, before.get(), limit + 1)).stream()
                    .map(r -> new Member(r.scimId(), r.accountId(), r.email(), r.status())).toList();
            List<Member> rows = new java.util.ArrayList<>(back.subList(0, Math.min(limit, back.size())));
            java.util.Collections.reverse(rows);
            return new MemberPage(rows, rows.isEmpty() ? Optional.empty() : Optional.of(rows.getLast().scimId()),
                    back.size() > limit ? Optional.of(rows.getFirst().scimId()) : Optional.empty());
        }
        List<Member> rows = tx.read(c -> store.memberAccounts(c, orgId, groupId, after, limit + 1)).stream()
                .map(r -> new Member(r.scimId(), r.accountId(), r.email(), r.status())).toList();
        Optional<UUID> previous = after.isPresent() && !rows.isEmpty() ? Optional.of(rows.getFirst().scimId()) : Optional.empty();
        if (rows.size() <= limit) return new MemberPage(rows, Optional.empty(), previous);
        rows = rows.subList(0, limit);
        return new MemberPage(rows, Optional.of(rows.getLast().scimId()), previous);
    }

    /** The newest {@code limit} entries of a group's history, newest first. */
    public List<GroupEvent> history(UUID orgId, UUID groupId, int limit) {
        return tx.read(c -> store.events(c, orgId, groupId, limit));
    }

    /** A group_events write held until the group's row has its new state. */
    @FunctionalInterface
    private interface History {
        void write(Connection c) throws SQLException;
    }

    private int added(List<History> history, UUID orgId, UUID id, List<UUID> added, String actor, Instant now) {
        history.add(c -> store.memberEvents(c, orgId, id, "member_added", added, actor, now));
        return added.size();
    }

    private int removed(List<History> history, UUID orgId, UUID id, List<UUID> removed, String actor, Instant now) {
        history.add(c -> store.memberEvents(c, orgId, id, "member_removed", removed, actor, now));
        return removed.size();
    }

    /** Refuses the request unless every id names a user the organization's IdP manages. */
    private void requireUsers(Connection c, UUID orgId, Collection<UUID> members) throws SQLException {
        Set<UUID> found = store.lockUsers(c, orgId, members);
        if (found.size() == new LinkedHashSet<>(members).size()) return;
        List<String> missing = members.stream().filter(m -> !found.contains(m)).distinct().limit(5).map(UUID::toString).toList();
        throw new DomainException.Invalid("members must be users of this organization (members[].value is a User id from "
                + "/Users); no such user: " + String.join(", ", missing) + (missing.size() == 5 ? ", ..." : "")
                + ". Nothing was changed");
    }

    private static SqlFilter.Where memberWhere(Filter filter) {
        try {
            return SqlFilter.translate(filter, GroupColumns.MEMBER, ScimJson.GROUP_SCHEMA, GroupColumns.MEMBER_SUPPORTED);
        } catch (BadRequestException e) {
            throw new DomainException.Invalid("the members filter cannot be used: " + e.getMessage());
        }
    }

    private static void checkSize(Collection<UUID> members) {
        if (members.size() > MAX_MEMBERS_PER_REQUEST) {
            throw new DomainException.Invalid("a request may name at most " + MAX_MEMBERS_PER_REQUEST
                    + " members; send the change in several PATCH requests");
        }
    }

    private static void check(Precondition p, long current) {
        if (!p.ifMatch().isEmpty() && !p.ifMatch().contains(current)) {
            throw new DomainException.Stale("the group was changed since version " + p.ifMatch() + " (now " + current
                    + "); read it again and retry");
        }
        if (p.ifNoneMatchAny() || p.ifNoneMatch().contains(current)) {
            throw new DomainException.Stale("If-None-Match names the current version " + current + "; the change was not made");
        }
    }

    private static Group withCount(Group g, long count) {
        return new Group(g.id(), g.orgId(), g.displayName(), g.externalId(), count, g.version(), g.createdAt(), g.updatedAt());
    }

    private static DomainException.NotFound notFound(UUID id) {
        return new DomainException.NotFound("no group " + id + " in this organization");
    }

    private static DomainException.Conflict duplicate(String displayName) {
        return new DomainException.Conflict("a group with displayName \"" + displayName + "\" already exists in this "
                + "organization (displayName is unique, in any letter case)");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
