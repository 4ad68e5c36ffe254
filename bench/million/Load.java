// Bulk loader for the million-user benchmark (bench/million/run): writes managed_accounts rows
// exactly as a SCIM POST /Users would (AccountService.provision + AccountStore.insert, plus the
// "created" account_events row), with PostgreSQL COPY, then VACUUM ANALYZE.
//
//   java -cp 'target/classes:target/lib/*' bench/million/Load.java --data DIR \
//       --org small=ORG_ID:TOKEN_ID:1000 --org large=ORG_ID:TOKEN_ID:1000000 [--rebuild-indexes] [--seed 42]
//
// The Lanyard server must be stopped: this starts PostgreSQL itself on DIR/postgres (the same
// zonky binaries and the same fsync / synchronous_commit / full_page_writes settings as the server,
// plus bulk-load settings: maintenance_work_mem, max_wal_size) and stops it at the end.
// Everything (both COPYs and any index rebuild) is one transaction. Triggers fire as for any insert:
// the foreign keys are checked, and the statement-level trigger that keeps org_account_counts (V4)
// runs once per COPY. With --rebuild-indexes the non-unique secondary indexes of managed_accounts
// and of account_search (which the COPY's triggers fill, V114) are dropped before the COPY and
// recreated from their own definitions (pg_get_indexdef) after it, except managed_accounts_predecessor,
// which the account_events trigger (V80) reads for each event row;
// unique indexes and the primary key stay in place throughout.
//
// Writes DIR/bench.properties: per org the co fragment picked from the data (and how many rows it
// matches in each org), sample userNames for the eq lookups, load timings and sizes.

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

public class Load {

    record Org(String name, UUID id, UUID tokenId, int users) {}

