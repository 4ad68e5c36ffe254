package dev.lanyard.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.DomainException;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.oidc.EmailDomains;
import dev.lanyard.oidc.OidcClient;
import dev.lanyard.oidc.SigningKeys;
import dev.lanyard.organization.OrganizationService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.lanyard.operator.OperatorRoutes.body;
import static dev.lanyard.operator.OperatorRoutes.ok;
import static dev.lanyard.operator.OperatorRoutes.text;
import static dev.lanyard.operator.OperatorRoutes.uuid;

/**
 * The operator's API for apps that sign members in by OpenID Connect (docs/oidc.md), under the
 * same operator bearer token as the rest of /admin/api ({@link OperatorRoutes} checks it for
 * every path below the prefix). {app} is the app's id or client id; {org} an organization's id or name.
 *
 * <pre>
 * POST   /admin/api/apps                       register: 201 with clientId and, for a confidential app, clientSecret (shown once)
 * GET    /admin/api/apps, /apps/{app}          never a secret
 * PATCH  /admin/api/apps/{app}                 name, redirectUris, organizations (null: all), accessTokenSeconds, refreshTokenSeconds
 * DELETE /admin/api/apps/{app}                 ends every token it holds
 * POST   /admin/api/apps/{app}/secrets         another secret (rotation), shown once
 * GET    /admin/api/apps/{app}/secrets
 * DELETE /admin/api/apps/{app}/secrets/{id}
 * GET    /admin/api/orgs/{org}/apps            the apps the organization's members may use, and which it turned off
 * PUT    /admin/api/orgs/{org}/apps/{app}      {"enabled": false} turns the app off for the organization
 * GET    /admin/api/orgs/{org}/email-domains, PUT {"domains": [...]}
 * GET    /admin/api/oidc/keys, POST /admin/api/oidc/keys/rotate {"publishAheadSeconds": 3600}
 * </pre>
 */
public final class AppRoutes {
    private static final String APPS = OperatorRoutes.PREFIX + "/apps";

    private final ClientService apps;
    private final EmailDomains domains;
    private final SigningKeys keys;
    private final OrganizationService organizations;

    public AppRoutes(ClientService apps, EmailDomains domains, SigningKeys keys, OrganizationService organizations) {
        this.apps = apps;
        this.domains = domains;
        this.keys = keys;
        this.organizations = organizations;
    }

