package dev.lanyard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.account.AccountStatus;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.group.Group;
import dev.lanyard.group.GroupEvent;
import dev.lanyard.group.GroupService;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The groups the organization's IdP pushed (Okta Push Groups, Entra group provisioning), in the
 * managed accounts area; read-only, since the IdP owns them:
 *
 * <pre>
 * GET /console/groups?after={id}            groups by name, keyset pages
 * GET /console/groups/{id}?after={scimId}   one group: a page of members (by SCIM id), recent history
 * </pre>
 *
 * A page of members is one primary-key range read, whatever the group's size; the member count
 * is kept on the group row. Another organization's group id is a 404, like one that never existed.
 */
final class GroupsScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/groups";
    private static final int PAGE_SIZE = 50;
    private static final int HISTORY = 50;
    private static final ObjectMapper JSON = JsonBuffers.pooled(new ObjectMapper());

    private final GroupService groups;
    private final ActorNames actors;

    GroupsScreen(GroupService groups, ActorNames actors) {
        this.groups = groups;
        this.actors = actors;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::list);
        routes.get(PATH + "/{id}", Access.CONSOLE_ORGANIZATION, this::detail);
    }

    private void list(Context ctx, ConsoleSession s) {
        Optional<UUID> after = parseId(ctx.queryParam("after"));
        Optional<UUID> before = parseId(ctx.queryParam("before"));
        GroupService.BrowsePage page = groups.browse(s.orgId(), after, before, PAGE_SIZE);
        List<GroupsPage.Row> rows = page.groups().stream()
                .map(g -> new GroupsPage.Row(PATH + "/" + g.id(), g.displayName(), g.externalId().orElse(""), g.memberCount(),
                        g.updatedAt()))
                .toList();
        long start = page.previous().isEmpty() ? 1 : Paging.start(ctx.queryParam("start"));
        Views.render(ctx, 200, "console/groups.jte", new GroupsPage(s, rows,
                page.next().map(id -> PATH + "?after=" + id + "&start=" + (start + PAGE_SIZE)),
                page.previous().map(id -> PATH + "?before=" + id + "&start=" + Math.max(1, start - PAGE_SIZE)),
                page.previous().isPresent() ? Optional.of(PATH) : Optional.empty(),
                Paging.count(page.total(), GroupService.COUNT_CAP, "group", "groups"),
                Paging.range(start, start + rows.size() - 1, page.total(), GroupService.COUNT_CAP)));
    }

    private void detail(Context ctx, ConsoleSession s) {
        UUID orgId = s.orgId();
        Group g = parseId(ctx.pathParam("id")).flatMap(id -> groups.find(orgId, id)).orElseThrow(NotFoundResponse::new);
        Optional<UUID> after = parseId(ctx.queryParam("after"));
        Optional<UUID> before = parseId(ctx.queryParam("before"));
        GroupService.MemberPage members = groups.memberAccounts(orgId, g.id(), after, before, PAGE_SIZE);
        List<GroupsPage.Member> rows = members.members().stream()
                .map(m -> new GroupsPage.Member(AccountsScreen.PATH + "/" + m.accountId(), m.email(),
                        AccountsScreen.label(AccountStatus.fromDb(m.status()))))
                .toList();
        List<GroupEvent> events = groups.history(orgId, g.id(), HISTORY);
        Map<String, String> who = actors.ofText(orgId, events.stream().map(GroupEvent::actor).toList());
        List<GroupsPage.Event> history = new ArrayList<>();
        for (GroupEvent e : events) history.add(new GroupsPage.Event(e.kind(), note(e), e.at(), who.getOrDefault(e.actor(), e.actor())));
        String self = PATH + "/" + g.id();
        long start = members.previous().isEmpty() ? 1 : Paging.start(ctx.queryParam("start"));
        // The member count is kept on the group row: "51–100 of 100,000" costs nothing.
        Views.render(ctx, 200, "console/groups_detail.jte", new GroupsPage.Detail(s, g.displayName(), g.id().toString(),
                g.externalId().orElse(""), g.memberCount(), g.createdAt(), g.updatedAt(), rows,
                members.next().map(id -> self + "?after=" + id + "&start=" + (start + PAGE_SIZE)),
                members.previous().map(id -> self + "?before=" + id + "&start=" + Math.max(1, start - PAGE_SIZE)),
                members.previous().isPresent() ? Optional.of(self) : Optional.empty(),
                Paging.range(start, start + rows.size() - 1, g.memberCount(), Long.MAX_VALUE), history));
    }

    /** The detail of an entry in words: the member's SCIM id, the names of a rename, a reason. */
    private static String note(GroupEvent e) {
        JsonNode d;
        try {
            d = JSON.readTree(e.detailJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            return "";
        }
        if (d.hasNonNull("from") && d.hasNonNull("to")) return "from " + d.get("from").asText() + " to " + d.get("to").asText();
        String member = d.hasNonNull("member") ? "user " + d.get("member").asText() : "";
        String reason = d.hasNonNull("reason") ? d.get("reason").asText() : "";
        return (member + (member.isEmpty() || reason.isEmpty() ? "" : ": ") + reason).strip();
    }

    private static Optional<UUID> parseId(String text) {
        return text == null ? Optional.empty() : dev.lanyard.organization.OrganizationService.parseUuid(text);
    }
}
