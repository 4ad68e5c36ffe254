// EXPLAIN (ANALYZE, BUFFERS) of the exact SQL behind the benchmark's SCIM queries
// (bench/million/run), and of the console's, SAML sign-in's and the Directory API's account reads. Runs Lanyard's own code path (AccountService.searchLinked with the
// filter translated by SqlFilter, the sort key from AccountColumns, the window from the paging
// parameters) on a DataSource that records every statement and its bound values, then explains
// each recorded statement with the same values on the same database.
//
//   java -cp 'target/classes:target/lib/*' bench/million/Plans.java --data DIR --out bench/million/plans.txt
//
// The PostgreSQL of a running `bin/lanyard serve --data DIR` is found through
// DIR/postgres/postmaster.pid (line 4: the port); user postgres (its password from
// DIR/database-secret), database postgres.

import com.unboundid.scim2.common.filters.Filter;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.account.AccountService;
import dev.lanyard.directory.DirectoryService;
import dev.lanyard.scim.ScimFilters;
import dev.lanyard.storage.Transactions;

import javax.sql.DataSource;
import java.io.Reader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

public class Plans {

    /** A statement the service prepared, and the setXxx calls made on it, in order. */
    record Recorded(String sql, List<Object[]> binds) {}

    static final List<Recorded> recorded = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path data = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<String> pid = Files.readAllLines(data.resolve("postgres/postmaster.pid"));
        Properties secrets = new Properties();
        try (Reader r = Files.newBufferedReader(data.resolve("database-secret"))) {
            secrets.load(r);
        }
        // the embedded PostgreSQL takes passwords only (EmbeddedServer); the superuser's is in DIR/database-secret
        String url = "jdbc:postgresql://localhost:" + pid.get(3).strip() + "/postgres?user=postgres&password="
                + java.net.URLEncoder.encode(secrets.getProperty("superuser"), java.nio.charset.StandardCharsets.UTF_8);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(data.resolve("bench.properties"))) {
            p.load(r);
        }
        StringBuilder b = new StringBuilder();
        try (Connection real = DriverManager.getConnection(url)) {
            b.append("-- ").append(scalar(real, "select version()")).append('\n');
            b.append("-- EXPLAIN (ANALYZE, BUFFERS) of the SQL AccountService.searchLinked runs for each benchmark query:\n");
            b.append("-- countLinked (totalResults) then searchLinked (the page), with the values the service bound.\n");
            b.append("-- Settings: ").append(scalar(real, "select string_agg(name || '=' || setting, ', ' order by name) from pg_settings "
                    + "where name in ('shared_buffers','work_mem','effective_cache_size','random_page_cost','max_parallel_workers_per_gather','jit')")).append('\n');
            DataSource recording = recordingDataSource(url);
            AccountService service = new AccountService(new Transactions(recording));
            // package-private: the server builds it in App; the bench calls it the same way
            var constructor = DirectoryService.class.getDeclaredConstructor(Transactions.class);
            constructor.setAccessible(true);
            DirectoryService directory = constructor.newInstance(new Transactions(recording));
            for (String org : List.of("large", "small")) {
                UUID orgId = UUID.fromString(p.getProperty(org + ".orgId"));
                int users = Integer.parseInt(p.getProperty(org + ".users"));
                int deep = users / 10 * 9;
                String sample = p.getProperty(org + ".sample").split(" ")[0];
                String co = p.getProperty(org + ".co");
                long seqAtDepth = Long.parseLong(scalar(real, "select seq from managed_accounts where org_id = '" + orgId
                        + "' and scim_id is not null order by seq offset " + (deep - 1) + " limit 1"));
                b.append("\n\n######## organization ").append(org).append(" (").append(String.format(Locale.ROOT, "%,d", users))
                        .append(" users, ").append(orgId).append(")\n");
                explain(real, service, orgId, b, "a. GET /Users?filter=userName eq \"" + sample + "\"",
                        "userName eq \"" + sample + "\"", null, new AccountQuery.Index(0, 100));
                explain(real, service, orgId, b, "b. GET /Users?filter=userName co \"" + co + "\"&count=10",
                        "userName co \"" + co + "\"", null, new AccountQuery.Index(0, 10));
                explain(real, service, orgId, b, "c. GET /Users?sortBy=userName&count=100",
                        null, "userName", new AccountQuery.Index(0, 100));
                explain(real, service, orgId, b, "d. GET /Users?startIndex=" + (deep + 1) + "&count=100",
                        null, null, new AccountQuery.Index(deep, 100));
                explain(real, service, orgId, b, "e. GET /Users?cursor=&count=100 (first page)",
                        null, null, new AccountQuery.After(Optional.empty(), 100));
                explain(real, service, orgId, b, "e. GET /Users?cursor=<cursor at depth " + deep + ">&count=100 (the cursor carries seq "
                                + seqAtDepth + ")",
                        null, null, new AccountQuery.After(
                                Optional.of(new AccountQuery.Position(Optional.of(Long.toString(seqAtDepth)), seqAtDepth)), 100));
                explain(real, service, orgId, b, "f. (extra) GET /Users?filter=userName ew \"@example.com\"&count=100 (every user matches)",
                        "userName ew \"@example.com\"", null, new AccountQuery.Index(0, 100));
                // The other readers of managed_accounts (docs/performance.md "Which index serves which query").
                String[] atDepth = scalar(real, "select lower(email) || ' ' || seq from managed_accounts where org_id = '" + orgId
                        + "' and scim_id is not null order by lower(email) offset " + (deep - 1) + " limit 1").split(" ");
                explain(real, service, orgId, b, "g. GET /Users?sortBy=userName&cursor=<cursor at depth " + deep + ">&count=100",
                        null, "userName", new AccountQuery.After(
                                Optional.of(new AccountQuery.Position(Optional.of(atDepth[0]), Long.parseLong(atDepth[1]))), 100));
                explain(real, service, orgId, b, "h. GET /Users?sortBy=meta.lastModified&cursor=&count=100",
                        null, "meta.lastModified", new AccountQuery.After(Optional.empty(), 100));
                String prefix = sample.substring(0, Math.min(4, sample.length()));
                explain(real, b, "i. console: Managed accounts, search \"" + prefix + "\" (page and count)",
                        () -> service.browse(orgId, Optional.empty(), prefix, new AccountService.Position.First(), 50));
                explain(real, b, "j. SAML sign-in: the account for \"" + sample + "\"", () -> service.findForSignIn(orgId, sample));
                explain(real, b, "k. Directory API: GET /api/v1/accounts?email=" + sample,
                        () -> directory.accounts(orgId, new DirectoryService.AccountFilter(Optional.empty(), Optional.of(sample), Optional.empty()),
                                Optional.empty(), 100));
                explain(real, b, "l. Directory API: GET /api/v1/accounts?limit=100", () -> directory.accounts(orgId,
                        new DirectoryService.AccountFilter(Optional.empty(), Optional.empty(), Optional.empty()), Optional.empty(), 100));
            }
            // Diagnostic, not what the server runs: the small organization's co query planned without
            // bitmap scans, i.e. through its own rows (org_id index) instead of the trigram index, whose
            // candidates come from every organization in the table.
            UUID smallId = UUID.fromString(p.getProperty("small.orgId"));
            b.append("\n\n######## diagnostic: small organization, b. (co) with enable_bitmapscan = off (NOT the server's plan)\n");
            try (Statement st = real.createStatement()) {
                st.execute("set enable_bitmapscan = off");
            }
            explain(real, service, smallId, b, "b. (diagnostic) GET /Users?filter=userName co \"" + p.getProperty("small.co") + "\"&count=10, "
                            + "bitmap scans off on the EXPLAIN connection",
                    "userName co \"" + p.getProperty("small.co") + "\"", null, new AccountQuery.Index(0, 10));
            try (Statement st = real.createStatement()) {
                st.execute("reset enable_bitmapscan");
            }
        }
        Files.writeString(out, b.toString());
        System.out.println("wrote " + out);
    }

    /** A SCIM list as UserRoutes asks for it: filter and sortBy (null: none) checked by AccountService.criteria, and a window. */
    static void explain(Connection real, AccountService service, UUID orgId, StringBuilder b, String title, String filter,
                        String sortBy, AccountQuery.Window window) throws Exception {
        Optional<Filter> parsed = filter == null ? Optional.empty() : Optional.of(ScimFilters.parse(filter));
        AccountQuery.Criteria criteria = AccountService.criteria(parsed, Optional.ofNullable(sortBy), false);
        explain(real, b, title, () -> service.searchLinked(orgId, criteria, window));
    }

    /** Lanyard code that reads through the recording DataSource. */
    interface Work {
        void run() throws Exception;
    }

    static void explain(Connection real, StringBuilder b, String title, Work work) throws Exception {
        recorded.clear();
        work.run();                           // runs the real statements once (and records them)
        List<Recorded> statements = List.copyOf(recorded);
        b.append("\n==== ").append(title).append('\n');
        for (Recorded r : statements) {
            List<String> values = new ArrayList<>();
            for (Object[] bind : r.binds()) values.add(String.valueOf(((Object[]) bind[1])[1]));
            b.append("\n-- SQL: ").append(r.sql().replace("\n", " ").replaceAll(" +", " ")).append('\n');
            b.append("-- values: ").append(values).append('\n');
            try (PreparedStatement ps = real.prepareStatement("explain (analyze, buffers) " + r.sql())) {
                for (Object[] bind : r.binds()) ((Method) bind[0]).invoke(ps, (Object[]) bind[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) b.append(rs.getString(1)).append('\n');
                }
            }
        }
        System.out.println("explained: " + title + " (" + statements.size() + " statements)");
    }

    static String scalar(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Connections whose prepared statements record their SQL and bound values. */
    static DataSource recordingDataSource(String url) {
        InvocationHandler ds = (proxy, m, a) -> switch (m.getName()) {
            case "getConnection" -> connection(DriverManager.getConnection(url));
            case "unwrap", "isWrapperFor" -> throw new UnsupportedOperationException(m.getName());
            case "toString" -> "recording DataSource";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == a[0];
            default -> throw new UnsupportedOperationException(m.getName());
        };
        return (DataSource) Proxy.newProxyInstance(Plans.class.getClassLoader(), new Class<?>[] {DataSource.class}, ds);
    }

    static Connection connection(Connection real) {
        InvocationHandler h = (proxy, m, a) -> {
            Object result = invoke(real, m, a);
            if (m.getName().equals("prepareStatement") && a != null && a.length == 1 && a[0] instanceof String sql) {
                Recorded r = new Recorded(sql, new ArrayList<>());
                recorded.add(r);
                return statement((PreparedStatement) result, r);
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(Plans.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    static PreparedStatement statement(PreparedStatement real, Recorded r) {
        InvocationHandler h = (proxy, m, a) -> {
            if (m.getName().startsWith("set") && a != null && a.length >= 2 && a[0] instanceof Integer) {
                r.binds().add(new Object[] {m, a.clone()});
            }
            return invoke(real, m, a);
        };
        return (PreparedStatement) Proxy.newProxyInstance(Plans.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, h);
    }

    static Object invoke(Object target, Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
