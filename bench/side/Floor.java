// The raw-JDBC floor for bench/side/run: what the same PostgreSQL does for the same work without
// any server in between. Run as a single source file with pgjdbc on the class path:
//
//   java -cp target/lib/postgresql-*.jar bench/side/Floor.java JDBC_URL insert|select|update SECONDS THREADS
//   java -cp ... bench/side/Floor.java JDBC_URL dump ORG_ID FILE_PREFIX COUNT
//
// insert: THREADS threads, each on its own connection, one autocommitted INSERT per user (an
//         Okta-shaped user as jsonb, the same body bench/side/post.lua sends) into bench_floor_users,
//         which has a unique index on (org_id, lower(email)), for SECONDS seconds.
// select: point selects of random existing users by (org_id, lower(email)) (Okta's pre-check).
// update: one autocommitted UPDATE of a random user's active flag by primary key.
// Prints one line: RESULT <name> <requests> <seconds> <per second> <p50 ms> <p99 ms> <errors> <CPU ms per request>,
// the CPU being this process's plus its PostgreSQL backends' (read from /proc: same machine).
// dump:   writes COUNT of the organization's SCIM users to FILE_PREFIX.emails and FILE_PREFIX.ids
//         (one a line) for the lookup and PATCH phases of the Lanyard side.
// preload (java ... Floor.java JDBC_URL preload ORG_ID ACCOUNTS ORGS PER_ORG): ACCOUNTS more SCIM
//         users in the measured organization, and ORGS - 1 other organizations with PER_ORG users
//         each, written by PostgreSQL itself (insert ... select generate_series, one statement per
//         organization batch), then VACUUM ANALYZE: the "1 M users" and "1,000 organizations"
//         variants of issue 16. Rows are what a POST /Users stores, with Okta-shaped attributes.
//
// Bounded: every phase ends after SECONDS (at most 600), THREADS at most 256, connections are
// closed on exit, and only a loopback database is accepted (this is a benchmark, not a tool).

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

