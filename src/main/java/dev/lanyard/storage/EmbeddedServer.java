package dev.lanyard.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded PostgreSQL, locked down (docs/security.md):
 *
 * <ul>
 *   <li>password sign-in only (SCRAM-SHA-256): pg_hba.conf is rewritten on every start to two
 *       {@code host ... scram-sha-256} lines for loopback, no {@code trust}, no {@code local};</li>
 *   <li>no Unix socket ({@code unix_socket_directories = ''}): nothing in /tmp for another user;</li>
 *   <li>two roles: the superuser {@code postgres}, used here only, at start, to create the
 *       application role and the extensions the migrations need (pg_trgm, btree_gin), and
 *       {@value #APP_ROLE}, a plain role that owns the schema and is all the pool ever uses:
 *       it cannot {@code COPY ... TO PROGRAM}, read server files or create roles;</li>
 *   <li>the binaries are unpacked into the data folder, not a shared /tmp directory another user
 *       could have prepared.</li>
 * </ul>
 * A data folder from an earlier version (trust, everything owned by {@code postgres}) is upgraded
 * on its first start: one start as before, only on 127.0.0.1 and without a socket, sets the
 * passwords; then the real start rewrites pg_hba.conf and hands the schema to {@value #APP_ROLE}.
 */
final class EmbeddedServer {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    static final String APP_ROLE = "lanyard";
    static final String DATABASE = "postgres";
    /** The first line of a pg_hba.conf Lanyard wrote; any other file is from before the lockdown. */
    static final String HBA_HEADER = "# Written by Lanyard on every start: password (SCRAM) sign-in over loopback only.";
    private static final String HBA = HBA_HEADER + """

            # Edits are overwritten; see docs/security.md.
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;
    /** Crash recovery takes as long as it takes; a dead postmaster is noticed by the watchdog instead. */
    private static final Duration STARTUP_WAIT = Duration.ofHours(24);

    record Started(EmbeddedPostgres postgres, String jdbcUrl, String user, String password) {}

    private EmbeddedServer() {}

    static Started start(Path dataDir) throws IOException {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(dataDir);
        StalePostmaster.clear(pgData);
        boolean fresh = !Files.exists(pgData.resolve("postgresql.conf"));
        if (!fresh && ours(pgData) && !Files.exists(dataDir.resolve(DatabaseSecrets.FILE))) {
            throw new IOException(dataDir.resolve(DatabaseSecrets.FILE) + " is missing, and without it nobody can sign in to "
                    + "the embedded PostgreSQL in " + pgData + "; restore the file from a backup of the data folder");
        }
        DatabaseSecrets secrets = DatabaseSecrets.loadOrCreate(dataDir);
        if (!fresh && !ours(pgData)) upgradeAuthentication(dataDir, pgData, secrets);

        Path pwfile = dataDir.resolve("database-secret.initdb");
        EmbeddedPostgres.Builder builder = builder(dataDir, pgData)
                .setConnectConfig("password", secrets.superuser())
                .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
        if (fresh) {
            // initdb sets the superuser's password from a file and writes SCRAM rules (which
            // writeHba then replaces by ours); these flags come after the library's "-A trust".
            writePrivate(pwfile, secrets.superuser());
            builder.setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("pwfile", pwfile.toString());
        }
        EmbeddedPostgres pg;
        try {
            pg = startWatched(builder, pgData);
        } finally {
            Files.deleteIfExists(pwfile);
        }
        try {
            prepareApplicationRole(pg, secrets);
        } catch (SQLException | RuntimeException e) {
            pg.close();
            throw new IOException("could not prepare the application role on the embedded PostgreSQL: " + e.getMessage(), e);
        }
        return new Started(pg, "jdbc:postgresql://localhost:" + pg.getPort() + "/" + DATABASE, APP_ROLE, secrets.application());
    }

    private static EmbeddedPostgres.Builder builder(Path dataDir, Path pgData) {
        Path binaries = dataDir.resolve("postgres-binaries");
        return EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaries.toFile())
                .setPgBinaryResolver(new EmbeddedBinaries(binaries))
                // The library's defaults turn these off (fine for throwaway test databases, not
                // for accounts): every acknowledged write must survive a crash.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("unix_socket_directories", "''")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setPGStartupWait(STARTUP_WAIT);
    }

    /**
     * Starts PostgreSQL and waits for it however long crash recovery takes, saying every 10 s that
     * it is still waiting. If the postmaster dies meanwhile (its own log lines, passed through to
     * this log, say why), the wait ends at once with an error instead of after a day.
     *
     * <p>The library's own wait checks PostgreSQL, then sleeps 100 ms between checks (zonky
     * 2.2.2, {@code EmbeddedPostgres.waitForServerStartup}), and its first check comes before a
     * PostgreSQL started on an existing folder is ready, 20-40 ms later: every start waited most
     * of 100 ms for nothing, then signed in (SCRAM) only to run {@code SELECT 1}. The postmaster
     * marks its pid file "ready" once it accepts connections (what {@code pg_ctl -w} waits for);
     * when the watchdog sees that mark while the starter sleeps in that wait, it interrupts the
     * sleep, and the library returns as started (what its code does when that sleep is
     * interrupted). The application role's sign-in that follows is then the first connection, and
     * the check that PostgreSQL answers.
     */
    private static EmbeddedPostgres startWatched(EmbeddedPostgres.Builder builder, Path pgData) throws IOException {
        Thread starter = Thread.currentThread();
        AtomicBoolean dead = new AtomicBoolean();
        AtomicBoolean woken = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        long began = System.nanoTime();
        Path pidFile = pgData.resolve("postmaster.pid");
        Thread watchdog = Thread.ofPlatform().daemon().name("postgres-start-watchdog").start(() -> {
            try {
                int missing = 0;
                boolean seen = false;
                boolean ready = false;
                long fastUntil = Long.MAX_VALUE;  // READY_WATCH after the pid file first appears
                long nextTick = began + 1_000_000_000L;
                for (int tick = 1; !done.get(); ) {
                    long now = System.nanoTime();
                    if (!ready && Files.exists(pidFile)) {
                        if (fastUntil == Long.MAX_VALUE) fastUntil = now + READY_WATCH.toNanos();
                        ready = saysReady(pidFile);
                    }
                    // Only while the starter sleeps: the library's wait between checks is the one
                    // sleep with a timeout in its start.
                    if (ready && !woken.get() && starter.getState() == Thread.State.TIMED_WAITING && !done.get()) {
                        woken.set(true);
                        starter.interrupt();
                    }
                    if (now >= nextTick) {
                        nextTick += 1_000_000_000L;
                        long seconds = (now - began) / 1_000_000_000;
                        var pid = StalePostmaster.readPid(pidFile);
                        boolean alive = pid.isPresent() && StalePostmaster.isLivePostgresIn(pid.get(), realPath(pgData));
                        seen |= alive;
                        missing = alive ? 0 : missing + 1;
                        // Unpacking the binaries and initdb come first and have no postmaster: count only
                        // once one was seen, or after two minutes without any.
                        if ((seen ? missing >= 15 : missing >= 120) && !done.get()) {
                            dead.set(true);
                            starter.interrupt();
                            return;
                        }
                        if (tick++ % 10 == 0 && !done.get()) {
                            log.info("waiting for the embedded PostgreSQL to accept connections ({} s; after a crash it replays "
                                    + "its write-ahead log first, which can take a while)", seconds);
                        }
                    }
                    // Every few ms while a start that is about to be ready is likely; then at the
                    // library's own pace, so a long crash recovery costs nothing.
                    Thread.sleep(woken.get() ? 1000 : ready ? 1 : now < fastUntil ? 3 : 100);
                }
            } catch (InterruptedException e) {
                // the start is over
            }
        });
        EmbeddedPostgres pg;
        try {
            pg = builder.start();
        } finally {
            done.set(true);
            watchdog.interrupt();
        }
        // The watchdog's wake-up leaves this thread interrupted, and join() would throw at once:
        // take the flag first, then wait for the watchdog to end, so that it can interrupt nothing
        // later and what it found (woken, dead) is all there.
        boolean interrupted = Thread.interrupted();
        while (watchdog.isAlive()) {
            try {
                watchdog.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (woken.get()) log.debug("PostgreSQL accepted connections {} ms after the start began; the library's wait was cut short",
                (System.nanoTime() - began) / 1_000_000);
        if (dead.get() || (interrupted && !woken.get())) {
            pg.close();
            throw new IOException("the embedded PostgreSQL on " + pgData + " stopped while starting; "
                    + "its log lines above say why");
        }
        return pg;
    }

    /**
     * How long after the postmaster's pid file appears the watchdog looks for its "ready" mark
     * every few ms; a longer start (crash recovery) is watched at the library's own 100 ms.
     */
    private static final Duration READY_WATCH = Duration.ofSeconds(3);

    /**
     * The postmaster's status in its pid file: the eighth line, "ready" once it accepts
     * connections (PostgreSQL's {@code LOCK_FILE_LINE_PM_STATUS}; docs/performance.md).
     */
    static boolean saysReady(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.size() >= 8 && lines.get(7).strip().equals("ready");
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * A folder from before the lockdown trusts every local connection and its superuser has no
     * password: start it once as it is (loopback TCP only, no socket) to set the passwords.
     */
    private static void upgradeAuthentication(Path dataDir, Path pgData, DatabaseSecrets secrets) throws IOException {
        log.warn("upgrading the embedded PostgreSQL in {} to password sign-in and its own application role", pgData);
        EmbeddedPostgres pg = startWatched(builder(dataDir, pgData), pgData);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("set password_encryption = 'scram-sha-256'");
            s.execute("alter role postgres with password " + literal(secrets.superuser()));
        } catch (SQLException e) {
            throw new IOException("could not set the superuser's password on " + pgData + ": " + e.getMessage(), e);
        } finally {
            pg.close();
        }
    }

    /**
     * As the superuser: the application role with its password, the extensions the migrations use
     * (trusted ones, but created here so the role needs no CREATE on the database), and the schema
     * and everything in it owned by the application role. Idempotent: runs on every start, so an
     * upgraded folder's tables (owned by postgres) change hands once.
     */
    private static void prepareApplicationRole(EmbeddedPostgres pg, DatabaseSecrets secrets) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("set password_encryption = 'scram-sha-256'");
            s.execute("do $$ begin if not exists (select from pg_roles where rolname = '" + APP_ROLE + "') then "
                    + "create role " + APP_ROLE + " login; end if; end $$");
            s.execute("alter role " + APP_ROLE + " with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password "
                    + literal(secrets.application()));
            s.execute("create extension if not exists pg_trgm");
            s.execute("create extension if not exists btree_gin");
            s.execute("alter schema public owner to " + APP_ROLE);
            s.execute("revoke create on schema public from public");
            s.execute(REASSIGN);
        }
        log.info("embedded PostgreSQL ready: password sign-in only, no Unix socket, the application connects as role {}", APP_ROLE);
    }

    /**
     * Every table, view, sequence, function and type in public that no extension owns, to the
     * application role. Skipped: what an extension owns and what belongs to another object (an
     * identity or serial sequence, an index), which changes hands with it. Only whole-object
     * dependencies count ({@code objsubid = 0}): a generated column depends on its table's other
     * columns ('a', with the column's number), which must not hide the table itself.
     */
    private static final String REASSIGN = """
            do $$
            declare r record;
            begin
              for r in select c.oid::regclass as name, c.relkind from pg_class c
                        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r','p','v','m','f','S')
                          and pg_get_userbyid(c.relowner) <> '%1$s'
                          and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                                                and d.objsubid = 0 and d.deptype in ('e','a','i'))
              loop
                execute format('alter %%s %%s owner to %1$s', case when r.relkind = 'S' then 'sequence' else 'table' end, r.name);
              end loop;
              for r in select p.oid::regprocedure as name, p.prokind from pg_proc p
                        where p.pronamespace = 'public'::regnamespace and pg_get_userbyid(p.proowner) <> '%1$s'
                          and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
              loop
                execute format('alter %%s %%s owner to %1$s', case when r.prokind = 'p' then 'procedure' else 'function' end, r.name);
              end loop;
              for r in select t.oid::regtype as name from pg_type t
                        where t.typnamespace = 'public'::regnamespace and t.typtype in ('e','d','c') and pg_get_userbyid(t.typowner) <> '%1$s'
                          and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
                          and not exists (select from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
              loop
                execute format('alter type %%s owner to %1$s', r.name);
              end loop;
            end $$""".formatted(APP_ROLE);

    private static boolean ours(Path pgData) throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba).startsWith(HBA_HEADER);
    }

    private static void writeHba(Path pgData) {
        try {
            Path tmp = pgData.resolve("pg_hba.conf.new");
            Files.writeString(tmp, HBA, StandardCharsets.UTF_8);
            Files.move(tmp, pgData.resolve("pg_hba.conf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + pgData.resolve("pg_hba.conf"), e);
        }
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content + "\n");
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath();
        }
    }

    /** A random base64url secret as an SQL string literal (it has no quote to escape, but be safe). */
    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static List<String> hbaLines() {
        return HBA.lines().toList();
    }
}
