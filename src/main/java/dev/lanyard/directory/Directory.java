package dev.lanyard.directory;

import dev.lanyard.storage.Transactions;

import java.time.Clock;
import java.time.Duration;

/**
 * The apps' view of the directory, wired once per server: the event feed ({@link #events()}),
 * its retention, and the Directory API's reads. {@link #close} stops the retention sweep.
 */
public final class Directory implements AutoCloseable {
    private final EventStore events;
    private final EventRetention retention;
    private final DirectoryService api;

    public Directory(Transactions tx, Duration eventRetention) {
        this.events = new EventStore(tx);
        this.api = new DirectoryService(tx);
        this.retention = new EventRetention(events, eventRetention, Clock.systemUTC());
    }

    public Directory(Transactions tx) {
        this(tx, EventRetention.DEFAULT);
    }

    /** The feed's reading side: the seam webhook delivery builds on. */
    public EventStore events() {
        return events;
    }

    /** The Directory API's reads. */
    public DirectoryService api() {
        return api;
    }

    /** Runs the retention sweep now (tests; the server runs it every hour); returns how many events went. */
    public int sweepExpiredEvents() {
        return retention.sweep();
    }

    @Override
    public void close() {
        retention.close();
    }
}