    public void register(RoutesConfig routes) {
        routes.post(APPS, this::create);
        routes.get(APPS, ctx -> ok(ctx, Map.of("apps", apps.list().stream().map(AppRoutes::app).toList())));
        routes.get(APPS + "/{app}", ctx -> ok(ctx, app(apps.get(ctx.pathParam("app")))));
        routes.patch(APPS + "/{app}", this::change);
        routes.delete(APPS + "/{app}", ctx -> {
            apps.delete(ctx.pathParam("app"));
            ctx.status(204);
        });
        routes.post(APPS + "/{app}/secrets", ctx -> {
            ClientService.IssuedSecret s = apps.addSecret(ctx.pathParam("app"));
            ok(ctx, 201, Map.of("id", s.id(), "clientSecret", s.secret()));
        });
        routes.get(APPS + "/{app}/secrets", ctx -> ok(ctx, Map.of("secrets", apps.secrets(ctx.pathParam("app")).stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("createdAt", s.createdAt());
            m.put("revokedAt", s.revokedAt().orElse(null));
            return m;
        }).toList())));
        routes.delete(APPS + "/{app}/secrets/{id}", ctx -> {
            apps.revokeSecret(ctx.pathParam("app"), uuid(ctx.pathParam("id"), "secret"));
            ctx.status(204);
        });
        routes.get(OperatorRoutes.PREFIX + "/orgs/{org}/apps", ctx -> ok(ctx, Map.of("apps",
                apps.forOrganization(orgId(ctx)).stream().map(a -> {
                    Map<String, Object> m = app(a.client());
                    m.put("enabledForOrganization", !a.turnedOff());
                    return m;
                }).toList())));
        routes.put(OperatorRoutes.PREFIX + "/orgs/{org}/apps/{app}", ctx -> {
            JsonNode body = body(ctx);
            if (!body.path("enabled").isBoolean()) throw new DomainException.Invalid("enabled must be true or false");
            apps.setTurnedOff(orgId(ctx), ctx.pathParam("app"), !body.get("enabled").asBoolean(), dev.lanyard.domain.Actor.OPERATOR.text());
            ctx.status(204);
        });
        routes.get(OperatorRoutes.PREFIX + "/orgs/{org}/email-domains", ctx -> ok(ctx, Map.of("domains", domains.list(orgId(ctx)))));
        routes.put(OperatorRoutes.PREFIX + "/orgs/{org}/email-domains", ctx -> {
            JsonNode list = body(ctx).path("domains");
            if (!list.isArray()) throw new DomainException.Invalid("domains must be an array of domain names");
            ok(ctx, Map.of("domains", domains.set(orgId(ctx), strings(list, "domains"), dev.lanyard.domain.Actor.OPERATOR)));
        });
        routes.get(OperatorRoutes.PREFIX + "/oidc/keys", ctx -> ok(ctx, Map.of("keys", keys.list().stream().map(AppRoutes::key).toList())));
        routes.post(OperatorRoutes.PREFIX + "/oidc/keys/rotate", ctx -> {
            JsonNode body = ctx.contentLength() <= 0 ? dev.lanyard.http.Json.MAPPER.createObjectNode() : body(ctx);
            Duration ahead = body.has("publishAheadSeconds") ? seconds(body, "publishAheadSeconds") : SigningKeys.DEFAULT_PUBLISH_AHEAD;
            ok(ctx, 201, key(keys.rotate(ahead)));
        });
    }

    private void create(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        if (!body.path("redirectUris").isArray()) throw new DomainException.Invalid("redirectUris must be an array of URIs");
        JsonNode pub = body.path("public");
        if (!pub.isMissingNode() && !pub.isBoolean()) throw new DomainException.Invalid("public must be true or false");
        var spec = new ClientService.Spec(text(body, "name"), strings(body.get("redirectUris"), "redirectUris"), pub.asBoolean(false),
                organizations(body), body.has("accessTokenSeconds") ? seconds(body, "accessTokenSeconds") : ClientService.DEFAULT_ACCESS_TOKEN,
                body.has("refreshTokenSeconds") ? seconds(body, "refreshTokenSeconds") : ClientService.DEFAULT_REFRESH_TOKEN);
        ClientService.Registered r = apps.create(spec);
        Map<String, Object> m = app(r.client());
        r.secret().ifPresent(s -> {
            m.put("clientSecret", s.secret());
            m.put("secretId", s.id());
        });
        ok(ctx, 201, m);
    }

    private void change(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        Optional<String> name = body.has("name") ? Optional.of(text(body, "name")) : Optional.empty();
        Optional<List<String>> uris = body.has("redirectUris") ? Optional.of(strings(body.get("redirectUris"), "redirectUris")) : Optional.empty();
        Optional<Optional<List<UUID>>> orgs = body.has("organizations") ? Optional.of(organizations(body)) : Optional.empty();
        Optional<Duration> access = body.has("accessTokenSeconds") ? Optional.of(seconds(body, "accessTokenSeconds")) : Optional.empty();
        Optional<Duration> refresh = body.has("refreshTokenSeconds") ? Optional.of(seconds(body, "refreshTokenSeconds")) : Optional.empty();
        ok(ctx, app(apps.update(ctx.pathParam("app"), name, uris, orgs, access, refresh)));
    }

    /** "organizations": absent or null for all, else a list of organization names or ids. */
    private Optional<List<UUID>> organizations(JsonNode body) {
        JsonNode list = body.path("organizations");
        if (list.isMissingNode() || list.isNull()) return Optional.empty();
        if (!list.isArray()) throw new DomainException.Invalid("organizations must be null (all) or an array of organization names or ids");
        return Optional.of(strings(list, "organizations").stream().map(o -> organizations.get(o).id()).toList());
    }

    private UUID orgId(Context ctx) {
        return organizations.get(ctx.pathParam("org")).id();
    }

    private static List<String> strings(JsonNode array, String field) {
        if (array == null || !array.isArray()) throw new DomainException.Invalid(field + " must be an array of strings");
        if (array.size() > 100) throw new DomainException.Invalid(field + " has more than 100 entries");
        List<String> out = new ArrayList<>();
        for (JsonNode v : array) {
            if (!v.isTextual()) throw new DomainException.Invalid(field + " must contain only strings");
            out.add(v.asText());
        }
        return out;
    }

    private static Duration seconds(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) throw new DomainException.Invalid(field + " must be an integer");
        return Duration.ofSeconds(v.asInt());
    }

    private static Map<String, Object> key(SigningKeys.KeyInfo k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kid", k.kid());
        m.put("algorithm", k.algorithm());
        m.put("createdAt", k.createdAt());
        m.put("activeFrom", k.activeFrom());
        m.put("retiredAt", k.retiredAt().orElse(null));
        return m;
    }

    private static Map<String, Object> app(OidcClient a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("clientId", a.clientId());
        m.put("name", a.name());
        m.put("redirectUris", a.redirectUris());
        m.put("public", a.publicClient());
        m.put("organizations", a.allOrganizations() ? null : a.organizations());
        m.put("accessTokenSeconds", a.accessTokenLifetime().toSeconds());
        m.put("refreshTokenSeconds", a.refreshTokenLifetime().toSeconds());
        m.put("createdAt", a.createdAt());
        return m;
    }
}
