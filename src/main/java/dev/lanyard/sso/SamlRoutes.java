package dev.lanyard.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.Actor;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Json;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's JSON API for an organization's SAML settings (the CLI's {@code saml} commands).
 * It lives under /admin/api, whose operator-token check covers every path there.
 *
 * <pre>
 * GET    /admin/api/orgs/{org}/saml                     settings, SP values, certificates
 * PATCH  /admin/api/orgs/{org}/saml                     {"enabled", "idpEntityId", "ssoUrl", "allowSha1", "matchAttribute", "consoleAdminsBySaml"}
 * POST   /admin/api/orgs/{org}/saml/certificates        {"pem": "-----BEGIN CERTIFICATE-----..."}
 * DELETE /admin/api/orgs/{org}/saml/certificates/{id}
 * POST   /admin/api/orgs/{org}/saml/metadata            {"xml": "..."} or {"url": "https://..."} (fetched now, once)
 * GET    /admin/api/orgs/{org}/saml/sign-ins            the sign-in log, newest first (?outcome=failure&amp;limit=50)
 * </pre>
 */
public final class SamlRoutes {
    static final String PREFIX = "/admin/api/orgs/{org}/saml";
    private static final Set<String> FIELDS = Set.of("enabled", "idpEntityId", "ssoUrl", "allowSha1", "matchAttribute", "consoleAdminsBySaml");

    private final OrganizationService organizations;
    private final SamlSettingsService saml;
    private final SsoService sso;
    private final BaseUrl baseUrl;

    public SamlRoutes(OrganizationService organizations, SamlSettingsService saml, SsoService sso, BaseUrl baseUrl) {
        this.organizations = organizations;
        this.saml = saml;
        this.sso = sso;
        this.baseUrl = baseUrl;
    }

    public void register(RoutesConfig routes) {
        routes.get(PREFIX, ctx -> show(ctx, org(ctx)));
        routes.patch(PREFIX, this::change);
        routes.post(PREFIX + "/certificates", ctx -> {
            Organization org = org(ctx);
            IdpCertificate cert = saml.addCertificate(org.id(), text(body(ctx), "pem"), Actor.OPERATOR);
            json(ctx, 201, certificate(cert));
        });
        routes.delete(PREFIX + "/certificates/{id}", ctx -> {
            saml.removeCertificate(org(ctx).id(), OrganizationService.parseUuid(ctx.pathParam("id"))
                    .orElseThrow(() -> new DomainException.NotFound("no IdP certificate \"" + ctx.pathParam("id") + "\"")), Actor.OPERATOR);
            ctx.status(204);
        });
        routes.post(PREFIX + "/metadata", this::importMetadata);
        routes.get(PREFIX + "/sign-ins", this::signIns);
    }

    private void change(Context ctx) throws Json.BodyException {
        Organization org = org(ctx);
        JsonNode body = body(ctx);
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) throw new DomainException.Invalid("\"" + name + "\" is not a SAML setting; the settings are " + FIELDS);
        }
        var change = new SamlSettingsService.Change(bool(body, "enabled"), optionalText(body, "idpEntityId"), optionalText(body, "ssoUrl"),
                bool(body, "allowSha1"), optionalText(body, "matchAttribute"), bool(body, "consoleAdminsBySaml"));
        saml.change(org.id(), change, Actor.OPERATOR);
        show(ctx, org);
    }

    private void importMetadata(Context ctx) throws Json.BodyException {
        Organization org = org(ctx);
        JsonNode body = body(ctx);
        boolean hasXml = body.hasNonNull("xml"), hasUrl = body.hasNonNull("url");
        if (hasXml == hasUrl) throw new DomainException.Invalid("send either {\"xml\": \"<EntityDescriptor ...>\"} or {\"url\": \"https://...\"}");
        if (hasXml) saml.importMetadata(org.id(), text(body, "xml").getBytes(java.nio.charset.StandardCharsets.UTF_8), Actor.OPERATOR);
        else saml.importMetadataFrom(org.id(), text(body, "url"), Actor.OPERATOR);
        show(ctx, org);
    }

    private void signIns(Context ctx) {
        Organization org = org(ctx);
        Optional<Boolean> success = Optional.ofNullable(ctx.queryParam("outcome")).filter(s -> !s.isBlank()).map(s -> switch (s) {
            case "success" -> true;
            case "failure" -> false;
            default -> throw new DomainException.Invalid("outcome must be success or failure");
        });
        int limit;
        try {
            limit = Integer.parseInt(Optional.ofNullable(ctx.queryParam("limit")).orElse("50"));
        } catch (NumberFormatException e) {
            throw new DomainException.Invalid("limit must be an integer");
        }
        List<Map<String, Object>> entries = sso.log(org.id(), success, Optional.empty(), Optional.empty(), Optional.empty(), limit).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("at", e.at());
            m.put("flow", e.flow());
            m.put("outcome", e.success() ? "success" : "failure");
            m.put("reason", e.reason());
            m.put("detail", e.detail());
            m.put("hint", e.hint().orElse(null));
            m.put("nameId", e.nameId().orElse(null));
            m.put("accountId", e.accountId().orElse(null));
            return m;
        }).toList();
        json(ctx, 200, Map.of("signIns", entries));
    }

    private void show(Context ctx, Organization org) {
        SamlSettings s = saml.get(org.id());
        SpValues sp = SpValues.of(baseUrl.of(ctx), org.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.enabled());
        m.put("idpEntityId", s.idpEntityId());
        m.put("ssoUrl", s.ssoUrl());
        m.put("allowSha1", s.allowSha1());
        m.put("matchAttribute", s.matchAttribute().orElse(null));
        m.put("consoleAdminsBySaml", s.consoleAdminsBySaml());
        m.put("missing", s.missing());
        m.put("certificates", s.certificates().stream().map(SamlRoutes::certificate).toList());
        Map<String, Object> spm = new LinkedHashMap<>();
        spm.put("entityId", sp.entityId());
        spm.put("acsUrl", sp.acsUrl());
        spm.put("loginUrl", sp.loginUrl());
        spm.put("metadataUrl", sp.metadataUrl());
        spm.put("nameIdFormat", sp.nameIdFormat());
        m.put("sp", spm);
        json(ctx, 200, m);
    }

    private static Map<String, Object> certificate(IdpCertificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("sha256", c.fingerprint());
        m.put("subject", c.subject());
        m.put("notBefore", c.notBefore());
        m.put("notAfter", c.notAfter());
        m.put("expiresSoon", c.expiresWithin(Instant.now(), SamlSettings.EXPIRY_WARNING_DAYS));
        return m;
    }

    private Organization org(Context ctx) {
        return organizations.get(ctx.pathParam("org"));
    }

    private static JsonNode body(Context ctx) throws Json.BodyException {
        JsonNode body = Json.readBody(ctx, Json.MAPPER);
        if (!body.isObject()) throw new DomainException.Invalid("the body must be a JSON object");
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual()) throw new DomainException.Invalid(field + " must be a string");
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode body, String field) {
        if (!body.has(field)) return Optional.empty();
        JsonNode v = body.get(field);
        if (v.isNull()) return Optional.of("");
        if (!v.isTextual()) throw new DomainException.Invalid(field + " must be a string");
        return Optional.of(v.asText());
    }

    private static Optional<Boolean> bool(JsonNode body, String field) {
        if (!body.has(field)) return Optional.empty();
        if (!body.get(field).isBoolean()) throw new DomainException.Invalid(field + " must be true or false");
        return Optional.of(body.get(field).booleanValue());
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
