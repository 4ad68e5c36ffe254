package dev.lanyard.operator;

import dev.lanyard.account.AccountEvent;
import dev.lanyard.domain.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.AccountStatus;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.console.ConsoleRoutes;
import dev.lanyard.domain.DomainException;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Json;
import dev.lanyard.orgadmin.AdminUserService;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.organization.UsernameChangePolicy;
import dev.lanyard.provisioning.ScimRoutes;
import dev.lanyard.token.OperatorCredential;
import dev.lanyard.token.ProvisioningToken;
import dev.lanyard.token.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator's JSON API under /admin/api, which the CLI (and later the console) drives.
 * Every route needs the operator credential as a bearer token. {org} is an id or a name.
 */
public final class OperatorRoutes {
    public static final String PREFIX = "/admin/api";

    private final OrganizationService organizations;
    private final TokenService tokens;
    private final AccountService accounts;
    private final AdminUserService admins;
    private final OperatorCredential operator;
    private final BaseUrl baseUrl;

    public OperatorRoutes(OrganizationService organizations, TokenService tokens, AccountService accounts,
                       AdminUserService admins, OperatorCredential operator, BaseUrl baseUrl) {
        this.organizations = organizations;
        this.tokens = tokens;
        this.accounts = accounts;
        this.admins = admins;
        this.operator = operator;
        this.baseUrl = baseUrl;
    }

    public void register(RoutesConfig routes) {
        routes.before(PREFIX + "/*", this::requireOperator);
        routes.post(PREFIX + "/orgs", this::createOrg);
        routes.get(PREFIX + "/orgs", ctx -> ok(ctx, Map.of("organizations",
                organizations.list().stream().map(o -> org(ctx, o)).toList())));
        routes.get(PREFIX + "/orgs/{org}", ctx -> ok(ctx, org(ctx, organizations.get(ctx.pathParam("org")))));
        routes.patch(PREFIX + "/orgs/{org}", this::changeOrg);
        routes.put(PREFIX + "/orgs/{org}/provisioning", this::setProvisioning);
        routes.post(PREFIX + "/orgs/{org}/tokens", this::issueToken);
        routes.get(PREFIX + "/orgs/{org}/tokens", ctx -> ok(ctx, Map.of("tokens",
                tokens.listActive(orgId(ctx)).stream().map(OperatorRoutes::token).toList())));
        routes.delete(PREFIX + "/orgs/{org}/tokens/{id}", ctx -> {
            tokens.revoke(orgId(ctx), uuid(ctx.pathParam("id"), "token"), Actor.OPERATOR);
            ctx.status(204);
        });
        routes.post(PREFIX + "/orgs/{org}/admins", this::createAdmin);
        routes.post(PREFIX + "/orgs/{org}/admins/reset-password", this::resetAdminPassword);
        routes.delete(PREFIX + "/orgs/{org}/admins/{admin}", ctx -> {
            admins.remove(orgId(ctx), ctx.pathParam("admin"), Actor.OPERATOR);
            ctx.status(204);
        });
        routes.get(PREFIX + "/orgs/{org}/accounts", this::listAccounts);
        routes.get(PREFIX + "/orgs/{org}/accounts/{id}/history", ctx -> ok(ctx, Map.of("events",
                accounts.history(orgId(ctx), uuid(ctx.pathParam("id"), "account")).stream().map(OperatorRoutes::event).toList())));
        routes.delete(PREFIX + "/orgs/{org}/accounts/{id}", ctx -> {
            accounts.deleteManually(orgId(ctx), uuid(ctx.pathParam("id"), "account"), Actor.OPERATOR);
            ctx.status(204);
        });
    }

    /** The operator token as a bearer token, else 401: for the admin API and /metrics. */
    public void requireOperator(Context ctx) {
        String header = ctx.header("Authorization");
        String secret = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        if (!operator.verify(secret)) {
            throw new UnauthorizedResponse("the admin API needs the operator token as \"Authorization: Bearer <token>\"; "
                    + "it is in the data folder's " + OperatorCredential.FILE_NAME + " file");
        }
    }

    private void createOrg(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        Organization created = organizations.create(text(body, "name"));
        ctx.status(201);
        ok(ctx, 201, org(ctx, created));
    }

