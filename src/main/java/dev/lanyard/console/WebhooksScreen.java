package dev.lanyard.console;

import dev.lanyard.domain.DomainException;
import dev.lanyard.http.Access;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.webhook.WebhookDelivery;
import dev.lanyard.webhook.WebhookEndpoint;
import dev.lanyard.webhook.WebhookService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhooks: where the organization's apps receive its directory events (docs/webhooks.md). The
 * admin adds an endpoint for an app (its secret is shown once), pauses, resumes or deletes it,
 * reads its delivery log and sends a delivery again. An endpoint the dispatcher paused after
 * failing continuously is named in a banner here and on the landing page.
 *
 * <pre>
 * GET  /console/webhooks                         endpoints, the add form
 * POST /console/webhooks                         app, url: the new endpoint and its secret, once
 * GET  /console/webhooks/{id}                    the endpoint and its delivery log (?state=, ?before=)
 * POST /console/webhooks/{id}/pause | resume | delete
 * GET  /console/webhooks/{id}/deliveries/{d}     one delivery: attempts, responses, body
 * POST /console/webhooks/{id}/deliveries/{d}/redeliver
 * </pre>
 */
final class WebhooksScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/webhooks";
    private static final int SHOWN_PAYLOAD = 64 * 1024;

    private final WebhookService webhooks;
    private final ClientService apps;

    WebhooksScreen(WebhookService webhooks, ClientService apps) {
        this.webhooks = webhooks;
        this.apps = apps;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, (ctx, s) -> list(ctx, s, 200, Optional.empty(), ""));
        routes.post(PATH, Access.CONSOLE_ORGANIZATION, this::create);
        routes.get(PATH + "/{id}", Access.CONSOLE_ORGANIZATION, this::endpoint);
        routes.post(PATH + "/{id}/pause", Access.CONSOLE_ORGANIZATION, (ctx, s) -> {
            webhooks.pause(s.orgId(), id(ctx), s.actor());
            back(ctx, "paused");
        });
        routes.post(PATH + "/{id}/resume", Access.CONSOLE_ORGANIZATION, (ctx, s) -> {
            webhooks.resume(s.orgId(), id(ctx), s.actor());
            back(ctx, "resumed");
        });
        routes.post(PATH + "/{id}/delete", Access.CONSOLE_ORGANIZATION, (ctx, s) -> {
            webhooks.delete(s.orgId(), id(ctx), s.actor());
            ctx.redirect(PATH + "?done=deleted", HttpStatus.SEE_OTHER);
        });
        routes.get(PATH + "/{id}/deliveries/{delivery}", Access.CONSOLE_ORGANIZATION, this::delivery);
        routes.post(PATH + "/{id}/deliveries/{delivery}/redeliver", Access.CONSOLE_ORGANIZATION, (ctx, s) -> {
            webhooks.redeliver(s.orgId(), id(ctx), uuid(ctx.pathParam("delivery")), s.actor());
            back(ctx, "redeliver");
        });
    }

    private void list(Context ctx, ConsoleSession s, int status, Optional<String> error, String url) {
        Optional<String> notice = Optional.ofNullable(ctx.queryParam("done")).filter("deleted"::equals).map(d -> "The endpoint was deleted.");
        List<WebhooksPage.App> offered = apps.forOrganization(s.orgId()).stream()
                .map(a -> new WebhooksPage.App(a.client().clientId(), a.client().name())).toList();
        Views.render(ctx, status, "console/webhooks.jte", new WebhooksPage(s, webhooks.list(s.orgId()), offered, notice, error, url));
    }

    private void create(Context ctx, ConsoleSession s) {
        String url = Optional.ofNullable(ctx.formParam("url")).orElse("");
        try {
            WebhookService.Created created = webhooks.create(s.orgId(), ctx.formParam("app"), url, s.actor());
            // Rendered by the POST itself: the secret is never put in a URL or kept to show again.
            Views.render(ctx, 201, "console/webhooks_created.jte", new WebhooksPage.Created(s, created.endpoint(), created.secret()));
        } catch (DomainException.Invalid | DomainException.Conflict | DomainException.NotFound e) {
            list(ctx, s, 400, Optional.of(e.getMessage()), url.length() > 2000 ? "" : url);
        }
    }

    private void endpoint(Context ctx, ConsoleSession s) {
        UUID id = id(ctx);
        WebhookEndpoint endpoint = webhooks.get(s.orgId(), id);
        String state = Optional.ofNullable(ctx.queryParam("state")).orElse("");
        Optional<WebhookDelivery.State> filter = switch (state) {
            case "" -> Optional.empty();
            case "pending", "succeeded", "dead" -> Optional.of(WebhookDelivery.State.valueOf(state.toUpperCase(Locale.ROOT)));
            default -> throw new DomainException.Invalid("state must be pending, succeeded or dead");
        };
        Optional<UUID> before = Optional.ofNullable(ctx.queryParam("before")).map(WebhooksScreen::uuid);
        List<WebhookDelivery> page = webhooks.deliveries(s.orgId(), id, filter, before);
        Optional<String> next = page.size() < WebhookService.PAGE ? Optional.empty()
                : Optional.of(PATH + "/" + id + "?state=" + state + "&before=" + page.getLast().id());
        Optional<String> notice = Optional.ofNullable(ctx.queryParam("done")).map(d -> switch (d) {
            case "paused" -> "The endpoint is paused: nothing is sent until you resume it.";
            case "resumed" -> "The endpoint is active again; what waited is being sent, in order.";
            case "redeliver" -> "The delivery is queued and will be sent again in a moment.";
            default -> "";
        }).filter(n -> !n.isEmpty());
        Views.render(ctx, 200, "console/webhooks_endpoint.jte", new WebhooksPage.Endpoint(s, endpoint, page, state, next, notice));
    }

    private void delivery(Context ctx, ConsoleSession s) {
        UUID id = id(ctx);
        WebhookEndpoint endpoint = webhooks.get(s.orgId(), id);
        WebhookService.Detail detail = webhooks.delivery(s.orgId(), id, uuid(ctx.pathParam("delivery")));
        Views.render(ctx, 200, "console/webhooks_delivery.jte", new WebhooksPage.Delivery(s, endpoint, detail, shown(detail.payload())));
    }

    /** The body pretty-printed, format characters escaped (the account's values came from the IdP); a huge one clipped. */
    private static String shown(String payload) {
        if (payload.length() > SHOWN_PAYLOAD) return ShownJson.escapeFormatCharacters(payload.substring(0, SHOWN_PAYLOAD)) + " …";
        try {
            return ShownJson.of(dev.lanyard.http.Json.MAPPER.readTree(payload));
        } catch (java.io.IOException e) {
            return ShownJson.escapeFormatCharacters(payload);
        }
    }

    private static void back(Context ctx, String done) {
        ctx.redirect(PATH + "/" + id(ctx) + "?done=" + done, HttpStatus.SEE_OTHER);
    }

    private static UUID id(Context ctx) {
        return uuid(ctx.pathParam("id"));
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new DomainException.NotFound("no such webhook endpoint or delivery");
        }
    }
}
