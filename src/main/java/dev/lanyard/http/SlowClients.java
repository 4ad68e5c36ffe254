package dev.lanyard.http;

import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.internal.HttpConnection;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Slow clients are cut off (docs/security.md), so a few sockets that trickle bytes cannot hold
 * the server's connections forever:
 *
 * <ul>
 *   <li>a connection whose first request's headers have not all arrived {@link #HEADER_TIMEOUT}
 *       after it opened is closed (the slow-headers attack, which an idle timeout alone never
 *       ends: each byte resets it);</li>
 *   <li>on a kept-alive connection, every later request too: its headers must all arrive within
 *       {@link #HEADER_TIMEOUT} of its first byte (checked every {@link #SWEEP}, so within a
 *       second more), else the connection is closed. A connection that sends nothing between
 *       requests is left to the idle timeout. Jetty 12 has no per-request header timeout of its
 *       own (its idle timeout restarts with every byte), so a sweep reads each HTTP/1.1
 *       connection's parser state: out of {@code START} but still before the body means a
 *       request's headers are arriving;</li>
 *   <li>a connection idle for {@link #IDLE_TIMEOUT} (between requests, or mid-request) is closed;</li>
 *   <li>a request body must arrive at {@link #MIN_BODY_BYTES_PER_SECOND} bytes a second at least.</li>
 * </ul>
 */
public final class SlowClients {
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final long MIN_BODY_BYTES_PER_SECOND = 1024;
    static final Duration SWEEP = Duration.ofMillis(500);
    /** Open HTTP/1.1 connections, and since when (nanoTime) the one request whose headers are arriving has been. */
    private static final java.util.Map<HttpConnection, Arrival> OPEN = new java.util.concurrent.ConcurrentHashMap<>();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("slow-client-timer").daemon().factory());

    private SlowClients() {}

    /** Call from Javalin's {@code jetty.modifyServer}, after the server's handler is set. */
    public static void protect(Server server) {
        server.setHandler(new MinimumDataRateHandler(server.getHandler(), MIN_BODY_BYTES_PER_SECOND, 0));
        // Javalin adds its connector just before the start: set it up then.
        server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                protectConnectors(server);
            }
        });
    }

    private static void protectConnectors(Server server) {
        for (var connector : server.getConnectors()) {
            if (!(connector instanceof ServerConnector c)) continue;
            c.setIdleTimeout(IDLE_TIMEOUT.toMillis());
            c.addEventListener(new Connection.Listener() {
                @Override
                public void onOpened(Connection connection) {
                    TIMER.schedule(() -> {
                        if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) connection.getEndPoint().close();
                    }, HEADER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (connection instanceof HttpConnection http) OPEN.put(http, Arrival.NONE);
                }

                @Override
                public void onClosed(Connection connection) {
                    if (connection instanceof HttpConnection http) OPEN.remove(http);
                }
            });
        }
        startSweep();
    }

    /** The request whose headers are arriving: which one (by the connection's request count) and since when. */
    private record Arrival(long request, long since) {
        static final Arrival NONE = new Arrival(-1, 0);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean SWEEPING = new java.util.concurrent.atomic.AtomicBoolean();

    private static void startSweep() {
        if (!SWEEPING.compareAndSet(false, true)) return;
        TIMER.scheduleWithFixedDelay(SlowClients::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes every connection whose current request's headers began arriving {@link #HEADER_TIMEOUT} ago or more. */
    static void sweep() {
        long now = System.nanoTime();
        OPEN.replaceAll((connection, arrival) -> {
            HttpParser parser = connection.getParser();
            boolean arriving = parser.inHeaderState() && !parser.isStart();
            if (!arriving) return Arrival.NONE;
            long request = connection.getMessagesIn();
            if (arrival.request() != request) return new Arrival(request, now);
            if (now - arrival.since() >= HEADER_TIMEOUT.toNanos() && connection.getEndPoint().isOpen()) {
                connection.getEndPoint().close();
            }
            return arrival;
        });
    }
}