    private void setProvisioning(Context ctx) throws Exception {
        JsonNode enabled = body(ctx).get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw new DomainException.Invalid("send {\"enabled\": true} or {\"enabled\": false}");
        }
        ok(ctx, org(ctx, organizations.setProvisioningEnabled(ctx.pathParam("org"), enabled.booleanValue(), Actor.OPERATOR)));
    }

    /**
     * The organization's settings that may change: {"usernameChangePolicy": "new_account" |
     * "rename_in_place"}. Checked whole before anything changes; an unknown field is refused
     * rather than ignored, so a typo never looks like success.
     */
    private void changeOrg(Context ctx) throws Exception {
        String how = "send {\"usernameChangePolicy\": \"new_account\"} or {\"usernameChangePolicy\": \"rename_in_place\"}";
        JsonNode body = body(ctx);
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("usernameChangePolicy")) throw new DomainException.Invalid("\"" + name + "\" cannot be changed here; " + how);
        }
        if (!body.has("usernameChangePolicy")) throw new DomainException.Invalid(how);
        UsernameChangePolicy policy = UsernameChangePolicy.parse(text(body, "usernameChangePolicy"));
        ok(ctx, org(ctx, organizations.setUsernameChangePolicy(ctx.pathParam("org"), policy, Actor.OPERATOR)));
    }

    private void issueToken(Context ctx) throws Exception {
        Organization org = organizations.get(ctx.pathParam("org"));
        String label = ctx.req().getContentLengthLong() > 0 ? text(body(ctx), "label") : "";
        ProvisioningToken.Issued issued = tokens.issue(org.id(), label, ProvisioningToken.OPERATOR, Actor.OPERATOR);
        Map<String, Object> out = token(issued.token());
        out.put("token", issued.secret());
        out.put("scimUrl", scimUrl(ctx, org));
        ok(ctx, 201, out);
    }

    /** A console admin with a random password, in this answer only: {"id","email","password","loginUrl"}. */
    private void createAdmin(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        Organization org = organizations.get(ctx.pathParam("org"));
        ok(ctx, 201, oneTimePassword(ctx, admins.create(org.id(), text(body, "email"), Actor.OPERATOR)));
    }

    /**
     * A forgotten password: {"email"} in, a new one-time password out (same answer as creating
     * the admin); the admin's sessions end and they choose their own password at the next sign-in.
     */
    private void resetAdminPassword(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        Organization org = organizations.get(ctx.pathParam("org"));
        ok(ctx, oneTimePassword(ctx, admins.resetPassword(org.id(), text(body, "email"), Actor.OPERATOR)));
    }

    private Map<String, Object> oneTimePassword(Context ctx, AdminUserService.Created created) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", created.admin().id());
        out.put("email", created.admin().email());
        out.put("password", created.password());
        out.put("loginUrl", baseUrl.of(ctx) + ConsoleRoutes.PREFIX + "/login");
        return out;
    }

    private void listAccounts(Context ctx) {
        UUID orgId = orgId(ctx);
        Optional<AccountStatus> status = Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isBlank()).map(s -> {
            try {
                return AccountStatus.valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new DomainException.Invalid("status must be one of active, deactivated, invalidated, disabled");
            }
        });
        int start = Math.max(1, intParam(ctx, "startIndex", 1));
        int count = Math.min(1000, Math.max(0, intParam(ctx, "count", 100)));
        AccountService.Page page = accounts.list(orgId, status, start - 1, count);
        ok(ctx, Map.of("totalResults", page.totalResults(),
                "accounts", page.accounts().stream().map(OperatorRoutes::account).toList()));
    }

    private UUID orgId(Context ctx) {
        return organizations.get(ctx.pathParam("org")).id();
    }

    private Map<String, Object> org(Context ctx, Organization o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("name", o.name());
        m.put("provisioningEnabled", o.provisioningEnabled());
        m.put("usernameChangePolicy", o.usernameChangePolicy().dbValue());
        m.put("scimUrl", scimUrl(ctx, o));
        m.put("createdAt", o.createdAt());
        return m;
    }

    private String scimUrl(Context ctx, Organization o) {
        return baseUrl.of(ctx) + ScimRoutes.PREFIX + o.id();
    }

    private static Map<String, Object> token(ProvisioningToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("label", t.label());
        m.put("prefix", t.prefix().isEmpty() ? null : t.prefix());
        m.put("createdBy", t.createdBy().isEmpty() ? null : t.createdBy());
        m.put("createdAt", t.createdAt());
        m.put("lastUsedAt", t.lastUsedAt().orElse(null));
        return m;
    }

    private static Map<String, Object> account(ManagedAccount a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("email", a.email());
        m.put("status", a.status().dbValue());
        m.put("scimId", a.scimId().orElse(null));
        m.put("externalId", a.externalId().orElse(null));
        m.put("successorId", a.successorId().orElse(null));
        m.put("createdAt", a.createdAt());
        m.put("updatedAt", a.updatedAt());
        return m;
    }

    static JsonNode body(Context ctx) throws Json.BodyException {
        JsonNode body = Json.readBody(ctx, Json.MAPPER);
        if (!body.isObject()) throw new DomainException.Invalid("the body must be a JSON object");
        return body;
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw new DomainException.Invalid(field + " must be a string");
        return v.asText();
    }

    static UUID uuid(String text, String what) {
        return OrganizationService.parseUuid(text)
                .orElseThrow(() -> new DomainException.NotFound("no " + what + " \"" + text + "\""));
    }

    private static int intParam(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new DomainException.Invalid(name + " must be an integer");
        }
    }

    static void ok(Context ctx, Object body) {
        ok(ctx, 200, body);
    }

    static void ok(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A history entry: {"kind": "renamed", "detail": {"from": ..., "to": ...}, "actor": "scim:token:...", "at": ...}. */
    private static Map<String, Object> event(AccountEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", e.kind().dbValue());
        m.put("detail", e.detail());
        m.put("actor", e.actor().text());
        m.put("at", e.at());
        return m;
    }

    /** Writes an admin API error: {"status": "404", "detail": "..."}. */
    public static void error(Context ctx, int status, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", String.valueOf(status));
        m.put("detail", detail);
        ok(ctx, status, m);
    }

}
