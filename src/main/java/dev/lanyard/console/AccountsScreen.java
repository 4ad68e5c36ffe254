package dev.lanyard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.AccountStatus;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The organization's managed accounts (docs/product-rules.md rules 7, 9, 10):
 *
 * <pre>
 * GET  /console/accounts?q=ann&amp;status=disabled&amp;after={id}   list by email, keyset pages
 * GET  /console/accounts/{id}                                 SCIM data, status, history
 * GET  /console/accounts/{id}/delete                          confirmation (any account that is not active)
 * POST /console/accounts/{id}/delete                          deletes (CSRF), 303 to the list
 * </pre>
 *
 * Every query carries the session's organization: another organization's account id is a 404,
 * exactly like an id that never existed.
 */
final class AccountsScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/accounts";
    private static final int PAGE_SIZE = 50;
    private static final ObjectMapper JSON = JsonBuffers.pooled(new ObjectMapper());

    private final AccountService accounts;
    private final ActorNames actors;

    AccountsScreen(AccountService accounts, ActorNames actors) {
        this.accounts = accounts;
        this.actors = actors;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::list);
        routes.get(PATH + "/{id}", Access.CONSOLE_ORGANIZATION, this::detail);
        routes.get(PATH + "/{id}/delete", Access.CONSOLE_ORGANIZATION, this::confirm);
        routes.post(PATH + "/{id}/delete", Access.CONSOLE_ORGANIZATION, this::delete);
    }

    private void list(Context ctx, ConsoleSession s) {
        String query = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
        if (query.length() > 254) query = query.substring(0, 254);  // no email is longer
        String statusParam = Optional.ofNullable(ctx.queryParam("status")).orElse("");
        Optional<AccountStatus> status = parseStatus(statusParam);
        Optional<UUID> after = parseId(ctx.queryParam("after"));
        Optional<UUID> before = parseId(ctx.queryParam("before"));
        AccountService.Position at = after.<AccountService.Position>map(AccountService.Position.After::new)
                .or(() -> before.map(AccountService.Position.Before::new)).orElse(new AccountService.Position.First());
        var page = accounts.browse(s.orgId(), status, query, at, PAGE_SIZE);
        List<AccountsPage.Row> rows = page.accounts().stream()
                .map(a -> new AccountsPage.Row(PATH + "/" + a.id(), a.email(), name(a), label(a.status()),
                        isScim(a), a.updatedAt()))
                .toList();
        String filter = "q=" + enc(query) + "&status=" + enc(status.map(AccountStatus::dbValue).orElse(""));
        // Where this page starts, for "51–100 of 313": carried in the links, since a keyset page has no offset.
        long start = at instanceof AccountService.Position.First ? 1 : Math.max(1, parseLong(ctx.queryParam("start")));
        if (page.previous().isEmpty()) start = 1;
        long end = start + rows.size() - 1;
        final long first = start;
        Optional<String> next = page.next().map(id -> PATH + "?" + filter + "&after=" + id + "&start=" + (first + PAGE_SIZE));
        Optional<String> previous = page.previous().map(id -> PATH + "?" + filter + "&before=" + id
                + "&start=" + Math.max(1, first - PAGE_SIZE));
        Optional<String> notice = ctx.queryParam("deleted") != null
                ? Optional.of("The account was deleted. Its history is kept.") : Optional.empty();
        Views.render(ctx, 200, "console/accounts.jte", new AccountsPage(s, rows, query,
                status.map(AccountStatus::dbValue).orElse(""), Paging.count(page.matching(), AccountService.COUNT_CAP, "account", "accounts"),
                Paging.range(start, end, page.matching(), AccountService.COUNT_CAP), next, previous,
                page.previous().isPresent() ? Optional.of(PATH + "?" + filter) : Optional.empty(), notice));
    }

    private static long parseLong(String text) {
        if (text == null || text.isEmpty() || text.length() > 12) return 1;
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void detail(Context ctx, ConsoleSession s) {
        Optional<UUID> accountId = parseId(ctx.pathParam("id"));
        Optional<ManagedAccount> found = accountId.flatMap(i -> accounts.find(s.orgId(), i));
        if (found.isEmpty()) {
            tombstone(ctx, s, accountId.orElseThrow(NotFoundResponse::new));
            return;
        }
        ManagedAccount a = found.get();
        List<AccountsPage.Event> history = history(s, a.id());
        String attributes = ShownJson.of(a.attributes());
        boolean deletable = a.status().isDeletableByHand();
        String why = deletable ? "" : "This account is active, so it cannot be deleted here. Deactivate or unassign "
                + "the user in the identity provider first (deleting a person in Okta deactivates them); an account "
                + "that is not active can then be deleted.";
        Views.render(ctx, 200, "console/accounts_detail.jte", new AccountsPage.Detail(s, a.id().toString(), a.email(),
                name(a), label(a.status()), isScim(a), attributes, a.createdAt(), a.updatedAt(),
                a.successorId().map(id -> PATH + "/" + id), a.successorId().map(id -> emailOf(s, id)).orElse(""), deletable, why, history));
    }

    /**
     * A deleted account's page: its history outlives it (account_events keep no personal data
     * after a deletion), so the successor and predecessor links still lead somewhere and say who
     * deleted it and when. An id that never was an account of this organization stays a 404.
     */
    private void tombstone(Context ctx, ConsoleSession s, UUID accountId) {
        List<AccountEvent> events = accounts.history(s.orgId(), accountId);
        Optional<AccountEvent> deleted = events.stream().filter(e -> e.kind() == AccountEvent.Kind.DELETED).reduce((a, b) -> b);
        if (deleted.isEmpty()) throw new NotFoundResponse();
        List<AccountsPage.Event> history = history(s, events);
        String deletedBy = history.get(events.lastIndexOf(deleted.get())).actor();
        Views.render(ctx, 200, "console/accounts_deleted.jte", new AccountsPage.Deleted(s, accountId.toString(),
                deleted.get().at(), deletedBy, deleted.get().detail().path("previousStatus").asText(""), history));
    }

    private List<AccountsPage.Event> history(ConsoleSession s, UUID accountId) {
        return history(s, accounts.history(s.orgId(), accountId));
    }

    private List<AccountsPage.Event> history(ConsoleSession s, List<AccountEvent> events) {
        Map<Actor, String> who = actors.of(s.orgId(), events.stream().map(AccountEvent::actor).toList());
        Map<String, String> emails = new java.util.HashMap<>();
        List<AccountsPage.Event> history = new ArrayList<>();
        for (AccountEvent e : events) {
            history.add(event(e, who.get(e.actor()), id -> emails.size() < LINKED_NAMES || emails.containsKey(id)
                    ? emails.computeIfAbsent(id, other -> parseId(other).map(u -> emailOf(s, u)).orElse("")) : ""));
        }
        return history;
    }

    /** At most this many other accounts are looked up by name on one page (a history is short; this bounds it anyway). */
    private static final int LINKED_NAMES = 20;

    /** The other account's email, for "replaced by noah.renamed@acme.example"; "" once it was deleted. */
    private String emailOf(ConsoleSession s, UUID accountId) {
        return accounts.find(s.orgId(), accountId).map(ManagedAccount::email).orElse("");
    }

    private void confirm(Context ctx, ConsoleSession s) {
        ManagedAccount a = account(ctx, s);
        if (!a.status().isDeletableByHand()) {
            ctx.redirect(PATH + "/" + a.id(), HttpStatus.SEE_OTHER);  // the detail page says why not
            return;
        }
        Views.render(ctx, 200, "console/accounts_delete.jte", new AccountsPage.Confirm(s, a.id().toString(),
                a.email(), label(a.status()).toLowerCase(Locale.ROOT), afterDeletion(a.status())));
    }

    private void delete(Context ctx, ConsoleSession s) {
        ManagedAccount a = account(ctx, s);
        try {
            accounts.deleteManually(s.orgId(), a.id(), s.actor());
        } catch (DomainException.Conflict e) {
            // Re-linked by the IdP between the confirmation and this POST: show the page that says why.
            ctx.redirect(PATH + "/" + a.id(), HttpStatus.SEE_OTHER);
            return;
        } catch (DomainException.NotFound e) {
            throw new NotFoundResponse();  // deleted meanwhile, e.g. in another tab
        }
        ctx.redirect(PATH + "?deleted=1", HttpStatus.SEE_OTHER);
    }

    private ManagedAccount account(Context ctx, ConsoleSession s) {
        return parseId(ctx.pathParam("id")).flatMap(id -> accounts.find(s.orgId(), id))
                .orElseThrow(NotFoundResponse::new);
    }

    /**
     * One history entry; a username change names the other account by its email, both ways
     * ("replaced by noah.renamed@acme.example", "replaces noah@acme.example"), or says it was deleted.
     */
    private static AccountsPage.Event event(AccountEvent e, String actor, java.util.function.Function<String, String> emailOf) {
        JsonNode detail = e.detail();
        Optional<String> href = Optional.empty();
        String label = "";
        if (detail.hasNonNull("successorId")) {
            String other = detail.get("successorId").asText();
            href = Optional.of(PATH + "/" + other);
            String email = emailOf.apply(other);
            label = email.isEmpty() ? "replaced by a deleted account" : "replaced by " + email;
        } else if (detail.hasNonNull("predecessorId")) {
            String other = detail.get("predecessorId").asText();
            href = Optional.of(PATH + "/" + other);
            String email = emailOf.apply(other);
            label = email.isEmpty() ? "replaces a deleted account" : "replaces " + email;
        }
        // A rename in place keeps one account: the history says which emails it had (gone after a deletion).
        String note = e.kind() == AccountEvent.Kind.RENAMED && detail.hasNonNull("from") && detail.hasNonNull("to")
                ? "from " + detail.get("from").asText() + " to " + detail.get("to").asText() : "";
        return new AccountsPage.Event(e.kind().dbValue(), note, e.at(), actor, href, label);
    }

    /** SCIM name.formatted, else given and family name, else displayName, else nothing. */
    static String name(ManagedAccount a) {
        JsonNode name = a.attributes().path("name");
        if (name instanceof ObjectNode n) {
            if (n.hasNonNull("formatted") && !n.get("formatted").asText().isBlank()) return n.get("formatted").asText();
            String joined = (n.path("givenName").asText("") + " " + n.path("familyName").asText("")).strip();
            if (!joined.isEmpty()) return joined;
        }
        return a.displayName().orElse("");
    }

    /**
     * What the IdP's later requests do once the account is gone, said before the admin confirms.
     * Matches AccountService.deleteManually and what the SCIM adapter answers for a missing id.
     */
    static String afterDeletion(AccountStatus status) {
        return switch (status) {
            case DEACTIVATED -> "The identity provider still holds this user (deactivated). If it later reactivates "
                    + "or updates the user, Lanyard answers that the user does not exist (404) and changes nothing; "
                    + "if it sends the user again as a new user (for example after you assign the person again), "
                    + "Lanyard creates a new account with a new history.";
            case DISABLED -> "The identity provider already deleted this user. If it sends the same username again, "
                    + "Lanyard creates a new account with a new history (instead of re-attaching this one).";
            case INVALIDATED -> "The identity provider changed this user's username; the account that replaced it "
                    + "is not affected.";
            case ACTIVE -> "";
        };
    }

    static String label(AccountStatus status) {
        return switch (status) {
            case ACTIVE -> "Active";
            case DEACTIVATED -> "Deactivated";
            case INVALIDATED -> "Invalidated";
            case DISABLED -> "Disabled by IdP";
        };
    }

    /** Provisioned over SCIM: it has (or had) a SCIM resource. */
    private static boolean isScim(ManagedAccount a) {
        return a.scimCreatedAt() != null;
    }

    private static Optional<AccountStatus> parseStatus(String value) {
        for (AccountStatus s : AccountStatus.values()) if (s.dbValue().equals(value)) return Optional.of(s);
        return Optional.empty();
    }

    private static Optional<UUID> parseId(String value) {
        if (value == null || value.isEmpty()) return Optional.empty();
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
