package dev.lanyard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.App;
import dev.lanyard.storage.Database;
import io.javalin.Javalin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The real application on a random port, on a fresh database ({@link TestDb}), driven over real
 * HTTP. One per test class: {@code static TestApp app = TestApp.start();} and close it after all.
 */
public final class TestApp implements AutoCloseable {
    private final Database database;
    private final String databaseUrl;
    private final Javalin server;
    private final App.Services services;
    private final String operatorToken;
    private final Http http;

    private TestApp(Database database, String databaseUrl, Javalin server, App.Services services, String operatorToken) {
        this.database = database;
        this.databaseUrl = databaseUrl;
        this.server = server;
        this.services = services;
        this.operatorToken = operatorToken;
        this.http = new Http(baseUrl());
    }

    public static TestApp start() {
        return start(dev.lanyard.webhook.WebhookOptions.defaults(false));
    }

    /** With webhook delivery set up for the test (private addresses allowed, short retries). */
    public static TestApp start(dev.lanyard.webhook.WebhookOptions webhooks) {
        String databaseUrl = TestDb.createDatabase();
        Database database = Database.external(databaseUrl);
        try {
            App.Services services = App.Services.on(database,
                    java.time.Duration.ofDays(dev.lanyard.config.Settings.DEFAULT_LOG_RETENTION_DAYS),
                    java.time.Duration.ofDays(dev.lanyard.config.Settings.DEFAULT_EVENT_RETENTION_DAYS),
                    java.time.Duration.ofDays(dev.lanyard.config.Settings.DEFAULT_AUDIT_RETENTION_DAYS), webhooks);
            Path dataDir = Files.createTempDirectory("lanyard-it");
            Path tokenFile = services.operator().ensure(dataDir);
            String operatorToken = Files.readString(tokenFile).strip();
            Javalin server = App.create(services, Optional.empty()).start("127.0.0.1", 0);
            return new TestApp(database, databaseUrl, server, services, operatorToken);
        } catch (IOException e) {
            database.close();
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public Http http() {
        return http;
    }

    /** The running server, e.g. to enumerate its registered routes. */
    public Javalin server() {
        return server;
    }

    /** The server's pool: connections with the same session settings the server's own statements run with. */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    public App.Services services() {
        return services;
    }

    /**
     * Waits until the server's connections keep plans made without values, which they do once
     * managed_accounts has Database.KEPT_PLANS_MIN_ROWS rows as PostgreSQL's statistics count
     * them (a moment after the rows are committed); fails after 20 s.
     */
    public void awaitPlansKept() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!database.keepPlansOnceLarge()) {
            if (System.nanoTime() > deadline) throw new AssertionError("managed_accounts never counted as large enough to keep plans");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public String operatorToken() {
        return operatorToken;
    }

    /** A new organization with provisioning enabled and one SCIM token, made through the admin API. */
    public Org newOrg(String name) {
        return newOrg(name, true);
    }

    public Org newOrg(String name, boolean provisioningEnabled) {
        Http.Response created = http.send("POST", "/admin/api/orgs", operatorToken, "{\"name\":\"" + name + "\"}");
        if (created.status() != 201) throw new IllegalStateException("creating org " + name + ": " + created);
        String orgId = created.json().get("id").asText();
        if (provisioningEnabled) {
            http.send("PUT", "/admin/api/orgs/" + orgId + "/provisioning", operatorToken, "{\"enabled\":true}").expect(200);
        }
        JsonNode token = http.send("POST", "/admin/api/orgs/" + orgId + "/tokens", operatorToken, "{\"label\":\"test\"}")
                .expect(201).json();
        return new Org(orgId, name, token.get("scimUrl").asText(), token.get("token").asText(), token.get("id").asText());
    }

    /** A SCIM request with the organization's token, sent as the client named by {@code userAgent} (e.g. "Okta SCIM Client 1.0.0"). */
    public Http.Response scim(Org org, String userAgent, String method, String path, String body) {
        return http.send(method, org.scimPath() + path, body,
                java.util.Map.of("Authorization", "Bearer " + org.token(), "User-Agent", userAgent));
    }

    /** Waits until the provisioning log has written every request answered so far (it writes in the background). */
    public void flushProvisioningLog() {
        try {
            services.provisioningLog().flush(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs SQL against the app's database, for checks a client cannot make (nothing half-written). */
    public long count(String sql, Object... params) {
        try (var c = database.dataSource().getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row of a query, as text (null when there is no row). */
    public String queryString(String sql, Object... params) {
        try (var c = database.dataSource().getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a statement on the app's database (test fixtures that HTTP would make slow). */
    public void execute(String sql, Object... params) {
        try (var c = database.dataSource().getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            ps.execute();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The plan PostgreSQL picks for a query when sequential scans are ruled out: proves an index
     * can serve it. Values are inlined as literals, as the server's custom plans see them
     * (statements marked Sql.PLANNED_WITH_VALUES are planned with their values each time).
     */
    public String planWithoutSeqScan(String sql, java.util.List<Object> params) {
        StringBuilder inlined = new StringBuilder();
        int p = 0;
        for (char ch : sql.toCharArray()) {
            if (ch != '?') {
                inlined.append(ch);
                continue;
            }
            Object v = params.get(p++);
            inlined.append(v instanceof Boolean || v instanceof Number ? String.valueOf(v)
                    : "'" + String.valueOf(v).replace("'", "''") + "'" + (v instanceof java.util.UUID ? "::uuid" : ""));
        }
        return plan(inlined.toString());
    }

    /** Code that runs SQL on a connection: a store method, called as the service would call it. */
    @FunctionalInterface
    public interface SqlWork {
        void run(java.sql.Connection c) throws java.sql.SQLException;
    }

    /** A statement the code prepared and the plan PostgreSQL picks for it. */
    public record Planned(String sql, String plan) {
        @Override
        public String toString() {
            return sql + "\n" + plan;
        }
    }

    /**
     * The plans of the exact statements {@code work} prepares, with the values it binds, when
     * sequential scans are ruled out: each statement is prepared as {@code explain <sql>} on the
     * app's pool, so nothing executes; every query reads no row (counts read 0). A statement marked
     * Sql.PLANNED_WITH_VALUES is planned with its values; any other one with the generic plan the
     * server may keep for it (plan_cache_mode auto may choose it), so the plan shown holds for every
     * value. Proves that the SQL the code writes, not a copy of it, has an index.
     */
    public java.util.List<Planned> plansWithoutSeqScan(SqlWork work) {
        return plans(work, "explain ");
    }

    /**
     * The same, but run ({@code explain (analyze)}, in a transaction rolled back at the end): each
     * plan node says how often it ran ({@code loops=}), e.g. an output column's SubPlan once per
     * row returned or once per row read.
     */
    public java.util.List<Planned> plansRunWithoutSeqScan(SqlWork work) {
        return plans(work, "explain (analyze, costs off, timing off) ");
    }

    private java.util.List<Planned> plans(SqlWork work, String explain) {
        java.util.List<Planned> plans = new java.util.ArrayList<>();
        try (var c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.execute("set local enable_seqscan = off");
            }
            work.run(explaining(c, plans, explain));
            c.rollback();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return plans;
    }

    private static java.sql.Connection explaining(java.sql.Connection real, java.util.List<Planned> plans, String explain) {
        return proxy(java.sql.Connection.class, (self, m, args) -> {
            if (!m.getName().equals("prepareStatement")) return m.invoke(real, args);
            String sql = (String) args[0];
            try (var s = real.createStatement()) {
                s.execute("set local plan_cache_mode = " + (sql.contains(dev.lanyard.storage.Sql.PLANNED_WITH_VALUES)
                        ? "force_custom_plan" : "force_generic_plan"));
                // Statements sent together (Sql.together): the ones before the last (settings, such
                // as Sql.KEPT_INDEX_PLAN) run, in this transaction; the last one is explained.
                int last = sql.lastIndexOf(";\n");
                if (last >= 0) s.execute(sql.substring(0, last));
            }
            java.sql.PreparedStatement explained = real.prepareStatement(explain + sql.substring(sql.lastIndexOf(";\n") + 1));
            return proxy(java.sql.PreparedStatement.class, (ps, pm, pargs) -> switch (pm.getName()) {
                case "executeQuery", "executeUpdate", "execute" -> {
                    StringBuilder plan = new StringBuilder();
                    try (var rs = explained.executeQuery()) {
                        while (rs.next()) plan.append(rs.getString(1)).append('\n');
                    }
                    plans.add(new Planned(sql, plan.toString()));
                    yield pm.getName().equals("executeQuery") ? noRows() : pm.getName().equals("execute") ? (Object) false : (Object) 0;
                }
                case "close" -> {
                    explained.close();
                    yield null;
                }
                default -> pm.invoke(explained, pargs);
            });
        });
    }

    /** A result set with no rows, whose getters answer zero values (Sql.count reads one without next()). */
    private static java.sql.ResultSet noRows() {
        return proxy(java.sql.ResultSet.class, (self, m, args) -> {
            Class<?> t = m.getReturnType();
            if (t == boolean.class) return false;
            if (t == int.class) return 0;
            if (t == long.class) return 0L;
            if (t == double.class) return 0d;
            return null;
        });
    }

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        java.lang.reflect.InvocationHandler unwrapping = (self, m, args) -> {
            try {
                return handler.invoke(self, m, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(TestApp.class.getClassLoader(), new Class<?>[] {type}, unwrapping));
    }

    private String plan(String sql) {
        java.util.List<Object> params = java.util.List.of();
        try (var c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.execute("set local enable_seqscan = off");
            }
            StringBuilder plan = new StringBuilder();
            try (var ps = c.prepareStatement("explain " + sql)) {
                for (int i = 0; i < params.size(); i++) dev.lanyard.storage.Sql.bind(ps, i + 1, params.get(i));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) plan.append(rs.getString(1)).append('\n');
                }
            }
            c.rollback();
            return plan.toString();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        services.close();
        database.close();
        TestDb.dropDatabase(databaseUrl);
    }

    /** An organization as a test sees it: where its SCIM API is and a token for it. */
    public record Org(String id, String name, String scimUrl, String token, String tokenId) {
        /** The SCIM base path relative to the server, e.g. /scim/v2/{id}. */
        public String scimPath() {
            return "/scim/v2/" + id;
        }
    }
}
