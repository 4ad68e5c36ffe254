package dev.lanyard.operator;

import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.audit.ProvisioningLogEntry;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.FailureReason;
import dev.lanyard.http.Json;
import dev.lanyard.organization.OrganizationService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * GET /admin/api/orgs/{org}/provisioning-log: what the organization's IdP sent, newest first.
 * Query: {@code outcome=all|failures|successes}, {@code since}, {@code until} (ISO instants),
 * {@code before} (an entry id, for the next page), {@code limit} (at most 500). The operator
 * check of {@link OperatorRoutes} covers this path too.
 */
public final class ProvisioningLogRoutes {
    private final OrganizationService organizations;
    private final ProvisioningLog log;

    public ProvisioningLogRoutes(OrganizationService organizations, ProvisioningLog log) {
        this.organizations = organizations;
        this.log = log;
    }

    public void register(RoutesConfig routes) {
        routes.get(OperatorRoutes.PREFIX + "/orgs/{org}/provisioning-log", this::list);
    }

    private void list(Context ctx) throws Exception {
        UUID orgId = organizations.get(ctx.pathParam("org")).id();
        var query = new ProvisioningLog.Query(outcome(ctx.queryParam("outcome")), instant(ctx, "since"), instant(ctx, "until"),
                Optional.ofNullable(ctx.queryParam("before")).map(ProvisioningLogRoutes::id), intParam(ctx.queryParam("limit")),
                Optional.ofNullable(ctx.queryParam("account")).filter(a -> !a.isBlank()).map(a -> OrganizationService.parseUuid(a)
                        .orElseThrow(() -> new DomainException.Invalid("account must be an account id"))));
        List<ProvisioningLog.Stored> page = log.list(orgId, query);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", page.stream().map(ProvisioningLogRoutes::json).toList());
        // a full page may have more behind it: the last id is where the next one starts
        out.put("next", page.size() == query.limit() ? page.getLast().id() : null);
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(out));
    }

    private static Map<String, Object> json(ProvisioningLog.Stored s) {
        ProvisioningLogEntry e = s.entry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("at", e.at());
        m.put("method", e.method());
        m.put("path", e.path());
        m.put("query", e.query().orElse(null));
        m.put("client", e.client());
        m.put("status", e.status());
        m.put("durationMs", e.durationMs());
        m.put("scimType", e.scimType().orElse(null));
        m.put("detail", e.detail().orElse(null));
        m.put("reason", e.failureReason().map(FailureReason::code).orElse(null));
        m.put("hint", e.hint().orElse(null));
        m.put("requestBody", e.requestBody().orElse(null));
        m.put("tokenId", e.subject().tokenId().orElse(null));
        m.put("userName", e.subject().userName().orElse(null));
        m.put("accountId", e.subject().accountId().orElse(null));
        return m;
    }

    private static ProvisioningLog.Outcome outcome(String value) {
        if (value == null || value.isBlank()) return ProvisioningLog.Outcome.ALL;
        try {
            return ProvisioningLog.Outcome.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DomainException.Invalid("outcome must be all, failures or successes");
        }
    }

    private static Optional<Instant> instant(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return Optional.empty();
        try {
            return Optional.of(Instant.parse(v.strip()));
        } catch (DateTimeParseException e) {
            throw new DomainException.Invalid(name + " must be an instant such as 2026-11-28T09:00:00Z");
        }
    }

    private static long id(String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new DomainException.Invalid("before must be an entry id");
        }
    }

    private static int intParam(String v) {
        if (v == null || v.isBlank()) return 100;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new DomainException.Invalid("limit must be an integer");
        }
    }
}
