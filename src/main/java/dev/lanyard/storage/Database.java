package dev.lanyard.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
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

    private final HikariDataSource pool;
    private final Optional<EmbeddedPostgres> embedded;

    private Database(HikariDataSource pool, Optional<EmbeddedPostgres> embedded) {
        this.pool = pool;
        this.embedded = embedded;
    }

    /** Connects to an external PostgreSQL server and migrates its schema. */
    public static Database external(String jdbcUrl) {
        return open(jdbcUrl, Optional.empty());
    }

    /**
     * Starts PostgreSQL on {@code dataDir/postgres} (created on first start) and migrates it.
     * The library's defaults turn fsync, synchronous_commit and full_page_writes off, which is
     * fine for throwaway test databases and loses acknowledged writes on a crash; Lanyard keeps
     * accounts in it, so all three go back on.
     */
    public static Database embedded(Path dataDir) throws IOException {
        Path pgData = dataDir.resolve("postgres");
        Files.createDirectories(dataDir);
        stopOrphanedPostmaster(pgData);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        try {
            return open(pg.getJdbcUrl("postgres", "postgres"), Optional.of(pg));
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /**
     * After a kill -9 of Lanyard, its PostgreSQL child keeps running and holds the data folder.
     * It has no clients left, so a plain SIGTERM (PostgreSQL's "smart" shutdown) ends it cleanly
     * and the new start can take the folder over. Its last commits are already durable.
     */
    private static void stopOrphanedPostmaster(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return;
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (orphan.isEmpty()) return;
        log.warn("PostgreSQL from an earlier run (pid {}) still holds {}; stopping it", pid, pgData);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("PostgreSQL pid " + pid + " still holds " + pgData + "; stop it and start again", e);
        }
    }

    private static Database open(String jdbcUrl, Optional<EmbeddedPostgres> embedded) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("lanyard");
        config.setMaximumPoolSize(Integer.getInteger("lanyard.db.poolSize", 16));
        config.setAutoCommit(true);
        config.setConnectionTimeout(10_000);
        // Fail at start, with the server's own message, rather than on the first request.
        config.setInitializationFailTimeout(10_000);
        // Plan every query with its values: a generic plan cannot use the trigram index for
        // "co" (LIKE with a parameter) and would misjudge selective lookups in a big organization.
        config.setConnectionInitSql("set plan_cache_mode = force_custom_plan");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        log.info("database ready ({})", embedded.isPresent() ? "embedded PostgreSQL" : "external PostgreSQL");
        return new Database(pool, embedded);
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