    /** A password from DIR/database-secret (a properties file: superuser, application). */
    static String secret(Path data, String name) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(data.resolve("database-secret"))) {
            p.load(r);
        }
        String value = p.getProperty(name);
        if (value == null) throw new IllegalStateException(data.resolve("database-secret") + " has no " + name);
        return value;
    }

    /** One generated user: what the IdP sent. */
    record User(String given, String family, String userName) {}

    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    static final String ALPHANUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final int SAMPLES = 200;

    public static void main(String[] args) throws Exception {
        Path data = null;
        List<Org> orgs = new ArrayList<>();
        boolean rebuild = false;
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--org" -> {
                    String[] kv = args[++i].split("=", 2);
                    String[] parts = kv[1].split(":");
                    orgs.add(new Org(kv[0], UUID.fromString(parts[0]), UUID.fromString(parts[1]), Integer.parseInt(parts[2])));
                }
                case "--rebuild-indexes" -> rebuild = true;
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (data == null || orgs.isEmpty()) throw new IllegalArgumentException("--data DIR and --org name=ORG:TOKEN:N are required");

        Path pgData = data.resolve("postgres");
        if (!Files.exists(pgData.resolve("PG_VERSION"))) throw new IllegalStateException(pgData + " is not a PostgreSQL data folder");
        if (Files.exists(pgData.resolve("postmaster.pid"))) {
            throw new IllegalStateException(pgData + "/postmaster.pid exists: stop the Lanyard server first");
        }
        // The server signs in to its embedded PostgreSQL with passwords (SCRAM, EmbeddedServer);
        // the superuser's is in DIR/database-secret, which the server's first start wrote.
        String superuser = secret(data, "superuser");
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setConnectConfig("password", superuser)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                // Bulk-load settings, for this process only (command-line -c, nothing persisted):
                .setServerConfig("maintenance_work_mem", "1GB")
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .setServerConfig("max_parallel_maintenance_workers", "2")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }));
        Properties out = new Properties();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", superuser)) {
            run(c, data, orgs, rebuild, seed, out);
        } finally {
            pg.close();
        }
        try (Writer w = Files.newBufferedWriter(data.resolve("bench.properties"))) {
            out.store(w, "bench/million/Load.java");
        }
    }

    static void run(Connection c, Path data, List<Org> orgs, boolean rebuild, long seed, Properties out) throws Exception {
        try (Statement st = c.createStatement()) {
            for (Org org : orgs) {
                try (ResultSet rs = st.executeQuery("select count(*) from managed_accounts where org_id = '" + org.id() + "'")) {
                    rs.next();
                    if (rs.getLong(1) != 0) throw new IllegalStateException("organization " + org.name() + " already has accounts");
                }
            }
        }
        c.setAutoCommit(false);
        // successor_id's foreign key is deferred: its checks would wait for the commit, and
        // CREATE INDEX refuses to run with trigger events pending. Check each COPY at its end.
        try (Statement st = c.createStatement()) {
            st.execute("set constraints all immediate");
        }
        List<String> dropped = new ArrayList<>();
        long t0 = System.nanoTime();
        if (rebuild) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         select i.relname, pg_get_indexdef(x.indexrelid)
                           from pg_index x join pg_class i on i.oid = x.indexrelid
                          where x.indrelid in ('managed_accounts'::regclass, 'account_search'::regclass)
                            and not x.indisunique and not x.indisprimary
                            -- read by the account_events trigger (V80) for each row: without it, a scan per event
                            and i.relname <> 'managed_accounts_predecessor'
                          order by i.relname""")) {
                while (rs.next()) dropped.add(rs.getString(2));
            }
            try (Statement st = c.createStatement()) {
                for (String def : dropped) {
                    String name = def.split(" ")[2];
                    st.execute("drop index " + name);
                }
            }
            System.out.println("dropped " + dropped.size() + " non-unique indexes of managed_accounts and account_search (recreated after the COPY)");
        }

        Random random = new Random(seed);
        Names names = new Names(new Random(seed + 1));
        System.out.printf(Locale.ROOT, "names: %d given names, %d family names%n", names.given.size(), names.family.size());
        Instant base = Instant.parse("2025-06-01T08:00:00Z");
        long spanMicros = Duration.ofDays(180).toNanos() / 1000;

        Map<String, List<User>> generated = new LinkedHashMap<>();
        long rows = 0;
        CopyIn accounts = c.unwrap(PGConnection.class).getCopyAPI().copyIn("""
                copy managed_accounts (id, org_id, email, status, scim_id, external_id, display_name, attributes,
                                       version, scim_created_at, created_at, updated_at, status_changed_at)
                from stdin (format csv)""");
        // The events go to a temporary file first: one COPY at a time on a connection.
        Path eventsFile = Files.createTempFile(data, "events", ".csv");
        try (CopyStream acc = new CopyStream(accounts);
             OutputStream events = new java.io.BufferedOutputStream(Files.newOutputStream(eventsFile), 1 << 20)) {
            for (Org org : orgs) {
                List<User> users = new ArrayList<>(org.users());
                for (int n = 1; n <= org.users(); n++) {
                    User u = names.user(random, n);
                    users.add(u);
                    UUID id = new UUID(random.nextLong(), random.nextLong());
                    UUID scimId = new UUID(random.nextLong(), random.nextLong());
                    id = v4(id);
                    scimId = v4(scimId);
                    String externalId = "00u" + randomString(random, 17);
                    String displayName = u.given() + " " + u.family();
                    // What UserDocument.parse keeps of an Okta-shaped POST body (no schemas, userName, active, password).
                    String attributes = "{\"name\":{\"givenName\":\"" + u.given() + "\",\"familyName\":\"" + u.family() + "\"},"
                            + "\"emails\":[{\"value\":\"" + u.userName() + "\",\"type\":\"work\",\"primary\":true}],"
                            + "\"displayName\":\"" + displayName + "\",\"externalId\":\"" + externalId + "\"}";
                    Instant at = base.plusNanos(1000L * (spanMicros * n / org.users())).plusNanos(1000L * random.nextInt(1000));
                    String ts = TS.format(at);
                    acc.line(id + "," + org.id() + "," + u.userName() + ",active," + scimId + "," + externalId + ","
                            + displayName + "," + csv(attributes) + ",1," + ts + "," + ts + "," + ts + "," + ts);
                    String event = org.id() + "," + id + ",created," + csv("{\"scimId\":\"" + scimId + "\",\"status\":\"active\"}")
                            + ",scim:token:" + org.tokenId() + "," + ts + "\n";
                    events.write(event.getBytes(StandardCharsets.UTF_8));
                    rows++;
                }
                generated.put(org.name(), users);
            }
        }
        long tAccounts = System.nanoTime();
        System.out.printf(Locale.ROOT, "COPY managed_accounts: %d rows in %.1f s%n", rows, (tAccounts - t0) / 1e9);
        CopyIn ev = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "copy account_events (org_id, account_id, kind, detail, actor, at) from stdin (format csv)");
        try (CopyStream s = new CopyStream(ev); var in = Files.newInputStream(eventsFile)) {
            byte[] buf = new byte[1 << 20];
            for (int r; (r = in.read(buf)) > 0; ) s.write(buf, r);
        }
        Files.delete(eventsFile);
        long tEvents = System.nanoTime();
        System.out.printf(Locale.ROOT, "COPY account_events: %d rows in %.1f s%n", rows, (tEvents - tAccounts) / 1e9);
        try (Statement st = c.createStatement()) {
            for (String def : dropped) {
                long s = System.nanoTime();
                st.execute(def);
                System.out.printf(Locale.ROOT, "  %.1f s  %s%n", (System.nanoTime() - s) / 1e9, def);
            }
        }
        long tIndexes = System.nanoTime();
        if (rebuild) System.out.printf(Locale.ROOT, "recreated %d indexes in %.1f s%n", dropped.size(), (tIndexes - tEvents) / 1e9);
        c.commit();
        long tCommit = System.nanoTime();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("vacuum (analyze) managed_accounts");
            st.execute("vacuum (analyze) account_events");
            st.execute("vacuum (analyze) account_search");
            st.execute("checkpoint");
        }
        long tVacuum = System.nanoTime();
        System.out.printf(Locale.ROOT, "commit %.1f s, VACUUM (ANALYZE) + CHECKPOINT %.1f s; total %.1f s%n",
                (tCommit - tIndexes) / 1e9, (tVacuum - tCommit) / 1e9, (tVacuum - t0) / 1e9);

        out.setProperty("load.rows", Long.toString(rows));
        out.setProperty("load.rebuildIndexes", Boolean.toString(rebuild));
        out.setProperty("load.copyAccountsSeconds", secs(tAccounts - t0));
        out.setProperty("load.copyEventsSeconds", secs(tEvents - tAccounts));
        out.setProperty("load.indexesSeconds", secs(tIndexes - tEvents));
        out.setProperty("load.commitSeconds", secs(tCommit - tIndexes));
        out.setProperty("load.vacuumAnalyzeSeconds", secs(tVacuum - tCommit));
        out.setProperty("load.totalSeconds", secs(tVacuum - t0));
        out.setProperty("names.given", Integer.toString(names.given.size()));
        out.setProperty("names.family", Integer.toString(names.family.size()));
        sizes(c, out);

        // Fragments for `userName co`: a small, similar number of matches in each organization.
        for (Org org : orgs) {
            List<User> users = generated.get(org.name());
            String fragment = pickFragment(users, new Random(seed + 7));
            out.setProperty(org.name() + ".orgId", org.id().toString());
            out.setProperty(org.name() + ".users", Integer.toString(org.users()));
            out.setProperty(org.name() + ".co", fragment);
            for (Org other : orgs) {
                out.setProperty(org.name() + ".co.matchesIn." + other.name(), Long.toString(countLike(c, other.id(), fragment)));
            }
            System.out.printf(Locale.ROOT, "%s: co fragment \"%s\" matches %s users here%n", org.name(), fragment,
                    out.getProperty(org.name() + ".co.matchesIn." + org.name()));
            Random r = new Random(seed + 11);
            List<String> sample = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) sample.add(users.get(r.nextInt(users.size())).userName());
            out.setProperty(org.name() + ".sample", String.join(" ", sample));
        }
    }

    /** Sizes after the load, for the report. */
    static void sizes(Connection c, Properties out) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select pg_database_size(current_database()),
                            pg_table_size('managed_accounts'), pg_indexes_size('managed_accounts'),
                            pg_total_relation_size('account_events')""")) {
            rs.next();
            out.setProperty("size.database", Long.toString(rs.getLong(1)));
            out.setProperty("size.accountsTable", Long.toString(rs.getLong(2)));
            out.setProperty("size.accountsIndexes", Long.toString(rs.getLong(3)));
            out.setProperty("size.events", Long.toString(rs.getLong(4)));
            System.out.printf(Locale.ROOT, "database %d MiB: managed_accounts %d MiB + indexes %d MiB, account_events %d MiB%n",
                    rs.getLong(1) >> 20, rs.getLong(2) >> 20, rs.getLong(3) >> 20, rs.getLong(4) >> 20);
        }
        StringBuilder each = new StringBuilder();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     select i.relname, pg_relation_size(i.oid) from pg_index x join pg_class i on i.oid = x.indexrelid
                      where x.indrelid = 'managed_accounts'::regclass order by 2 desc""")) {
            while (rs.next()) each.append(rs.getString(1)).append('=').append(rs.getLong(2)).append(' ');
        }
        out.setProperty("size.accountsIndexEach", each.toString().strip());
    }

    static long countLike(Connection c, UUID orgId, String fragment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select count(*) from managed_accounts where org_id = ? and scim_id is not null and strpos(lower(email), ?) > 0")) {
            ps.setObject(1, orgId);
            ps.setString(2, fragment.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * A fragment an operator might type that matches about 10 of these users: "given.family" when the
     * organization is large (every family name alone matches hundreds), the family name alone when
     * it is small. Exact substring counts over the generated userNames decide.
     */
    static String pickFragment(List<User> users, Random r) {
        List<String> lower = users.stream().map(u -> u.userName().toLowerCase(Locale.ROOT)).toList();
        boolean large = users.size() > 20_000;
        String best = null;
        long bestDistance = Long.MAX_VALUE;
        Set<String> tried = new HashSet<>();
        for (int attempt = 0; attempt < 400 && bestDistance > 0; attempt++) {
            User u = users.get(r.nextInt(users.size()));
            String candidate = (large ? u.given() + "." + u.family() : u.family()).toLowerCase(Locale.ROOT);
            if (candidate.length() < 4 || !tried.add(candidate)) continue;
            long n = lower.stream().filter(s -> s.contains(candidate)).count();
            long distance = Math.abs(n - 10);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    static UUID v4(UUID raw) {
        long msb = (raw.getMostSignificantBits() & ~0xF000L) | 0x4000L;
        long lsb = (raw.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    static String randomString(Random r, int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) out[i] = ALPHANUM.charAt(r.nextInt(ALPHANUM.length()));
        return new String(out);
    }

    static String csv(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    /** Buffers CSV lines into a COPY. */
    static final class CopyStream implements AutoCloseable {
        final CopyIn copy;
        final byte[] buf = new byte[1 << 20];
        int len;

        CopyStream(CopyIn copy) {
            this.copy = copy;
        }

        void line(String s) throws SQLException {
            byte[] b = (s + "\n").getBytes(StandardCharsets.UTF_8);
            if (len + b.length > buf.length) flush();
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        void write(byte[] b, int n) throws SQLException {
            copy.writeToCopy(b, 0, n);
        }

        void flush() throws SQLException {
            if (len > 0) copy.writeToCopy(buf, 0, len);
            len = 0;
        }

        @Override
        public void close() throws SQLException {
            flush();
            copy.endCopy();
        }
    }

    /**
     * A few thousand pronounceable given and family names built from syllables, drawn with a
     * skewed (Zipf-like) distribution so that some names are common and most are rare, as in
     * a real directory.
     */
    static final class Names {
        static final String[] ONSET = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
                "z", "br", "ch", "cl", "dr", "fr", "gr", "kr", "sh", "st", "th", "tr"};
        static final String[] VOWEL = {"a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ie", "ou", "y"};
        static final String[] GIVEN_END = {"", "", "", "n", "l", "r", "s", "na", "ra", "la", "lie", "nne", "tte", "an", "el",
                "on", "in", "ia", "io", "ka", "ko", "ro", "ri", "th", "x", "ssa", "mir", "ndra"};
        static final String[] FAMILY_END = {"son", "sen", "ez", "ova", "ski", "berg", "man", "ford", "ton", "ley", "etti",
                "ini", "ard", "ell", "ock", "wood", "field", "stein", "dottir", "ic", "ovic", "escu", "oglu", "ura", "moto",
                "kawa", "ian", "yan", "ides", "opoulos", "er", "ers", "ing", "ham", "well", "by"};
        /** The most frequent names are real ones; the long tail is made of syllables. */
        static final String[] COMMON_GIVEN = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William "
                + "Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty "
                + "Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth "
                + "Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Laura Edward Sharon "
                + "Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela Nicholas Anna Eric Shirley Jonathan Brenda Stephen Emma "
                + "Larry Pamela Justin Nicole Scott Helen Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra "
                + "Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Jerry Diane Wei Yan "
                + "Mohammed Fatima Ana Jose Juan Luis Carlos Sofia Lucia Mateo Hiroshi Yuki Priya Rahul Aarav Ananya Olga Ivan "
                + "Sven Ingrid Lars Astrid Pierre Camille Giulia Marco Ahmet Elif Kwame Ama Chen Mei").split(" ");
        static final String[] COMMON_FAMILY = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez "
                + "Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
                + "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green "
                + "Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz "
                + "Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey "
                + "Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz "
                + "Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Wang Li Zhang Liu Chen Yang Huang "
                + "Zhao Wu Zhou Singh Kumar Sharma Gupta Tanaka Suzuki Sato Takahashi Muller Schmidt Schneider Fischer Weber "
                + "Rossi Russo Ferrari Dubois Bernard Moreau Novak Kowalski Nowak Ivanov Petrov Silva Santos Oliveira Costa "
                + "Yilmaz Kaya Demir Mensah Okafor Hansen Johansson Larsen Nielsen Murray Byrne Walsh").split(" ");
        final List<String> given = new ArrayList<>();
        final List<String> family = new ArrayList<>();

        Names(Random r) {
            fill(given, COMMON_GIVEN, 3000, r, GIVEN_END, 1);
            fill(family, COMMON_FAMILY, 5000, r, FAMILY_END, 2);
        }

        private static void fill(List<String> out, String[] common, int n, Random r, String[] ends, int maxSyllables) {
            Set<String> seen = new HashSet<>();
            for (String c : common) if (seen.add(c)) out.add(c);
            while (out.size() < n) {
                StringBuilder s = new StringBuilder();
                int syllables = 1 + r.nextInt(maxSyllables + 1);
                for (int i = 0; i < syllables; i++) s.append(ONSET[r.nextInt(ONSET.length)]).append(VOWEL[r.nextInt(VOWEL.length)]);
                String end = ends[r.nextInt(ends.length)];
                s.append(end);
                String name = Character.toUpperCase(s.charAt(0)) + s.substring(1);
                if (name.length() >= 3 && name.length() <= 12 && seen.add(name)) out.add(name);
            }
        }

        /** Rank drawn as n * u^2: rank 0 about 1-2% of users, the long tail rare. */
        private static String draw(List<String> names, Random r) {
            double u = r.nextDouble();
            return names.get((int) (names.size() * u * u));
        }

        User user(Random r, int n) {
            String g = draw(given, r);
            String f = draw(family, r);
            String local = g + "." + f + "." + n;
            // Most IdPs send lower case; some directories keep the capitals of the name.
            if (r.nextInt(20) != 0) local = local.toLowerCase(Locale.ROOT);
            return new User(g, f, local + "@example.com");
        }
    }
}
