package dev.lanyard.http;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;

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
 *   <li>a connection idle for {@link #IDLE_TIMEOUT} (between requests, or mid-request) is closed;</li>
 *   <li>a request body must arrive at {@link #MIN_BODY_BYTES_PER_SECOND} bytes a second at least.</li>
 * </ul>
 */
public final class SlowClients {
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final long MIN_BODY_BYTES_PER_SECOND = 1024;
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
                }
            });
        }
    }
}
