package dev.lanyard.directory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the event feed bounded (docs/events.md): every hour, events older than the retention
 * (30 days unless the operator sets LANYARD_EVENT_RETENTION_DAYS) are deleted oldest first, in
 * batches of {@value #BATCH}, one short transaction each, so the sweep never holds many locks
 * nor a long transaction (which would hold the feed back: see {@link EventStore}).
 */
final class EventRetention implements AutoCloseable {
    static final Duration DEFAULT = Duration.ofDays(30);
    static final int BATCH = 5_000;
    /** At most this many batches per sweep; the next hour continues. */
    static final int MAX_BATCHES = 200;
    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

    private final EventStore events;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("directory-event-retention").daemon().factory());

    EventRetention(EventStore events, Duration retention, Clock clock) {
        if (retention.compareTo(Duration.ofDays(1)) < 0 || retention.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException("event retention must be between 1 and 3650 days, got " + retention);
        }
        this.events = events;
        this.retention = retention;
        this.clock = clock;
        janitor.scheduleWithFixedDelay(this::sweepQuietly, 2, 60, TimeUnit.MINUTES);
    }

    /** Deletes what is older than the retention; returns how many events went. */
    int sweep() {
        var cutoff = clock.instant().minus(retention);
        int total = 0;
        for (int i = 0; i < MAX_BATCHES; i++) {
            int deleted = events.sweep(cutoff, BATCH);
            total += deleted;
            if (deleted < BATCH) break;
        }
        return total;
    }

    private void sweepQuietly() {
        try {
            int deleted = sweep();
            if (deleted > 0) log.info("event retention: deleted {} events older than {}", deleted, retention);
        } catch (RuntimeException e) {
            log.warn("event retention: the sweep failed; it runs again in an hour", e);
        }
    }

    @Override
    public void close() {
        janitor.shutdownNow();
    }
}
