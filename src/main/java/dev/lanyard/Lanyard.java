package dev.lanyard;

import dev.lanyard.config.Settings;
import dev.lanyard.storage.Database;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A running Lanyard: the database (embedded or external), the operator credential, the HTTP
 * server. {@link #run} is what {@code bin/lanyard serve} calls; {@link #start} is what tests call.
 */
public final class Lanyard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lanyard.class);

    private final Database database;
    private final App.Services services;
    private final Javalin server;
    private final Settings settings;
    private final Path operatorTokenFile;

    private Lanyard(Database database, App.Services services, Javalin server, Settings settings, Path operatorTokenFile) {
        this.database = database;
        this.services = services;
        this.server = server;
        this.settings = settings;
        this.operatorTokenFile = operatorTokenFile;
    }

    /** Opens the database, makes sure an operator credential exists, starts HTTP. */
    public static Lanyard start(Settings settings) throws Exception {
        long started = System.nanoTime();
        Database database = settings.databaseUrl().isPresent()
                ? Database.external(settings.databaseUrl().get(), settings.dbPoolSize())
                : Database.embedded(settings.dataDir(), settings.dbPoolSize());
        try {
            App.Services services = App.Services.on(database, java.time.Duration.ofDays(settings.logRetentionDays()),
                    java.time.Duration.ofDays(settings.eventRetentionDays()), java.time.Duration.ofDays(settings.auditRetentionDays()),
                    dev.lanyard.webhook.WebhookOptions.defaults(settings.webhooksAllowPrivate()));
            Path tokenFile = services.operator().ensure(settings.dataDir());
            Javalin server = App.create(services, settings.publicUrl()).start(settings.host(), settings.port());
            log.info("Lanyard listening on {} (data {}, started in {} ms)", settings.baseUrl(server.port()),
                    settings.dataDir(), (System.nanoTime() - started) / 1_000_000);
            markClassArchiveWhole();
            database.fillPool();
            return new Lanyard(database, services, server, settings, tokenFile);
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    /**
     * Tells bin/lanyard that the class-data archive this JVM writes when it exits is one of a
     * whole start (bin/lib/java.sh, lanyard_server_opts): only then is it used by later starts.
     * Nothing when the property is not set (tests, a JVM started by other means).
     */
    private static void markClassArchiveWhole() {
        String marker = System.getProperty("lanyard.cds.ready");
        if (marker == null || marker.isBlank()) return;
        try {
            java.nio.file.Files.writeString(Path.of(marker), "listening\n");
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("class-data archive marker {} not written: {}", marker, e.toString());
        }
    }

    /** Runs until SIGTERM / SIGINT, then drains requests and stops the database cleanly. */
    public static void run(Settings settings) throws Exception {
        Lanyard lanyard = start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: finishing in-flight requests");
            lanyard.close();
            log.info("stopped");
            stopped.countDown();
        }, "lanyard-shutdown"));
        stopped.await();
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return settings.baseUrl(server.port());
    }

    /** The database this server runs on (tests). */
    Database database() {
        return database;
    }

    public Path operatorTokenFile() {
        return operatorTokenFile;
    }

    @Override
    public void close() {
        server.stop();
        services.close();  // writes what the provisioning log still holds
        database.close();
    }
}
