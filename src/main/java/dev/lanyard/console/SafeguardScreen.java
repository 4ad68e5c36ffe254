package dev.lanyard.console;

import dev.lanyard.domain.Actor;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.safeguard.HeldChange;
import dev.lanyard.safeguard.SafeguardService;
import dev.lanyard.safeguard.SafeguardSettings;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The mass-deprovisioning safeguard in the console (docs/safeguard.md):
 *
 * <pre>
 * GET  /console/provisioning/held                    held changes, oldest first, 50 a page (?after={id})
 * POST /console/provisioning/held/release-all        applies every held change still current, resumes (CSRF)
 * POST /console/provisioning/held/reject-all         discards every held change, resumes (CSRF)
 * POST /console/provisioning/held/{id}/release       applies one (CSRF)
 * POST /console/provisioning/held/{id}/reject        discards one (CSRF)
 * POST /console/settings/safeguard                   the organization's thresholds and off switch (CSRF)
 * </pre>
 *
 * Every action answers 303 to the list with what it did in the query (numbers only), so a reload
 * repeats nothing. The session's organization only: an id of another organization's change does nothing.
 */
final class SafeguardScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/provisioning/held";
    static final String SETTINGS = SettingsScreen.PATH + "/safeguard";
    private static final int PAGE_SIZE = 50;

    private final SafeguardService safeguard;
    private final ActorNames actors;

    SafeguardScreen(SafeguardService safeguard, ActorNames actors) {
        this.safeguard = safeguard;
        this.actors = actors;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::list);
        routes.post(PATH + "/release-all", Access.CONSOLE_ORGANIZATION, (ctx, s) -> done(ctx, safeguard.releaseAll(s.orgId(), s.actor())));
        routes.post(PATH + "/reject-all", Access.CONSOLE_ORGANIZATION, (ctx, s) -> done(ctx, safeguard.rejectAll(s.orgId(), s.actor())));
        routes.post(PATH + "/{id}/release", Access.CONSOLE_ORGANIZATION, this::releaseOne);
        routes.post(PATH + "/{id}/reject", Access.CONSOLE_ORGANIZATION, this::rejectOne);
        routes.post(SETTINGS, Access.CONSOLE_ORGANIZATION, this::saveSettings);
    }

    private void list(Context ctx, ConsoleSession s) {
        Optional<UUID> after = OrganizationService.parseUuid(ctx.queryParam("after"));
        SafeguardService.Page page = safeguard.held(s.orgId(), after, PAGE_SIZE);
        Map<Actor, String> names = actors.of(s.orgId(), page.changes().stream().map(HeldChange::actor).distinct().toList());
        List<HeldChangesPage.Row> rows = page.changes().stream().map(h -> new HeldChangesPage.Row(h.id().toString(), h.email(),
                AccountsScreen.PATH + "/" + h.accountId(),
                h.kind() == HeldChange.Kind.DELETE ? "Delete (disable and unlink)" : "Deactivate",
                h.heldAt(), h.requests(), names.getOrDefault(h.actor(), h.actor().text()), h.stale())).toList();
        Views.render(ctx, 200, "console/held_changes.jte", new HeldChangesPage(s, safeguard.state(s.orgId()), rows,
                page.next().map(id -> PATH + "?after=" + id), after.isPresent() ? Optional.of(PATH) : Optional.empty(),
                notice(ctx)));
    }

    private void releaseOne(Context ctx, ConsoleSession s) {
        Optional<UUID> id = OrganizationService.parseUuid(ctx.pathParam("id"));
        SafeguardService.Outcome outcome = id.isEmpty() ? SafeguardService.Outcome.GONE : safeguard.release(s.orgId(), id.get(), s.actor());
        String result = switch (outcome) {
            case APPLIED -> "applied=1";
            case STALE -> "stale=1";
            case GONE -> "gone=1";
        };
        ctx.redirect(PATH + "?" + result, HttpStatus.SEE_OTHER);
    }

    private void rejectOne(Context ctx, ConsoleSession s) {
        Optional<UUID> id = OrganizationService.parseUuid(ctx.pathParam("id"));
        boolean rejected = id.isPresent() && safeguard.reject(s.orgId(), id.get(), s.actor());
        ctx.redirect(PATH + (rejected ? "?rejected=1" : "?gone=1"), HttpStatus.SEE_OTHER);
    }

    private static void done(Context ctx, SafeguardService.Summary summary) {
        ctx.redirect(PATH + "?applied=" + summary.applied() + "&stale=" + summary.stale() + "&rejected=" + summary.rejected()
                + "&remaining=" + summary.remaining() + "&resumed=" + summary.resumed(), HttpStatus.SEE_OTHER);
    }

    /** What the last action did, from the numbers in the query; empty on a plain visit. */
    static Optional<String> notice(Context ctx) {
        long applied = number(ctx, "applied");
        long stale = number(ctx, "stale");
        long rejected = number(ctx, "rejected");
        long remaining = number(ctx, "remaining");
        List<String> parts = new ArrayList<>();
        if (applied > 0) parts.add(changes(applied) + " released and applied.");
        if (stale > 0) {
            parts.add(changes(stale) + " not applied: your identity provider changed or removed the user after the change "
                    + "was held (for example, reactivated it), so the held change no longer says what the IdP wants. Discarded.");
        }
        if (rejected > 0) parts.add(changes(rejected) + " rejected: the accounts stay as they are.");
        if (ctx.queryParam("gone") != null) parts.add("That change was already released or rejected.");
        if (remaining > 0) parts.add(changes(remaining) + " still held: release or reject again.");
        if ("true".equals(ctx.queryParam("resumed"))) {
            parts.add("The safeguard resumed: deactivations and deletions apply again, counted afresh.");
        }
        if (parts.isEmpty() && ctx.queryParam("applied") != null) parts.add("Nothing was held.");
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", parts));
    }

    private static String changes(long n) {
        return n + (n == 1 ? " change" : " changes");
    }

    private static long number(Context ctx, String name) {
        try {
            return Math.max(0, Long.parseLong(Optional.ofNullable(ctx.queryParam(name)).orElse("0")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The settings card's form: enabled (checkbox), max_percent, max_count, window_minutes. */
    private void saveSettings(Context ctx, ConsoleSession s) {
        SafeguardSettings settings = new SafeguardSettings(ctx.formParam("enabled") != null,
                whole(ctx, "max_percent", "Percent"), whole(ctx, "max_count", "Accounts"),
                Duration.ofMinutes(whole(ctx, "window_minutes", "Window")));
        safeguard.saveSettings(s.orgId(), settings, s.actor());
        ctx.redirect(SettingsScreen.PATH + "?done=saved#safeguard", HttpStatus.SEE_OTHER);
    }

    private static int whole(Context ctx, String field, String label) {
        String v = Optional.ofNullable(ctx.formParam(field)).orElse("").strip();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new dev.lanyard.domain.DomainException.Invalid(label + " must be a whole number");
        }
    }
}