public class Floor {
    static final UUID ORG = UUID.fromString("00000000-0000-4000-8000-0000000f1001");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: Floor JDBC_URL insert|select|update SECONDS THREADS | dump ORG FILE COUNT");
        String url = args[0];
        if (!url.matches("jdbc:postgresql://(127\\.0\\.0\\.1|localhost|\\[::1\\])[:/].*")) {
            throw new IllegalArgumentException("only a loopback database: " + url);
        }
        switch (args[1]) {
            case "dump" -> dump(url, UUID.fromString(args[2]), args[3], Math.min(100_000, Integer.parseInt(args[4])));
            case "preload" -> preload(url, UUID.fromString(args[2]), Math.min(5_000_000, Integer.parseInt(args[3])),
                    Math.min(10_000, Integer.parseInt(args[4])), Math.min(100_000, Integer.parseInt(args[5])));
            case "insert", "select", "update" -> {
                int seconds = Math.max(1, Math.min(600, Integer.parseInt(args[2])));
                int threads = Math.max(1, Math.min(256, Integer.parseInt(args[3])));
                run(url, args[1], seconds, threads);
            }
            default -> throw new IllegalArgumentException("unknown phase " + args[1]);
        }
    }

    static void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    create table if not exists bench_floor_users (
                        id uuid primary key, org_id uuid not null, email text not null, active boolean not null,
                        attributes jsonb not null, created_at timestamptz not null default now())""");
            s.execute("create unique index if not exists bench_floor_users_email on bench_floor_users (org_id, lower(email))");
        }
    }

    static String body(String userName, long i) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + userName + "\","
                + "\"name\":{\"givenName\":\"Ada\",\"familyName\":\"Lovelace\"},"
                + "\"emails\":[{\"primary\":true,\"value\":\"" + userName + "\",\"type\":\"work\"}],"
                + "\"displayName\":\"Ada Lovelace\",\"locale\":\"en-US\",\"externalId\":\"00u" + i + "\",\"groups\":[],\"active\":true}";
    }

    static void run(String url, String phase, int seconds, int threads) throws Exception {
        List<String> emails = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url)) {
            prepare(c);
            if (!phase.equals("insert")) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select id, email from bench_floor_users order by random() limit 20000")) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                        emails.add(rs.getString(2));
                    }
                }
                if (ids.isEmpty()) throw new IllegalStateException("no floor users yet: run the insert phase first");
            }
        }
        String run = Long.toString(System.nanoTime(), 36);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        AtomicLong backendTicks = new AtomicLong();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long[][] samples = new long[threads][];
        int[] counts = new int[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(Thread.ofPlatform().start(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                try (Connection c = DriverManager.getConnection(url)) {
                    PreparedStatement ps = switch (phase) {
                        case "insert" -> c.prepareStatement("insert into bench_floor_users (id, org_id, email, active, attributes) values (?, ?, ?, true, ?::jsonb)");
                        case "select" -> c.prepareStatement("select id, email, active, attributes::text from bench_floor_users where org_id = ? and lower(email) = lower(?)");
                        default -> c.prepareStatement("update bench_floor_users set active = not active where id = ?");
                    };
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long backend;
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
                        rs.next();
                        backend = rs.getLong(1);
                    }
                    long ticksBefore = ticks(backend);
                    long i = 0;
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        try {
                            switch (phase) {
                                case "insert" -> {
                                    String userName = "floor." + run + "." + me + "." + (i++) + "@example.com";
                                    ps.setObject(1, UUID.randomUUID());
                                    ps.setObject(2, ORG);
                                    ps.setString(3, userName);
                                    ps.setString(4, body(userName, i));
                                    ps.executeUpdate();
                                }
                                case "select" -> {
                                    ps.setObject(1, ORG);
                                    ps.setString(2, emails.get(random.nextInt(emails.size())));
                                    try (ResultSet rs = ps.executeQuery()) {
                                        if (!rs.next()) errors.incrementAndGet();
                                        else rs.getString(4);
                                    }
                                }
                                default -> {
                                    ps.setObject(1, ids.get(random.nextInt(ids.size())));
                                    ps.executeUpdate();
                                }
                            }
                        } catch (SQLException e) {
                            errors.incrementAndGet();
                        }
                        if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
                        lat[n++] = System.nanoTime() - start;
                    }
                    backendTicks.addAndGet(ticks(backend) - ticksBefore);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                samples[me] = lat;
                counts[me] = n;
            }));
        }
        for (Thread w : workers) w.join();
        double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6 + backendTicks.get() * 1000.0 / TICKS_PER_SECOND;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(samples[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        System.out.printf(java.util.Locale.ROOT, "RESULT floor_%s %d %d %.1f %.2f %.2f %d %.3f%n", phase, total, seconds,
                total / (double) seconds, pct(all, 50), pct(all, 99), errors.get(), total == 0 ? 0 : cpuMs / total);
    }

    /** USER_HZ: /proc/PID/stat counts CPU time in these ticks (100 a second on Linux). */
    static final int TICKS_PER_SECOND = 100;

    /** utime + stime of a process, in ticks (0 when it is gone or not readable). */
    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, i)] / 1e6;
    }

    /** The managed_accounts row a POST /Users of user n stores (the columns AccountStore.insert writes). */
    static final String ACCOUNT_ROWS = """
            insert into managed_accounts (id, org_id, email, status, scim_id, external_id, display_name, attributes,
                                          scim_created_at)
            select gen_random_uuid(), o.id, %1$s || n || '@preload.example.com', 'active', gen_random_uuid(), 'pre-' || n,
                   'Pre Load ' || n,
                   jsonb_build_object('name', jsonb_build_object('givenName', 'Pre', 'familyName', 'Load ' || n),
                       'emails', jsonb_build_array(jsonb_build_object('value', %1$s || n || '@preload.example.com',
                           'primary', true, 'type', 'work')),
                       'locale', 'en-US', 'groups', '[]'::jsonb),
                   now()
              from %2$s, generate_series(?, ?) n""";

    static void preload(String url, UUID org, int accounts, int orgs, int perOrg) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            // Batches of 100,000 rows: each a transaction, so progress shows and no single one is huge.
            try (PreparedStatement ps = c.prepareStatement(ACCOUNT_ROWS.formatted("'pre'", "(select ?::uuid as id) o"))) {
                for (int from = 1; from <= accounts; from += 100_000) {
                    ps.setObject(1, org);
                    ps.setInt(2, from);
                    ps.setInt(3, Math.min(accounts, from + 99_999));
                    ps.executeUpdate();
                }
            }
            if (orgs > 1) {
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into organizations (id, name, provisioning_enabled) select gen_random_uuid(), 'side-other-' || n, true "
                                + "from generate_series(1, ?) n")) {
                    ps.setInt(1, orgs - 1);
                    ps.executeUpdate();
                }
                int step = Math.max(1, 100_000 / Math.max(1, perOrg));
                for (int first = 1; first < orgs; first += step) {
                    String others = "(select id from organizations where name ~ '^side-other-[0-9]+$' and substr(name, 12)::int between "
                            + first + " and " + Math.min(orgs - 1, first + step - 1) + ") o";
                    try (PreparedStatement ps = c.prepareStatement(ACCOUNT_ROWS.formatted("'o' || o.id || '.'", others))) {
                        ps.setInt(1, 1);
                        ps.setInt(2, perOrg);
                        ps.executeUpdate();
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("vacuum analyze managed_accounts");
                // V114's search table; an older build (--app) has none
                try (ResultSet rs = st.executeQuery("select to_regclass('account_search') is not null")) {
                    rs.next();
                    if (rs.getBoolean(1)) st.execute("vacuum analyze account_search");
                }
                // The load's dirty pages written out now, as a database that grew over months has
                // them, instead of by the checkpoint that the load's WAL sets off during the
                // measured phases (issue 16, seventh round: bench/README.md).
                st.execute("checkpoint");
            }
        }
        System.out.printf(java.util.Locale.ROOT, "preloaded %d accounts in the organization and %d other organizations of %d in %.0f s%n",
                accounts, Math.max(0, orgs - 1), perOrg, (System.nanoTime() - t0) / 1e9);
    }

    static void dump(String url, UUID org, String prefix, int count) throws SQLException, IOException {
        List<String> emails = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement(
                     "select scim_id, email from managed_accounts where org_id = ? and scim_id is not null order by random() limit ?")) {
            ps.setObject(1, org);
            ps.setInt(2, count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                    emails.add(rs.getString(2));
                }
            }
        }
        Files.write(Path.of(prefix + ".emails"), emails);
        Files.write(Path.of(prefix + ".ids"), ids);
        System.out.println("dumped " + ids.size() + " users");
    }
}
