package dev.lanyard.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.Map;

/**
 * The log's setup, in code: one line per event on stdout (the operator's process manager keeps
 * the log), libraries at WARN. Logback finds this class as a service
 * (META-INF/services/ch.qos.logback.classic.spi.Configurator) before it looks for a logback.xml;
 * the same setup as an XML file cost about a tenth of the server's start (logback's XML parser and
 * its configuration model, some 400 classes, issue 16). The request log's lines are written in
 * batches ({@link BatchedStdout}). An operator's own file still wins:
 * with {@code -Dlogback.configurationFile=...} this steps aside and logback reads that file.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0} - %msg%n";

    /** Loggers whose INFO is noise to an operator; PostgreSQL's own lines (zonky's EmbeddedPostgres) stay, so a failed start says why. */
    static final Map<String, Level> LEVELS = Map.of(
            "io.zonky", Level.WARN,
            "io.zonky.test.db.postgres.embedded.EmbeddedPostgres", Level.INFO,
            "com.zaxxer.hikari", Level.WARN,
            "org.flywaydb", Level.WARN,
            "org.eclipse.jetty", Level.WARN,
            "io.javalin", Level.WARN);

    public LogSetup() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        BatchedStdout stdout = new BatchedStdout(encoder);
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.start();
        Runtime.getRuntime().addShutdownHook(stdout.drainAtExit());
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
