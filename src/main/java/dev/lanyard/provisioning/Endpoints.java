package dev.lanyard.provisioning;

import com.unboundid.scim2.common.exceptions.ScimException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registers SCIM routes and remembers which methods each path has, so that every other method on
 * an existing path is answered 405 with an {@code Allow} header and a SCIM Error body
 * ({@code POST /ServiceProviderConfig}, {@code PATCH /Users}), not 404 as if the path did not exist.
 */
final class Endpoints {
    /** The methods SCIM uses (RFC 7644 §3.2). */
    static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

    /** Runs before the 405: the token check, so an anonymous request learns nothing more than 401. */
    @FunctionalInterface
    interface Guard {
        void check(io.javalin.http.Context ctx) throws Exception;
    }

    private final RoutesConfig routes;
    private final Map<String, Set<HandlerType>> methods = new LinkedHashMap<>();

    Endpoints(RoutesConfig routes) {
        this.routes = routes;
    }

    void add(HandlerType method, String path, Handler handler) {
        methods.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
        routes.addHttpHandler(method, path, handler);
    }

    void refuseOtherMethods(Guard guard) {
        methods.forEach((path, allowed) -> {
            String allow = allowed.stream().map(HandlerType::name).collect(Collectors.joining(", "));
            for (HandlerType method : METHODS) {
                if (allowed.contains(method)) continue;
                routes.addHttpHandler(method, path, ctx -> {
                    guard.check(ctx);
                    ctx.header("Allow", allow);
                    throw new ScimException(405, null, ctx.method() + " is not supported on this endpoint; it allows "
                            + allow);
                });
            }
        });
    }
}
