package dev.lanyard.storage;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.testing.TestDb;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Issue 16 (start to ready): the embedded PostgreSQL's start ends when the postmaster marks its
 * pid file "ready", not when the library's 100-ms wait runs out (EmbeddedServer.startWatched).
 */
class EmbeddedStartIT {
    Path data;
    final ListAppender<ILoggingEvent> server = new ListAppender<>();
    final ListAppender<ILoggingEvent> library = new ListAppender<>();
    Level serverLevel;

    @BeforeEach
    void setUp() throws IOException {
        assumeFalse(TestDb.external(), "the embedded database is what this test is about");
        data = Files.createTempDirectory("lanyard-start");
        Logger serverLog = (Logger) LoggerFactory.getLogger(EmbeddedServer.class);
        serverLevel = serverLog.getLevel();
        serverLog.setLevel(Level.DEBUG);
        serverLog.addAppender(server);
        ((Logger) LoggerFactory.getLogger(EmbeddedPostgres.class)).addAppender(library);
        server.start();
        library.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (data == null) return;
        Logger serverLog = (Logger) LoggerFactory.getLogger(EmbeddedServer.class);
        serverLog.detachAppender(server);
        serverLog.setLevel(serverLevel);
        ((Logger) LoggerFactory.getLogger(EmbeddedPostgres.class)).detachAppender(library);
        try (var paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void the_start_ends_on_the_postmasters_ready_mark_new_folder_and_existing_one() throws Exception {
        for (String start : List.of("new folder", "existing folder")) {
            server.list.clear();
            library.list.clear();
            try (Database db = Database.embedded(data, 2); Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
                assertThat(EmbeddedServer.saysReady(data.resolve("postgres/postmaster.pid"))).as(start).isTrue();
                var rs = s.executeQuery("select current_user");
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("lanyard");
            }
            assertThat(messages(server)).as(start).anyMatch(m -> m.contains("the library's wait was cut short"));
            // The library logs this only when its own check signed in, after a 100-ms sleep ran out.
            assertThat(messages(library)).as(start).noneMatch(m -> m.contains("postmaster startup finished"));
        }
    }

    @Test
    void only_the_eighth_line_saying_ready_counts() throws Exception {
        Path pid = data.resolve("postmaster.pid");
        assertThat(EmbeddedServer.saysReady(pid)).isFalse();
        String head = "4242\n" + data + "\n1764990000\n5432\n\n127.0.0.1\n  5432001    131072\n";
        Files.writeString(pid, head + "starting\n");
        assertThat(EmbeddedServer.saysReady(pid)).isFalse();
        Files.writeString(pid, head + "ready   \n");
        assertThat(EmbeddedServer.saysReady(pid)).isTrue();
        Files.writeString(pid, "4242\nready\n");
        assertThat(EmbeddedServer.saysReady(pid)).isFalse();
    }

    private static List<String> messages(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
