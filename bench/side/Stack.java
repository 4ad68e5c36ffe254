import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

/**
 * The stack's floor (issue 16): Lanyard's HTTP and database stack with nothing of Lanyard on it,
 * for bench/side/run to measure between the raw-JDBC floor and Lanyard. Javalin 7 on virtual
 * threads, HikariCP (16 connections), pgjdbc and Jackson, as Lanyard runs them; per request only
 * what the SCIM answer needs at the least:
 *
 * <ul>
 *   <li>{@code POST {base}/Users}: the body parsed into a tree, its userName taken, one
 *       autocommitted insert of the body as jsonb into a table shaped and indexed as the floor's
 *       (Floor.java), the tree written back with an id: 201.</li>
 *   <li>{@code GET {base}/Users?filter=userName eq "x"}: the value cut out of the filter, one
 *       select of the account by {@code (org_id, lower(email))} on Lanyard's own table and index,
 *       a ListResponse streamed with Jackson's generator.</li>
 * </ul>
 *
 * No token check beyond its presence, no request log, no provisioning log, no history, no
 * events: the difference between this and Lanyard is what Lanyard's own work costs; the
 * difference between this and the floor is what the HTTP and JSON stack costs.
 *
 * Usage (the class path of a Lanyard build): java -cp CP bench/side/Stack.java JDBC_URL
 * Prints "stack listening on http://127.0.0.1:PORT" once it listens; SIGTERM stops it.
 */
public class Stack {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(args[0]);
        pool.setMaximumPoolSize(16);
        pool.setMinimumIdle(16);
        HikariDataSource db = new HikariDataSource(pool);
        // A table of its own, shaped and indexed as the floor's (Floor.java): the floor's select picks
        // its keys from its own table, which must hold its rows only.
        try (Connection c = db.getConnection(); var s = c.createStatement()) {
            s.execute("""
                    create table if not exists bench_stack_users (
                        id uuid primary key, org_id uuid not null, email text not null, active boolean not null,
                        attributes jsonb not null, created_at timestamptz not null default now())""");
            s.execute("create unique index if not exists bench_stack_users_email on bench_stack_users (org_id, lower(email))");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.concurrency.useVirtualThreads = true;
            config.routes.get("/readyz", ctx -> ctx.result("ready\n"));
            config.routes.post("/scim/v2/{org}/Users", ctx -> create(ctx, db));
            config.routes.get("/scim/v2/{org}/Users", ctx -> lookup(ctx, db));
        }).start("127.0.0.1", 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            db.close();
        }));
        System.out.println("stack listening on http://127.0.0.1:" + app.port());
    }

    static boolean authorized(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) return true;
        ctx.status(401);
        return false;
    }

    static void create(Context ctx, HikariDataSource db) throws Exception {
        if (!authorized(ctx)) return;
        JsonNode body = JSON.readTree(ctx.bodyAsBytes());
        String userName = body.path("userName").asText();
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "insert into bench_stack_users (id, org_id, email, active, attributes) values (?, ?, ?, true, ?::jsonb)")) {
            s.setObject(1, id);
            s.setObject(2, UUID.fromString(ctx.pathParam("org")));
            s.setString(3, userName);
            s.setString(4, JSON.writeValueAsString(body));
            s.executeUpdate();
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("id", id.toString());
        ctx.status(201).contentType("application/scim+json");
        ctx.outputStream().write(JSON.writeValueAsBytes(body));
    }

    static void lookup(Context ctx, HikariDataSource db) throws Exception {
        if (!authorized(ctx)) return;
        String filter = ctx.queryParam("filter");
        int open = filter == null ? -1 : filter.indexOf('"');
        int close = open < 0 ? -1 : filter.lastIndexOf('"');
        if (close <= open) {
            ctx.status(400);
            return;
        }
        String userName = filter.substring(open + 1, close);
        ctx.contentType("application/scim+json");
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("select scim_id, email, display_name, external_id, status, version "
                     + "from managed_accounts where org_id = ? and lower(email) = lower(?) and scim_id is not null")) {
            s.setObject(1, UUID.fromString(ctx.pathParam("org")));
            s.setString(2, userName);
            try (ResultSet rs = s.executeQuery();
                 JsonGenerator g = JSON.getFactory().createGenerator(ctx.outputStream())) {
                g.writeStartObject();
                g.writeArrayFieldStart("schemas");
                g.writeString("urn:ietf:params:scim:api:messages:2.0:ListResponse");
                g.writeEndArray();
                java.util.List<String[]> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            String.valueOf(rs.getLong(6))});
                }
                g.writeNumberField("totalResults", rows.size());
                g.writeNumberField("startIndex", 1);
                g.writeNumberField("itemsPerPage", rows.size());
                g.writeArrayFieldStart("Resources");
                for (String[] r : rows) {
                    g.writeStartObject();
                    g.writeStringField("id", r[0]);
                    g.writeStringField("userName", r[1]);
                    g.writeStringField("displayName", r[2]);
                    g.writeStringField("externalId", r[3]);
                    g.writeBooleanField("active", "active".equals(r[4]));
                    g.writeObjectFieldStart("meta");
                    g.writeStringField("resourceType", "User");
                    g.writeStringField("version", "W/\"" + r[5] + "\"");
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        }
    }
}
