package dev.lanyard.http;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.FailureReason;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The one place where exceptions become HTTP answers. Under /scim/ every answer is a SCIM Error
 * (RFC 7644 §3.12); under /console an HTML page; elsewhere the admin API's {"status","detail"}.
 * Unexpected failures are logged with the request id and answered without internals.
 * {@code App} hands over each part's renderer, so this package imports no feature package.
 */
public final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    /** Where a failure's {@link FailureReason} is left on the request for the provisioning log. */
    public static final String REASON_ATTRIBUTE = "lanyard.failureReason";

    /**
     * What a refused request is told: status, SCIM error type (or null), and a detail to act on;
     * plus why, as a code the provisioning log stores (never read back from the detail's words).
     */
    public record Problem(int status, String scimType, String detail, FailureReason reason) {
        Problem(int status, String scimType, String detail) {
            this(status, scimType, detail, FailureReason.of(status, scimType));
        }
    }

    /** Writes an error in one part's own shape (a SCIM Error, a console page, the admin API's JSON). */
    @FunctionalInterface
    public interface Renderer {
        void write(Context ctx, int status, String scimType, String detail);
    }

    /** The paths one part of the app owns, and how its errors look. */
    public record Area(Predicate<String> owns, Renderer renderer) {}

    /**
     * The answer an exception stands for, or empty for an unexpected failure (a bug, a lost
     * database), which callers log and answer with 500. Used for single requests and for each
     * operation of a /Bulk request alike.
     */
    public static Optional<Problem> describe(Exception e) {
        return problem(e).map(p -> new Problem(p.status(), p.scimType(), clean(p.detail()), p.reason()));
    }

    private static final java.util.regex.Pattern CLASS_NAME =
            java.util.regex.Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Z][A-Za-z0-9_$]*(?:\\.[A-Za-z0-9_$]+)*");

    /**
     * A detail as a client may see it: fully qualified Java class names (which a library's message
     * can carry, e.g. "com.fasterxml...MismatchedInputException") name our internals and say
     * nothing to the person fixing the request, so they go.
     */
    static String clean(String detail) {
        if (detail == null) return null;
        return CLASS_NAME.matcher(detail).replaceAll("a value");
    }

    private static Optional<Problem> problem(Exception e) {
        return switch (e) {
            case ScimException s -> Optional.of(new Problem(s.getScimError().getStatus(), s.getScimError().getScimType(),
                    s.getScimError().getDetail()));
            case Json.BodyException b -> Optional.of(new Problem(b.status(), b.scimType(), b.getMessage()));
            case DomainException.NotFound nf -> Optional.of(new Problem(404, null, nf.getMessage(),
                    nf.reason().orElse(FailureReason.RESOURCE_NOT_FOUND)));
            case DomainException.Conflict c -> Optional.of(new Problem(409, BadRequestException.UNIQUENESS, c.getMessage()));
            case DomainException.Invalid i -> Optional.of(new Problem(400, BadRequestException.INVALID_VALUE, i.getMessage(),
                    i.reason().orElse(FailureReason.INVALID_VALUE)));
            case DomainException.Stale s -> Optional.of(new Problem(412, null, s.getMessage()));
            case DomainException.Disabled d -> Optional.of(new Problem(403, null, d.getMessage(), FailureReason.PROVISIONING_DISABLED));
            case DomainException.Busy b -> Optional.of(new Problem(503, null, b.getMessage(), b.reason().orElse(FailureReason.BUSY)));
            case DomainException.RateLimited r -> Optional.of(new Problem(429, null, r.getMessage()));
            case DomainException d -> Optional.of(new Problem(400, null, d.getMessage()));
            case HttpResponseException h -> Optional.of(new Problem(h.getStatus(), null, h.getMessage()));
            default -> Optional.empty();
        };
    }

    /**
     * Maps every exception and Javalin's own 404 / 405 to an answer, rendered by the first area
     * that owns the request's path, else by {@code fallback}.
     */
    public static void register(RoutesConfig routes, List<Area> areas, Renderer fallback) {
        Renderer write = (ctx, status, scimType, detail) -> areas.stream().filter(a -> a.owns().test(ctx.path()))
                .findFirst().map(Area::renderer).orElse(fallback).write(ctx, status, scimType, detail);
        routes.exception(Exception.class, (e, ctx) -> handle(e, ctx, write));
        // Javalin answers its own HttpResponseExceptions (an unknown path, a ForbiddenResponse) in
        // plain text unless a handler names that very type; naming it gives them our shapes too.
        routes.exception(HttpResponseException.class, (e, ctx) -> handle(e, ctx, write));
        // Unknown paths and methods get the same shapes as everything else.
        routes.error(404, ctx -> {
            if (ctx.result() != null) return;
            ctx.attribute(REASON_ATTRIBUTE, FailureReason.UNKNOWN_ENDPOINT);
            write.write(ctx, 404, null, "no such endpoint: " + ctx.method() + " " + ctx.path());
        });
        routes.error(405, ctx -> {
            if (ctx.result() != null) return;
            ctx.attribute(REASON_ATTRIBUTE, FailureReason.METHOD_NOT_ALLOWED);
            write.write(ctx, 405, null, ctx.method() + " is not allowed on " + ctx.path());
        });
    }

    private static void handle(Exception e, Context ctx, Renderer write) {
        Optional<Problem> problem = describe(e);
        if (problem.isPresent()) {
            if (e instanceof DomainException.RetryLater later) {
                ctx.header("Retry-After", String.valueOf(Math.max(1, later.retryAfterSeconds())));
            }
            ctx.attribute(REASON_ATTRIBUTE, problem.get().reason());
            write.write(ctx, problem.get().status(), problem.get().scimType(), problem.get().detail());
            return;
        }
        ctx.attribute(REASON_ATTRIBUTE, FailureReason.SERVER_ERROR);
        log.error("request {} {} failed (request id {})", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
        write.write(ctx, 500, null, "internal error; the server log has the details under request id " + RequestIds.of(ctx));
    }
}
