package dev.lanyard.console;

import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.audit.ProvisioningLogEntry;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.provisioning.ScimRoutes;
import dev.lanyard.token.TokenService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Organization > Provisioning log: every SCIM request the organization's IdP sent, newest first,
 * and for a failure what went wrong and what to change (the same hints as the admin API's log).
 *
 * <pre>
 * GET /console/provisioning/log?status=failures&amp;period=24h&amp;from=&amp;until=&amp;account={id}&amp;before={id}&amp;start=51
 * GET /console/provisioning/log/{id}       one request: full path, error, the redacted body
 * </pre>
 *
 * A plain GET form, so filters and pages are links. {@code period} (1h, 24h, 7d, 30d), {@code from}
 * and {@code until} (UTC, as a datetime-local field sends them) all narrow the range together.
 * Pages go back by keyset from the last entry shown ({@code before}) and forward from the first
 * ({@code after}, Previous), never by offset; {@code start} only numbers the page ("51–100 of 313",
 * the count bounded at 10,000 and taken with the same filters). Everything
 * reads the session's organization only: another organization's entry id is a 404.
 */
final class ProvisioningLogScreen {
    static final String PATH = ProvisioningScreen.PATH + "/log";
    static final int PAGE_SIZE = 50;
    private static final Map<String, Duration> PERIODS = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    private final ProvisioningLog log;
    private final TokenService tokens;

    ProvisioningLogScreen(ProvisioningLog log, TokenService tokens) {
        this.log = log;
        this.tokens = tokens;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::list);
        routes.get(PATH + "/{id}", Access.CONSOLE_ORGANIZATION, this::detail);
    }

    private void list(Context ctx, ConsoleSession s) {
        ProvisioningLogPage.Filter filter = new ProvisioningLogPage.Filter(
                choice(ctx.queryParam("status"), ProvisioningLogPage.STATUSES),
                choice(ctx.queryParam("period"), ProvisioningLogPage.PERIODS),
                param(ctx, "from"), param(ctx, "until"),
                OrganizationService.parseUuid(param(ctx, "account")).map(UUID::toString).orElse(""));
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Instant> from = time(filter.from(), "from", "From", errors);
        Optional<Instant> until = time(filter.until(), "until", "Until", errors);
        if (from.isPresent() && until.isPresent() && !from.get().isBefore(until.get())) {
            errors.put("until", "Until must be later than From.");
        }
        if (!errors.isEmpty()) {
            Views.render(ctx, 400, "console/provisioning_log.jte", new ProvisioningLogPage(s, filter, List.of(), errors,
                    "Correct the dates to see the requests.", false, Optional.empty(), Optional.empty(), Optional.empty(), ""));
            return;
        }
        Optional<Instant> periodStart = Optional.ofNullable(PERIODS.get(filter.period())).map(d -> Instant.now().minus(d));
        Optional<Instant> since = Stream.of(periodStart, from).flatMap(Optional::stream).max(Instant::compareTo);
        Optional<Long> before = id(ctx.queryParam("before"));
        Optional<Long> after = before.isPresent() ? Optional.empty() : id(ctx.queryParam("after"));
        // One more than a page: whether an "Older" (or, going back, a "Previous") link leads anywhere.
        ProvisioningLog.Page page = log.page(s.orgId(), new ProvisioningLog.Query(outcome(filter.status()),
                since, until, before, PAGE_SIZE + 1, OrganizationService.parseUuid(filter.account()), after));
        Paging.Log<ProvisioningLog.Stored> pages = Paging.Log.of(page.entries(), PAGE_SIZE, before.isPresent(), after.isPresent(),
                ctx.queryParam("start"), PATH + "?" + query(filter), ProvisioningLog.Stored::id);
        List<ProvisioningLog.Stored> shown = pages.shown();
        Map<UUID, String> tokenNames = tokenNames(s.orgId(), shown);
        List<ProvisioningLogPage.Entry> entries = shown.stream().map(e -> entry(e, s.orgId(), tokenNames)).toList();
        boolean later = before.isPresent() || after.isPresent();
        boolean nothingYet = entries.isEmpty() && filter.isDefault() && !later;
        String result = entries.isEmpty()
                ? (nothingYet ? "No requests yet." : "No requests match these filters.")
                : Paging.count(page.matching(), ProvisioningLog.COUNT_CAP, "request", "requests")
                  + (filter.isDefault() ? "" : page.matching() == 1 ? " matches these filters" : " match these filters")
                  + ", newest first.";
        Views.render(ctx, 200, "console/provisioning_log.jte", new ProvisioningLogPage(s, filter, entries, errors, result, nothingYet,
                pages.older(), pages.newest(), pages.previous(), pages.range(page.matching(), ProvisioningLog.COUNT_CAP)));
    }

    private void detail(Context ctx, ConsoleSession s) {
        UUID orgId = s.orgId();
        ProvisioningLog.Stored stored = id(ctx.pathParam("id")).flatMap(id -> log.find(orgId, id))
                .orElseThrow(NotFoundResponse::new);
        ProvisioningLogEntry e = stored.entry();
        Views.render(ctx, 200, "console/provisioning_log_entry.jte", new ProvisioningLogPage.Detail(s,
                entry(stored, orgId, tokenNames(orgId, List.of(stored))), e.path(), e.query().map(ProvisioningLogScreen::decoded),
                e.scimType(), e.requestBody().map(ShownJson::of), response(e)));
    }

    /** For a failure, the SCIM error body the IdP received (RFC 7644 §3.12), rebuilt from what the log keeps. */
    private static Optional<String> response(ProvisioningLogEntry e) {
        if (!e.failed()) return Optional.empty();
        var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.putArray("schemas").add("urn:ietf:params:scim:api:messages:2.0:Error");
        body.put("status", String.valueOf(e.status()));
        e.scimType().ifPresent(t -> body.put("scimType", t));
        e.detail().ifPresent(d -> body.put("detail", d));
        return Optional.of(ShownJson.of(body));
    }

    private Map<UUID, String> tokenNames(UUID orgId, List<ProvisioningLog.Stored> entries) {
        return tokens.describe(orgId, entries.stream().map(e -> e.entry().subject().tokenId())
                .flatMap(Optional::stream).distinct().toList());
    }

    private static ProvisioningLogPage.Entry entry(ProvisioningLog.Stored stored, UUID orgId, Map<UUID, String> tokenNames) {
        ProvisioningLogEntry e = stored.entry();
        String base = ScimRoutes.PREFIX + orgId;
        String path = e.path().startsWith(base) ? e.path().substring(base.length()) : e.path();
        String request = (path.isEmpty() ? "/" : path) + e.query().map(q -> "?" + decoded(q)).orElse("");
        String status = statusText(e.status());
        return new ProvisioningLogPage.Entry(PATH + "/" + stored.id(), e.at(), e.method(),
                request, client(e.client()), status, e.failed(), duration(e.durationMs()),
                e.failed() ? Optional.of(e.detail().orElse(status)) : Optional.empty(), e.hint(),
                e.subject().userName(), e.subject().accountId().map(id -> AccountsScreen.PATH + "/" + id),
                e.subject().tokenId().map(id -> tokenNames.getOrDefault(id, "a token that no longer exists")));
    }

    /** "400 Bad Request". */
    static String statusText(int status) {
        HttpStatus known = HttpStatus.forStatus(status);
        return known.getCode() == status ? status + " " + known.getMessage() : String.valueOf(status);
    }

    /** The client names http/Clients gives, as people write them; another agent as it came. */
    static String client(String name) {
        return switch (name) {
            case "okta" -> "Okta";
            case "entra" -> "Entra ID";
            case "onelogin" -> "OneLogin";
            case "jumpcloud" -> "JumpCloud";
            case "-" -> "Unknown";
            default -> name;
        };
    }

    static String duration(double ms) {
        return ms < 1 ? "<1 ms" : Math.round(ms) + " ms";
    }

    /** A query string as people read it ({@code filter=userName eq "ann@example.com"}); as stored if it is not valid encoding. */
    static String decoded(String query) {
        try {
            return URLDecoder.decode(query, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return query;
        }
    }

    /**
     * A time typed in the form, read as UTC: what a datetime-local field sends
     * ({@code 2026-05-01T09:00}, with or without seconds), also with a space, a trailing Z, or a
     * date alone (its midnight).
     */
    static Optional<Instant> time(String value, String field, String label, Map<String, String> errors) {
        if (value.isEmpty()) return Optional.empty();
        String v = value.replace(' ', 'T');
        if (v.endsWith("Z") || v.endsWith("z")) v = v.substring(0, v.length() - 1);
        if (v.length() == 10) v += "T00:00";
        try {
            return Optional.of(LocalDateTime.parse(v).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            errors.put(field, label + " must be a date and time in UTC, like 2026-05-01T09:00.");
            return Optional.empty();
        }
    }

    private static ProvisioningLog.Outcome outcome(String status) {
        return switch (status) {
            case "failures" -> ProvisioningLog.Outcome.FAILURES;
            case "successes" -> ProvisioningLog.Outcome.SUCCESSES;
            default -> ProvisioningLog.Outcome.ALL;
        };
    }

    /** The filters as a query string, for the page links. */
    private static String query(ProvisioningLogPage.Filter f) {
        return "status=" + enc(f.status()) + "&period=" + enc(f.period()) + "&from=" + enc(f.from()) + "&until=" + enc(f.until())
                + (f.account().isEmpty() ? "" : "&account=" + enc(f.account()));
    }

    /** A select's value if it is one of its choices, else "" (the first choice, no filter). */
    private static String choice(String value, List<List<String>> choices) {
        String v = value == null ? "" : value.strip();
        return choices.stream().anyMatch(c -> c.getFirst().equals(v)) ? v : "";
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.strip();
    }

    /** A log entry id from a link ({@code before=}, {@code after=}, the path), empty when it is none. */
    static Optional<Long> id(String value) {
        if (value == null || value.isBlank() || value.length() > 30) return Optional.empty();
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
