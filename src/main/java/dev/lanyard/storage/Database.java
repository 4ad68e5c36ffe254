package dev.lanyard.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The PostgreSQL database Lanyard runs on: an external server (LANYARD_DATABASE_URL) or an
 * embedded one whose files live in the data folder. Either way the schema is migrated by Flyway
 * before the pool is handed out.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(3);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * From this many rows of managed_accounts on (live and dead, as PostgreSQL's statistics count
     * them), connections keep the plans PostgreSQL makes without values (plan_cache_mode auto,
     * Sql.KEPT_INDEX_PLAN); on a connection opened below it every statement is planned with its
     * values (force_custom_plan). On a small table a plan made without values cannot tell a
     * unique index from the organization's other indexes: on a new database the plan kept for
     * "this organization's account with this SCIM id" read managed_accounts_sort_created with the
     * SCIM id as a filter, and the userName lookup's managed_accounts_scim_order with the userName
     * as a filter: the whole organization for each request once it has grown, for as long as the
     * connection lives or until ANALYZE. From 1,000 rows (20 pages of the smallest rows) on the
     * planner took the unique indexes; 5,000 leave a margin of five (docs/performance.md,
     * nineteenth round). Counted from the statistics, which take no lock: the table's size on
     * disk would wait for a lock held on the table, and this runs as each connection opens. The
     * table grows, so once there the server stays in that mode.
     */
    public static final long KEPT_PLANS_MIN_ROWS = 5_000;
    /** How often a server on a small database asks how many rows managed_accounts has. */
    static final Duration SIZE_CHECK_EVERY = Duration.ofSeconds(10);
    private static final String LARGE_ENOUGH = "coalesce((select n_live_tup + n_dead_tup from pg_stat_user_tables "
            + "where relid = to_regclass('managed_accounts')), 0) >= " + KEPT_PLANS_MIN_ROWS;

    private final HikariDataSource pool;
    private final Optional<EmbeddedPostgres> embedded;
    private final java.util.concurrent.ScheduledExecutorService sizeWatch = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().name("database-size").daemon().factory());
    private volatile boolean keepsPlans;
    /** Whether a check found the table small: connections may have opened planning each time. */
    private volatile boolean sawSmall;

    private Database(HikariDataSource pool, Optional<EmbeddedPostgres> embedded) {
        this.pool = pool;
        this.embedded = embedded;
    }

    /** The pool size when the caller names none (tests); the server takes it from its settings. */
    private static final int DEFAULT_POOL_SIZE = 16;

    /** Connects to an external PostgreSQL server and migrates its schema. */
    public static Database external(String jdbcUrl) {
        return external(jdbcUrl, DEFAULT_POOL_SIZE);
    }

    /** The same, holding at most {@code poolSize} connections. */
    public static Database external(String jdbcUrl, int poolSize) {
        return open(jdbcUrl, Optional.empty(), Optional.empty(), Optional.empty(), poolSize);
    }

    /**
     * Starts PostgreSQL on {@code dataDir/postgres} (created on first start), locked down as
     * {@link EmbeddedServer} describes, and migrates it as the application role.
     */
    public static Database embedded(Path dataDir) throws IOException {
        return embedded(dataDir, DEFAULT_POOL_SIZE);
    }

    /** The same, holding at most {@code poolSize} connections. */
    public static Database embedded(Path dataDir, int poolSize) throws IOException {
        EmbeddedServer.Started pg = EmbeddedServer.start(dataDir);
        try {
            return open(pg.jdbcUrl(), Optional.of(pg.user()), Optional.of(pg.password()), Optional.of(pg.postgres()), poolSize);
        } catch (RuntimeException e) {
            pg.postgres().close();
            throw e;
        }
    }

    /** The embedded server's TCP port (tests that try to get in without the password). */
    public Optional<Integer> embeddedPort() {
        return embedded.map(EmbeddedPostgres::getPort);
    }

    private static Database open(String jdbcUrl, Optional<String> user, Optional<String> password,
                                 Optional<EmbeddedPostgres> embedded, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        user.ifPresent(config::setUsername);
        password.ifPresent(config::setPassword);
        config.setPoolName("lanyard");
        config.setMaximumPoolSize(poolSize);
        // One connection at start, the rest once the server listens (fillPool): each connection
        // to the embedded PostgreSQL signs in with SCRAM, whose PBKDF2 costs the JVM 15-30 ms of
        // CPU, and Hikari opening the rest of the pool (15 by default) in the background while the
        // server started took that CPU from the start (docs/performance.md, "Start to ready").
        config.setMinimumIdle(1);
        config.setAutoCommit(true);
        config.setConnectionTimeout(10_000);
        // A JDBC batch of inserts goes as multi-row INSERTs, not one statement per row (issue 16;
        // the provisioning log writer, the biggest batch, now sends column arrays instead, see
        // ProvisioningLogStore.insert). No caller reads per-row update counts.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Fail at start, with the server's own message, rather than on the first request.
        config.setInitializationFailTimeout(10_000);
        // Statements whose plan depends on their values are planned with them each time
        // (Sql.PLANNED_WITH_VALUES); the others may keep a generic plan (plan_cache_mode auto).
        // Bounded waits (docs/security.md): a request queued behind another's row lock gives up
        // after LOCK_TIMEOUT, no statement runs longer than STATEMENT_TIMEOUT, and a transaction
        // left idle is ended, so one organization's traffic cannot hold connections for long.
        // Both surface as 503 with Retry-After (Transactions.translate).
        // Plans kept only on a large enough database (KEPT_PLANS_MIN_ROWS), decided as each
        // connection opens; keepPlansOnceLarge opens them again when the table gets there.
        config.setConnectionInitSql("set lock_timeout = '" + LOCK_TIMEOUT.toMillis()
                + "ms'; set statement_timeout = '" + STATEMENT_TIMEOUT.toMillis() + "ms'; set idle_in_transaction_session_timeout = '60s'; "
                + "select set_config('plan_cache_mode', case when " + LARGE_ENOUGH + " then 'auto' else 'force_custom_plan' end, false)");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            if (!isCurrent(pool)) {
                // Migrations run on their own connection, without those limits: building an index on a
                // big table may take minutes, and the pool's sessions are not needed for it.
                Flyway.configure().dataSource(jdbcUrl, user.orElse(null), password.orElse(null))
                        .locations("classpath:db/migration").load().migrate();
            }
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        log.info("database ready ({})", embedded.isPresent() ? "embedded PostgreSQL" : "external PostgreSQL");
        Database database = new Database(pool, embedded);
        database.watchSize();
        return database;
    }

    /**
     * Asks every SIZE_CHECK_EVERY until the database is large enough, the first time after that
     * long too: not on the start's path (a second connection would cost the start a sign-in), and
     * connections opened on a large database keep plans anyway (their own settings).
     */
    private void watchSize() {
        sizeWatch.scheduleWithFixedDelay(() -> {
            try {
                if (keepPlansOnceLarge()) sizeWatch.shutdown();
            } catch (RuntimeException e) {
                log.debug("managed_accounts' size not read: {}", e.toString());
            }
        }, SIZE_CHECK_EVERY.toMillis(), SIZE_CHECK_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Whether connections keep plans made without values ({@link #KEPT_PLANS_MIN_ROWS}). When the
     * answer turns true, the pool's connections are opened again (idle ones at once, those in use
     * when they are returned), so that each decides again; they open with the same settings.
     */
    public boolean keepPlansOnceLarge() {
        if (keepsPlans) return true;
        boolean large;
        try (var c = pool.getConnection(); var s = c.createStatement(); var rs = s.executeQuery("select " + LARGE_ENOUGH
                + ", current_setting('plan_cache_mode') = 'auto'")) {
            rs.next();
            large = rs.getBoolean(1);
            if (!large) sawSmall = true;
            // Opened again if any connection may plan each time: one this check saw, or any
            // opened before the table got there (the one this check got may be newer).
            if (large && (sawSmall || !rs.getBoolean(2))) {
                pool.getHikariPoolMXBean().softEvictConnections();
                log.info("managed_accounts has reached {} rows: connections now keep plans made without values (opened again)",
                        KEPT_PLANS_MIN_ROWS);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("managed_accounts' size not read", e);
        }
        keepsPlans = large;
        return large;
    }

    /**
     * The newest migration in db/migration (its version). {@code SchemaVersionTest} fails when a
     * migration is added and this is not moved with it.
     */
    static final String NEWEST_MIGRATION = "119";

    /**
     * True when the schema already has every migration this build ships, so Flyway need not run.
     * Flyway's own check (it finds and reads every migration and compares their checksums with the
     * history) was about a quarter of the server's start, at every start, for a schema that
     * changes only with an upgrade (issue 16). Anything else runs Flyway as before: a new
     * database, pending migrations, a failed one, and a schema newer than this build (Flyway
     * then decides, as before; its default accepts applied migrations it does not know). What this skips is the check that the migrations
     * applied earlier were not edited since; a shipped migration is never edited, and a build
     * with a new migration runs the whole check at its first start.
     */
    static boolean isCurrent(DataSource pool) {
        try (var c = pool.getConnection(); var s = c.createStatement()) {
            // to_regclass first: on a new database the history table is missing, and querying it
            // would put an ERROR line in PostgreSQL's log (the embedded server's is in ours).
            try (var rs = s.executeQuery("select to_regclass('flyway_schema_history') is not null")) {
                if (!rs.next() || !rs.getBoolean(1)) return false;
            }
            try (var rs = s.executeQuery("""
                    select (select version from flyway_schema_history where version is not null order by installed_rank desc limit 1),
                           exists (select 1 from flyway_schema_history where not success)""")) {
                return rs.next() && NEWEST_MIGRATION.equals(rs.getString(1)) && !rs.getBoolean(2);
            }
        } catch (java.sql.SQLException e) {
            log.debug("schema version not read, Flyway checks it: {}", e.toString());
            return false;
        }
    }

    /**
     * Keeps the pool at its full size from now on: Hikari's housekeeping (every 30 s) opens the
     * connections the start did not, and until then a request that finds none idle has one
     * opened for it. Called once the server listens.
     */
    public void fillPool() {
        pool.getHikariConfigMXBean().setMinimumIdle(pool.getMaximumPoolSize());
    }

    /** Connections the pool holds, in use or idle (tests). */
    int connections() {
        return pool.getHikariPoolMXBean().getTotalConnections();
    }

    /** The connections the pool keeps open while idle: one during the start, its size after {@link #fillPool}. */
    public int minimumIdle() {
        return pool.getHikariConfigMXBean().getMinimumIdle();
    }

    public DataSource dataSource() {
        return pool;
    }

    /** True when a connection can be had and answers; for /readyz. */
    public boolean isReachable() {
        try (var c = pool.getConnection()) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        sizeWatch.shutdownNow();
        pool.close();
        embedded.ifPresent(pg -> {
            try {
                pg.close();
            } catch (IOException e) {
                log.warn("embedded PostgreSQL did not stop cleanly", e);
            }
        });
    }
}
