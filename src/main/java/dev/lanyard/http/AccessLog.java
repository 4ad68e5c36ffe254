package dev.lanyard.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private final MeterRegistry metrics;

    public AccessLog(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public void log(Context ctx, Float millis) {
        String org = ctx.attribute(ORG_ATTRIBUTE);
        String client = Clients.name(ctx.header("User-Agent"));
        log.info("{} {} {} {}ms org={} client={} id={}", ctx.method(), ctx.path(), ctx.statusCode(),
                String.format("%.1f", millis), org == null ? "-" : org, client, RequestIds.of(ctx));
        String route = ctx.endpoint() == null ? "unmatched" : ctx.endpoint().path;
        Timer.builder("lanyard.http.requests")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", String.valueOf(ctx.statusCode()))
                .register(metrics)
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }
}
