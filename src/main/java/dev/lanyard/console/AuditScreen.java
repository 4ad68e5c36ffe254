package dev.lanyard.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.audit.AuditEntry;
import dev.lanyard.audit.AuditExport;
import dev.lanyard.audit.AuditTrailService;
import dev.lanyard.domain.Actor;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Organization > Audit trail: every change to the organization's settings, tokens, admins, SAML
 * and accounts made by its admins, the operator or Lanyard, with sign-ins; newest first.
 *
 * <pre>
 * GET /console/audit?area=token&amp;actor=ann@&amp;from=&amp;until=&amp;before={id}|after={id}
 * GET /console/audit/export.csv?...   every entry the filters match, streamed (CSV, RFC 4180)
 * GET /console/audit/export.json?...  the same as one JSON document
 * </pre>
 *
 * Pages by keyset both ways (Older, Newer, Newest), never by offset; the count above the list is
 * of everything that matches (up to 10,000, then "10,000 or more"). The session's organization
 * only: an admin sees their own organization's trail, the operator the one they opened.
 */
final class AuditScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/audit";
    static final int PAGE_SIZE = 50;

    private final AuditTrailService audit;

    AuditScreen(AuditTrailService audit) {
        this.audit = audit;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::list);
        routes.get(PATH + "/export.csv", Access.CONSOLE_ORGANIZATION, (ctx, s) -> export(ctx, s, "csv"));
        routes.get(PATH + "/export.json", Access.CONSOLE_ORGANIZATION, (ctx, s) -> export(ctx, s, "json"));
    }

    private void list(Context ctx, ConsoleSession s) {
        AuditPage.Filter filter = filter(ctx);
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<AuditTrailService.Query> query = query(filter, id(ctx.queryParam("before")), id(ctx.queryParam("after")), errors);
        String exportQuery = query(filter);
        if (query.isEmpty()) {
            Views.render(ctx, 400, "console/audit.jte", new AuditPage(s, filter, List.of(), errors, "Correct the dates to see the entries.",
                    Optional.empty(), Optional.empty(), Optional.empty(), PATH + "/export.csv?" + exportQuery,
                    PATH + "/export.json?" + exportQuery));
            return;
        }
        AuditTrailService.Page page = audit.list(s.orgId(), query.get());
        AuditTrailService.Count count = audit.count(s.orgId(), query.get());
        boolean paged = query.get().before().isPresent() || query.get().after().isPresent();
        String total = count.atLeast() ? String.format("%,d or more entries", count.count())
                : count.count() == 1 ? "1 entry" : String.format("%,d entries", count.count());
        String result = count.count() == 0
                ? (filter.isDefault() ? "Nothing recorded yet." : "No entries match these filters.")
                : total + (filter.isDefault() ? " in all" : " match") + "; "
                        + (paged ? "this page shows " + page.entries().size() : "the newest " + page.entries().size() + " are shown")
                        + ", newest first.";
        Views.render(ctx, 200, "console/audit.jte", new AuditPage(s, filter, page.entries().stream().map(AuditScreen::entry).toList(),
                errors, result, paged ? Optional.of(PATH + "?" + exportQuery) : Optional.empty(),
                page.newer().map(id -> PATH + "?" + exportQuery + "&after=" + id),
                page.older().map(id -> PATH + "?" + exportQuery + "&before=" + id),
                PATH + "/export.csv?" + exportQuery, PATH + "/export.json?" + exportQuery));
    }

    private void export(Context ctx, ConsoleSession s, String format) {
        AuditPage.Filter filter = filter(ctx);
        Map<String, String> errors = new LinkedHashMap<>();
        AuditTrailService.Query q = query(filter, Optional.empty(), Optional.empty(), errors)
                .orElseThrow(() -> new dev.lanyard.domain.DomainException.Invalid(String.join(" ", errors.values())));
        ctx.status(200).contentType(AuditExport.contentType(format))
                .header("Content-Disposition", "attachment; filename=\"" + AuditExport.fileName(s.orgId(), format) + "\"");
        AuditExport.write(audit, s.orgId(), q, format, ctx.outputStream());
    }

    private static AuditPage.Filter filter(Context ctx) {
        String typed = param(ctx, "area");
        String area = AuditPage.AREAS.stream().anyMatch(a -> a.getFirst().equals(typed)) ? typed : "";
        String actor = param(ctx, "actor");
        return new AuditPage.Filter(area, actor.length() > 320 ? actor.substring(0, 320) : actor, param(ctx, "from"), param(ctx, "until"));
    }

    private static Optional<AuditTrailService.Query> query(AuditPage.Filter f, Optional<Long> before, Optional<Long> after,
                                                           Map<String, String> errors) {
        Optional<Instant> from = ProvisioningLogScreen.time(f.from(), "from", "From", errors);
        Optional<Instant> until = ProvisioningLogScreen.time(f.until(), "until", "Until", errors);
        if (from.isPresent() && until.isPresent() && !from.get().isBefore(until.get())) errors.put("until", "Until must be later than From.");
        if (!errors.isEmpty()) return Optional.empty();
        return Optional.of(new AuditTrailService.Query(Optional.of(f.area()), Optional.of(f.actor()), from, until,
                before, after.filter(a -> before.isEmpty()), PAGE_SIZE));
    }

    static AuditPage.Entry entry(AuditEntry e) {
        String kind = switch (e.actor()) {
            case Actor.Admin a -> "admin";
            case Actor.ScimToken t -> "SCIM token";
            case Actor.Operator o -> "operator";
            case Actor.System sys -> "Lanyard";
            case Actor.Anonymous a -> "not signed in";
            case Actor.Unrecognised u -> "";
        };
        Optional<String> targetHref = e.target().filter(t -> t.type().equals("account"))
                .map(t -> AccountsScreen.PATH + "/" + t.id());
        Optional<String> target = e.target().map(t -> t.label().isEmpty() ? t.type() + " " + t.id() : t.label());
        return new AuditPage.Entry(e.id(), e.at(), e.actorLabel(), kind, what(e.action()), e.action(),
                e.action().equals("admin.sign_in_failed") || e.action().equals("saml.certificate_expiring"), target, targetHref,
                detail(e.detail()));
    }

    /** The action in words; an action of another version or feature as its code. */
    static String what(String action) {
        return switch (action) {
            case "organization.created" -> "Organization created";
            case "organization.opened_by_operator" -> "The operator opened the organization";
            case "organization.email_domains_changed" -> "Email domains changed";
            case "provisioning.enabled" -> "User provisioning turned on";
            case "provisioning.disabled" -> "User provisioning turned off";
            case "token.issued" -> "SCIM token generated";
            case "token.revoked" -> "SCIM token revoked";
            case "settings.changed" -> "Settings changed";
            case "saml.settings_changed" -> "SAML settings changed";
            case "saml.metadata_imported" -> "IdP metadata imported";
            case "saml.certificate_added" -> "IdP certificate added";
            case "saml.certificate_removed" -> "IdP certificate removed";
            case "saml.certificate_expiring" -> "IdP certificate expires soon";
            case "admin.signed_in" -> "Signed in to the console";
            case "admin.sign_in_failed" -> "Console sign-in failed";
            case "admin.password_changed" -> "Password changed";
            case "admin.password_reset" -> "Password reset by the operator";
            case "admin.created" -> "Console admin added";
            case "admin.removed" -> "Console admin removed";
            case "account.deleted" -> "Account deleted by hand";
            case "app.turned_off" -> "App turned off";
            case "app.turned_on" -> "App turned on";
            default -> action;
        };
    }

    /** The detail in one line: {@code usernameChangePolicy: new_account → rename_in_place; ...} for a change, else {@code name: value; ...}. */
    static String detail(JsonNode d) {
        StringBuilder out = new StringBuilder();
        if (d.has("before") && d.has("after") && d.get("after").isObject()) {
            d.get("after").fieldNames().forEachRemaining(name -> {
                if (!out.isEmpty()) out.append("; ");
                out.append(name).append(": ").append(text(d.get("before").get(name))).append(" → ").append(text(d.get("after").get(name)));
            });
        }
        d.fieldNames().forEachRemaining(name -> {
            if (name.equals("before") || name.equals("after")) return;
            if (!out.isEmpty()) out.append("; ");
            out.append(name).append(": ").append(text(d.get(name)));
        });
        String line = ShownJson.escapeFormatCharacters(out.toString());
        return line.length() <= 600 ? line : line.substring(0, 600) + "…";
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull()) return "(none)";
        if (v.isTextual()) return v.asText().isEmpty() ? "(empty)" : v.asText();
        return v.toString();
    }

    private static String query(AuditPage.Filter f) {
        return "area=" + enc(f.area()) + "&actor=" + enc(f.actor()) + "&from=" + enc(f.from()) + "&until=" + enc(f.until());
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.strip();
    }

    private static Optional<Long> id(String value) {
        if (value == null || value.isBlank()) return Optional.empty();
        try {
            return Optional.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
