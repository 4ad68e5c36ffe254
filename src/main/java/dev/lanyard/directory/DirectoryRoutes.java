package dev.lanyard.directory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.http.Access;
import dev.lanyard.organization.OrganizationService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The apps' API under /api/v1 (README "Directory API and events"): the event feed and the
 * Directory API, JSON shaped for apps (snake_case, stable ids), not SCIM. Every route is
 * registered through {@link #add}, which declares {@link Access#APP} and runs {@link AppAuth}
 * before the handler; errors are {@code {"status": 400, "message": "..."}}.
 */
public final class DirectoryRoutes {
    public static final String PREFIX = "/api/v1";
    private static final JsonFactory JSON = JsonBuffers.pooled(new JsonFactory());
    private static final Set<String> PAGE = Set.of("after", "limit");

    private final Directory directory;
    private final AppAuth auth;

    public DirectoryRoutes(Directory directory, dev.lanyard.oidc.ClientService apps, OrganizationService organizations) {
        this.directory = directory;
        this.auth = new AppAuth(apps, organizations, AppAuth.RATE);
    }

    public static boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    @FunctionalInterface
    interface Handler {
        void handle(Context ctx, AppAuth.Caller caller) throws Exception;
    }

    public void register(RoutesConfig routes) {
        String org = PREFIX + "/orgs/{org}";
        add(routes, org + "/events", this::events);
        add(routes, org + "/accounts", this::accounts);
        add(routes, org + "/accounts/{id}", (ctx, caller) -> json(ctx, directory.api().account(caller.orgId(), id(ctx, "account"))));
        add(routes, org + "/groups", this::groups);
        add(routes, org + "/groups/{id}", (ctx, caller) -> json(ctx, directory.api().group(caller.orgId(), id(ctx, "group"))));
        add(routes, org + "/groups/{id}/members", (ctx, caller) -> {
            known(ctx, PAGE);
            list(ctx, directory.api().members(caller.orgId(), id(ctx, "group"), after(ctx), limit(ctx)));
        });
    }

    private void add(RoutesConfig routes, String path, Handler handler) {
        io.javalin.http.Handler checked = ctx -> handler.handle(ctx, auth.require(ctx));
        routes.addHttpHandler(HandlerType.GET, path, checked, Access.APP);
        // HEAD is GET without the body, with GET's check (Javalin alone would answer it without running either).
        routes.addHttpHandler(HandlerType.HEAD, path, checked, Access.APP);
    }

    /**
     * GET /events?after=&limit=: {"data": [event ...], "next_cursor": "...", "has_more": false}.
     * {@code after=now} answers no events and the position after everything committed so far:
     * where an app starts following before it reads the accounts list for its first sync.
     */
    private void events(Context ctx, AppAuth.Caller caller) throws IOException {
        known(ctx, PAGE);
        int limit = limit(ctx);
        Optional<String> after = after(ctx);
        EventStore.Page page = after.equals(Optional.of("now"))
                ? new EventStore.Page(List.of(), directory.events().now(), false)
                : directory.events().page(caller.orgId(), EventCursor.parse(after), limit);
        write(ctx, g -> {
            g.writeArrayFieldStart("data");
            for (DirectoryEvent e : page.events()) e.write(g);
            g.writeEndArray();
            g.writeStringField("next_cursor", page.next().encode());
            g.writeBooleanField("has_more", page.hasMore());
        });
    }

    private void accounts(Context ctx, AppAuth.Caller caller) throws IOException {
        known(ctx, Set.of("after", "limit", "status", "email", "updated_since"));
        var filter = new DirectoryService.AccountFilter(single(ctx, "status"), single(ctx, "email"), updatedSince(ctx));
        list(ctx, directory.api().accounts(caller.orgId(), filter, after(ctx), limit(ctx)));
    }

    private void groups(Context ctx, AppAuth.Caller caller) throws IOException {
        known(ctx, Set.of("after", "limit", "updated_since"));
        list(ctx, directory.api().groups(caller.orgId(), updatedSince(ctx), after(ctx), limit(ctx)));
    }

    /** {"data": [...], "next_cursor": "..." or null}. */
    private static void list(Context ctx, DirectoryService.Page page) throws IOException {
        write(ctx, g -> {
            g.writeArrayFieldStart("data");
            for (String row : page.json()) g.writeRawValue(row);
            g.writeEndArray();
            if (page.next().isPresent()) g.writeStringField("next_cursor", page.next().get());
            else g.writeNullField("next_cursor");
        });
    }

    private static void json(Context ctx, String body) {
        ctx.contentType("application/json").result(body);
    }

    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static void write(Context ctx, Fields fields) throws IOException {
        var out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        json(ctx, out.toString());
    }

    /** A misspelt parameter would silently widen a query; name the ones this path takes instead. */
    private static void known(Context ctx, Set<String> names) {
        for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
            if (!names.contains(p.getKey())) {
                throw new DomainException.Invalid("unknown query parameter \"" + clip(p.getKey()) + "\"; this path takes "
                        + String.join(", ", names.stream().sorted().toList()));
            }
            if (p.getValue().size() > 1) throw new DomainException.Invalid(p.getKey() + " is given more than once");
        }
    }

    private static Optional<String> single(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name));
    }

    private static Optional<String> after(Context ctx) {
        Optional<String> after = single(ctx, "after");
        if (after.isPresent() && after.get().length() > 100) throw new DomainException.Invalid("after is too long to be a cursor");
        return after;
    }

    /** 1 to 1000, 100 when absent. */
    static int limit(Context ctx) {
        Optional<String> text = single(ctx, "limit");
        if (text.isEmpty()) return DirectoryService.DEFAULT_LIMIT;
        try {
            int limit = Integer.parseInt(text.get());
            if (limit >= 1 && limit <= DirectoryService.MAX_LIMIT) return limit;
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new DomainException.Invalid("limit must be a whole number from 1 to " + DirectoryService.MAX_LIMIT + "; got \""
                + clip(text.get()) + "\"");
    }

    private static Optional<Instant> updatedSince(Context ctx) {
        return single(ctx, "updated_since").map(t -> {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e) {
                throw new DomainException.Invalid("updated_since must be an RFC 3339 time such as 2026-12-01T00:00:00Z; got \""
                        + clip(t) + "\"");
            }
        });
    }

    private static UUID id(Context ctx, String what) {
        String id = ctx.pathParam("id");
        return OrganizationService.parseUuid(id)
                .orElseThrow(() -> new DomainException.NotFound("no " + what + " " + clip(id) + " in this organization"));
    }

    /** The error shape of /api/v1: {"status": 404, "message": "..."}; a 401 says how to authenticate. */
    public static void error(Context ctx, int status, String message) {
        if (status == 401) ctx.header("WWW-Authenticate", AppAuth.CHALLENGE);
        var out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("status", status);
            g.writeStringField("message", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ctx.status(status).contentType("application/json").result(out.toString());
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
