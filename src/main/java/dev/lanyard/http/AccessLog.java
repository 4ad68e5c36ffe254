package dev.lanyard.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One line per request, and the request timer for /metrics. Only the method, the path (no query
 * string: filters carry people's addresses), status, duration, organization and client name:
 * never a header, so never a token.
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("lanyard.access");
    /** Set by the SCIM authentication once the organization is known. */
    public static final String ORG_ATTRIBUTE = "lanyard.org";
    /**
     * Timers by method, route and status. Routes are the registered patterns (or "unmatched"),
     * so the map is as small as the route table times the statuses. Looking a timer up here
     * instead of building and registering one per request was a tenth of this class's cost.
     */
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final MeterRegistry metrics;

    private record TimerKey(String method, String route, int status) {}

    public AccessLog(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public void log(Context ctx, Float millis) {
        String org = ctx.attribute(ORG_ATTRIBUTE);
        String client = Clients.name(ctx.header("User-Agent"));
        if (log.isInfoEnabled()) {
            log.info("{} {} {} {}ms org={} client={} id={}", ctx.method(), ctx.path(), ctx.statusCode(),
                    tenths(millis), org == null ? "-" : org, client, RequestIds.of(ctx));
        }
        String route = ctx.endpoint() == null ? "unmatched" : ctx.endpoint().path;
        timers.computeIfAbsent(new TimerKey(ctx.method().name(), route, ctx.statusCode()), k -> Timer.builder("lanyard.http.requests")
                        .tag("method", k.method())
                        .tag("route", k.route())
                        .tag("status", String.valueOf(k.status()))
                        .register(metrics))
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    /** "12.3": the duration to a tenth of a millisecond, as String.format("%.1f") wrote it, without its cost. */
    static String tenths(float millis) {
        if (!(millis >= 0) || millis >= 1e9f) return String.format(Locale.ROOT, "%.1f", millis);
        long t = Math.round(millis * 10.0);
        return (t / 10) + "." + (t % 10);
    }
}
