package dev.lanyard.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The log set up in code (issue 16) is the one logback.xml described, and an operator's own file still wins. */
class LogSetupTest {
    @Test
    void one_line_per_event_on_stdout_libraries_at_warn() {
        LoggerContext context = new LoggerContext();
        assertThat(new LogSetup().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        for (String quiet : new String[] {"io.zonky", "com.zaxxer.hikari.pool.HikariPool", "org.flywaydb.core.Flyway", "org.eclipse.jetty.server.Server",
                                          "io.javalin.Javalin"}) {
            assertThat(context.getLogger(quiet).getEffectiveLevel()).as(quiet).isEqualTo(Level.WARN);
        }
        // PostgreSQL's own lines (the embedded server's output) stay, so a failed start says why.
        assertThat(context.getLogger("io.zonky.test.db.postgres.embedded.EmbeddedPostgres").getEffectiveLevel()).isEqualTo(Level.INFO);

        var stdout = (BatchedStdout) root.getAppender("STDOUT");
        assertThat(stdout.isStarted()).isTrue();
        var event = new LoggingEvent("test", context.getLogger("dev.lanyard.Lanyard"), Level.INFO, "Lanyard listening on {}", null,
                new Object[] {"http://127.0.0.1:8080"});
        event.setTimeStamp(0);
        var encoder = stdout.encoder();
        assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8))
                .isEqualTo("1970-01-01T00:00:00.000Z INFO  Lanyard - Lanyard listening on http://127.0.0.1:8080" + System.lineSeparator());
        context.stop();
    }

    @Test
    void an_operators_configuration_file_wins() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/etc/lanyard/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            assertThat(new LogSetup().configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
        } finally {
            if (before == null) System.clearProperty("logback.configurationFile");
            else System.setProperty("logback.configurationFile", before);
        }
    }
}
