package dev.lanyard.operator;

import dev.lanyard.audit.AuditExport;
import dev.lanyard.audit.AuditTrailService;
import dev.lanyard.domain.DomainException;
import dev.lanyard.http.Json;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's view of an organization's audit trail (the operator check of
 * {@link OperatorRoutes} covers these paths):
 *
 * <pre>
 * GET /admin/api/orgs/{org}/audit?action=&amp;actor=&amp;since=&amp;until=&amp;before=&amp;after=&amp;limit=
 *     {"entries": [...], "count": 12, "countAtLeast": false, "older": 41, "newer": null}
 * GET /admin/api/orgs/{org}/audit/export?format=csv|json&amp;action=&amp;actor=&amp;since=&amp;until=
 *     every matching entry, streamed
 * </pre>
 *
 * {@code action} is a code ({@code token.issued}) or an area ({@code token}); {@code actor} an
 * actor's stored text or the start of its name; {@code since} / {@code until} ISO instants;
 * {@code before} / {@code after} the {@code older} / {@code newer} ids of a previous page;
 * {@code limit} 1 to 500 (default 100).
 */
public final class AuditRoutes {
    private final OrganizationService organizations;
    private final AuditTrailService audit;

    public AuditRoutes(OrganizationService organizations, AuditTrailService audit) {
        this.organizations = organizations;
        this.audit = audit;
    }

    public void register(RoutesConfig routes) {
        routes.get(OperatorRoutes.PREFIX + "/orgs/{org}/audit", this::list);
        routes.get(OperatorRoutes.PREFIX + "/orgs/{org}/audit/export", this::export);
    }

    private void list(Context ctx) throws Exception {
        Organization org = organizations.get(ctx.pathParam("org"));
        AuditTrailService.Query q = query(ctx, intParam(ctx, "limit", 100));
        AuditTrailService.Page page = audit.list(org.id(), q);
        AuditTrailService.Count count = audit.count(org.id(), q);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", page.entries().stream().map(AuditExport::asMap).toList());
        out.put("count", count.count());
        out.put("countAtLeast", count.atLeast());
        out.put("older", page.older().orElse(null));
        out.put("newer", page.newer().orElse(null));
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(out));
    }

    private void export(Context ctx) {
        Organization org = organizations.get(ctx.pathParam("org"));
        String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json").strip();
        if (!AuditExport.FORMATS.contains(format)) throw new DomainException.Invalid("format must be csv or json");
        AuditTrailService.Query q = query(ctx, AuditTrailService.MAX_PAGE).withoutPaging();
        // Headers first, then every entry as it is read: memory stays bounded by one batch.
        ctx.status(200).contentType(AuditExport.contentType(format))
                .header("Content-Disposition", "attachment; filename=\"" + AuditExport.fileName(org.id(), format) + "\"");
        AuditExport.write(audit, org.id(), q, format, ctx.outputStream());
    }

    static AuditTrailService.Query query(Context ctx, int limit) {
        return new AuditTrailService.Query(Optional.ofNullable(ctx.queryParam("action")), Optional.ofNullable(ctx.queryParam("actor")),
                instant(ctx, "since"), instant(ctx, "until"), id(ctx, "before"), id(ctx, "after"), limit);
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

    private static Optional<Long> id(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return Optional.empty();
        try {
            return Optional.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            throw new DomainException.Invalid(name + " must be an entry id");
        }
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
}
