package dev.lanyard.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.http.Access;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.safeguard.HeldChange;
import dev.lanyard.safeguard.SafeguardService;
import dev.lanyard.safeguard.SafeguardSettings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The mass-deprovisioning safeguard in the operator's API (docs/safeguard.md); the operator check
 * of {@link OperatorRoutes} covers these paths too.
 *
 * <pre>
 * GET  /admin/api/orgs/{org}/safeguard                     settings and state
 * PUT  /admin/api/orgs/{org}/safeguard                     {"enabled","maxPercent","maxCount","windowMinutes"}, any of them
 * GET  /admin/api/orgs/{org}/safeguard/held?after=&amp;limit=  held changes, oldest first
 * POST /admin/api/orgs/{org}/safeguard/release-all         apply what is still current, resume
 * POST /admin/api/orgs/{org}/safeguard/reject-all          discard everything held, resume
 * POST /admin/api/orgs/{org}/safeguard/held/{id}/release   one; {"outcome": "applied" | "stale" | "gone"}
 * POST /admin/api/orgs/{org}/safeguard/held/{id}/reject    one; {"outcome": "rejected" | "gone"}
 * </pre>
 */
public final class SafeguardRoutes {
    private static final Set<String> FIELDS = Set.of("enabled", "maxPercent", "maxCount", "windowMinutes");

    private final OrganizationService organizations;
    private final SafeguardService safeguard;

    public SafeguardRoutes(OrganizationService organizations, SafeguardService safeguard) {
        this.organizations = organizations;
        this.safeguard = safeguard;
    }

    public void register(RoutesConfig routes) {
        String base = OperatorRoutes.PREFIX + "/orgs/{org}/safeguard";
        routes.get(base, ctx -> OperatorRoutes.ok(ctx, state(safeguard.state(orgId(ctx)))), Access.OPERATOR);
        routes.put(base, this::save, Access.OPERATOR);
        routes.get(base + "/held", this::held, Access.OPERATOR);
        routes.post(base + "/release-all", ctx -> OperatorRoutes.ok(ctx, summary(safeguard.releaseAll(orgId(ctx), Actor.OPERATOR))), Access.OPERATOR);
        routes.post(base + "/reject-all", ctx -> OperatorRoutes.ok(ctx, summary(safeguard.rejectAll(orgId(ctx), Actor.OPERATOR))), Access.OPERATOR);
        routes.post(base + "/held/{id}/release", ctx -> OperatorRoutes.ok(ctx, Map.of("outcome",
                safeguard.release(orgId(ctx), OperatorRoutes.uuid(ctx.pathParam("id"), "held change"), Actor.OPERATOR)
                        .name().toLowerCase(java.util.Locale.ROOT))), Access.OPERATOR);
        routes.post(base + "/held/{id}/reject", ctx -> OperatorRoutes.ok(ctx, Map.of("outcome",
                safeguard.reject(orgId(ctx), OperatorRoutes.uuid(ctx.pathParam("id"), "held change"), Actor.OPERATOR) ? "rejected" : "gone")),
                Access.OPERATOR);
    }

    /** Changes only the fields sent; an unknown field is refused, so a typo never looks like success. */
    private void save(Context ctx) throws Exception {
        UUID orgId = orgId(ctx);
        JsonNode body = OperatorRoutes.body(ctx);
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new DomainException.Invalid("\"" + name + "\" is not a safeguard setting; send any of " + FIELDS);
            }
        }
        SafeguardSettings now = safeguard.state(orgId).settings();
        SafeguardSettings next = new SafeguardSettings(bool(body, "enabled", now.enabled()),
                whole(body, "maxPercent", now.maxPercent()), whole(body, "maxCount", now.maxCount()),
                Duration.ofMinutes(whole(body, "windowMinutes", (int) now.windowMinutes())));
        OperatorRoutes.ok(ctx, state(safeguard.saveSettings(orgId, next, Actor.OPERATOR)));
    }

    private void held(Context ctx) {
        Optional<UUID> after = Optional.ofNullable(ctx.queryParam("after")).filter(a -> !a.isBlank())
                .map(a -> OperatorRoutes.uuid(a, "after"));
        int limit = Optional.ofNullable(ctx.queryParam("limit")).map(SafeguardRoutes::limit).orElse(SafeguardService.MAX_PAGE);
        SafeguardService.Page page = safeguard.held(orgId(ctx), after, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("changes", page.changes().stream().map(SafeguardRoutes::held).toList());
        out.put("next", page.next().orElse(null));
        OperatorRoutes.ok(ctx, out);
    }

    private UUID orgId(Context ctx) {
        return organizations.get(ctx.pathParam("org")).id();
    }

    static Map<String, Object> state(SafeguardService.State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.settings().enabled());
        m.put("maxPercent", s.settings().maxPercent());
        m.put("maxCount", s.settings().maxCount());
        m.put("windowMinutes", s.settings().windowMinutes());
        m.put("tripped", s.tripped());
        m.put("trippedAt", s.trippedAt().orElse(null));
        m.put("tripReason", s.tripReason().orElse(null));
        m.put("held", s.held());
        return m;
    }

    private static Map<String, Object> held(HeldChange h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("scimId", h.scimId());
        m.put("accountId", h.accountId());
        m.put("email", h.email());
        m.put("kind", h.kind().dbValue());
        m.put("version", h.version());
        m.put("stale", h.stale());
        m.put("heldAt", h.heldAt());
        m.put("lastSentAt", h.lastSentAt());
        m.put("requests", h.requests());
        m.put("actor", h.actor().text());
        return m;
    }

    private static Map<String, Object> summary(SafeguardService.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", s.applied());
        m.put("stale", s.stale());
        m.put("rejected", s.rejected());
        m.put("remaining", s.remaining());
        m.put("resumed", s.resumed());
        return m;
    }

    private static boolean bool(JsonNode body, String field, boolean current) {
        JsonNode v = body.get(field);
        if (v == null) return current;
        if (!v.isBoolean()) throw new DomainException.Invalid(field + " must be true or false");
        return v.booleanValue();
    }

    private static int whole(JsonNode body, String field, int current) {
        JsonNode v = body.get(field);
        if (v == null) return current;
        if (!v.isInt()) throw new DomainException.Invalid(field + " must be a whole number");
        return v.intValue();
    }

    private static int limit(String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new DomainException.Invalid("limit must be a whole number from 1 to " + SafeguardService.MAX_PAGE);
        }
    }
}
