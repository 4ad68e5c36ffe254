package dev.lanyard.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.webhook.WebhookDelivery;
import dev.lanyard.webhook.WebhookEndpoint;
import dev.lanyard.webhook.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.lanyard.operator.OperatorRoutes.body;
import static dev.lanyard.operator.OperatorRoutes.ok;
import static dev.lanyard.operator.OperatorRoutes.uuid;

/**
 * The operator's API for webhook endpoints (docs/webhooks.md), under the operator bearer token
 * that {@link OperatorRoutes} checks for every path below /admin/api. {org} is an organization's
 * id or name; {app} in a body is an app's id or client id.
 *
 * <pre>
 * POST   /admin/api/orgs/{org}/webhooks                      {"app", "url"}: 201 with the endpoint and its secret (shown once)
 * GET    /admin/api/orgs/{org}/webhooks                      never a secret
 * GET    /admin/api/orgs/{org}/webhooks/{id}
 * PATCH  /admin/api/orgs/{org}/webhooks/{id}                 {"url"} and/or {"paused": true|false}
 * DELETE /admin/api/orgs/{org}/webhooks/{id}
 * POST   /admin/api/orgs/{org}/webhooks/{id}/secret          a new secret replaces the old one (shown once)
 * GET    /admin/api/orgs/{org}/webhooks/{id}/deliveries      ?state=pending|succeeded|dead&before={delivery id}, 50 newest first
 * GET    /admin/api/orgs/{org}/webhooks/{id}/deliveries/{d}  one delivery: attempts and payload
 * POST   /admin/api/orgs/{org}/webhooks/{id}/deliveries/{d}/redeliver
 * </pre>
 */
public final class WebhookRoutes {
    private static final String PATH = OperatorRoutes.PREFIX + "/orgs/{org}/webhooks";

    private final WebhookService webhooks;
    private final OrganizationService organizations;

    public WebhookRoutes(WebhookService webhooks, OrganizationService organizations) {
        this.webhooks = webhooks;
        this.organizations = organizations;
    }

    public void register(RoutesConfig routes) {
        routes.post(PATH, this::create);
        routes.get(PATH, ctx -> ok(ctx, Map.of("webhooks", webhooks.list(orgId(ctx)).stream().map(WebhookRoutes::endpoint).toList())));
        routes.get(PATH + "/{id}", ctx -> ok(ctx, endpoint(webhooks.get(orgId(ctx), id(ctx)))));
        routes.patch(PATH + "/{id}", this::change);
        routes.delete(PATH + "/{id}", ctx -> {
            webhooks.delete(orgId(ctx), id(ctx), Actor.OPERATOR);
            ctx.status(204);
        });
        routes.post(PATH + "/{id}/secret", ctx -> ok(ctx, 201, Map.of("secret", webhooks.rotateSecret(orgId(ctx), id(ctx), Actor.OPERATOR))));
        routes.get(PATH + "/{id}/deliveries", ctx -> {
            Optional<WebhookDelivery.State> state = Optional.ofNullable(ctx.queryParam("state")).map(WebhookRoutes::state);
            Optional<UUID> before = Optional.ofNullable(ctx.queryParam("before")).map(b -> uuid(b, "delivery"));
            ok(ctx, Map.of("deliveries", webhooks.deliveries(orgId(ctx), id(ctx), state, before).stream().map(WebhookRoutes::delivery).toList()));
        });
        routes.get(PATH + "/{id}/deliveries/{delivery}", ctx -> {
            WebhookService.Detail d = webhooks.delivery(orgId(ctx), id(ctx), uuid(ctx.pathParam("delivery"), "delivery"));
            Map<String, Object> m = delivery(d.delivery());
            m.put("payload", d.payload());
            m.put("attempts", d.attempts().stream().map(a -> {
                Map<String, Object> at = new LinkedHashMap<>();
                at.put("attempt", a.attempt());
                at.put("at", a.at());
                at.put("status", a.status().orElse(null));
                at.put("latencyMs", a.latencyMs());
                at.put("error", a.error().orElse(null));
                at.put("responseExcerpt", a.responseExcerpt().orElse(null));
                return at;
            }).toList());
            ok(ctx, m);
        });
        routes.post(PATH + "/{id}/deliveries/{delivery}/redeliver", ctx ->
                ok(ctx, delivery(webhooks.redeliver(orgId(ctx), id(ctx), uuid(ctx.pathParam("delivery"), "delivery"), Actor.OPERATOR))));
    }

    private void create(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        WebhookService.Created created = webhooks.create(orgId(ctx), string(body, "app"), string(body, "url"), Actor.OPERATOR);
        Map<String, Object> m = endpoint(created.endpoint());
        m.put("secret", created.secret());
        ok(ctx, 201, m);
    }

    private void change(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        UUID org = orgId(ctx);
        UUID id = id(ctx);
        JsonNode paused = body.path("paused");
        if (!paused.isMissingNode() && !paused.isBoolean()) throw new DomainException.Invalid("paused must be true or false");
        if (body.has("url")) webhooks.changeUrl(org, id, string(body, "url"), Actor.OPERATOR);
        if (paused.isBoolean()) {
            if (paused.asBoolean()) webhooks.pause(org, id, Actor.OPERATOR);
            else webhooks.resume(org, id, Actor.OPERATOR);
        }
        ok(ctx, endpoint(webhooks.get(org, id)));
    }

    private UUID orgId(Context ctx) {
        return organizations.get(ctx.pathParam("org")).id();
    }

    private static UUID id(Context ctx) {
        return uuid(ctx.pathParam("id"), "webhook endpoint");
    }

    private static String string(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new DomainException.Invalid(field + " must be a string");
        return v.asText();
    }

    private static WebhookDelivery.State state(String s) {
        try {
            return WebhookDelivery.State.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DomainException.Invalid("state must be pending, succeeded or dead");
        }
    }

    private static Map<String, Object> endpoint(WebhookEndpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("app", Map.of("id", e.appId(), "clientId", e.appClientId(), "name", e.appName()));
        m.put("url", e.url());
        m.put("secretEndsWith", e.secretHint());
        m.put("status", e.paused() ? "paused" : "active");
        m.put("held", e.held());  // the app may not read the organization now: nothing is sent until it may again
        m.put("pauseReason", e.pauseReason().orElse(null));
        m.put("pausedAt", e.pausedAt().orElse(null));
        m.put("consecutiveFailures", e.consecutiveFailures());
        m.put("failingSince", e.failingSince().orElse(null));
        m.put("lastSuccessAt", e.lastSuccessAt().orElse(null));
        m.put("lastFailureAt", e.lastFailureAt().orElse(null));
        m.put("createdBy", e.createdBy());
        m.put("createdAt", e.createdAt());
        return m;
    }

    private static Map<String, Object> delivery(WebhookDelivery d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("eventId", d.eventId());
        m.put("eventType", d.eventType());
        m.put("state", d.state().name().toLowerCase(Locale.ROOT));
        m.put("inFlight", d.inFlight());
        m.put("ordered", d.ordered());
        m.put("attempts", d.attempts());
        m.put("nextAttemptAt", d.state() == WebhookDelivery.State.PENDING ? d.nextAttemptAt() : null);
        m.put("lastAttemptAt", d.lastAttemptAt().orElse(null));
        m.put("lastStatus", d.lastStatus().orElse(null));
        m.put("lastLatencyMs", d.lastLatencyMs().orElse(null));
        m.put("lastError", d.lastError().orElse(null));
        m.put("createdAt", d.createdAt());
        m.put("finishedAt", d.finishedAt().orElse(null));
        return m;
    }
}
