package dev.lanyard.http;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import dev.lanyard.DomainException;
import dev.lanyard.admin.AdminRoutes;
import dev.lanyard.provisioning.ScimRoutes;
import dev.lanyard.provisioning.ScimResponses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP answers. Under /scim/ every answer is a SCIM Error
 * (RFC 7644 §3.12); elsewhere the admin API's {"status","detail"}. Unexpected failures are logged
 * with the request id and answered without internals.
 */
public final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    public static void register(RoutesConfig routes) {
        routes.exception(ScimException.class, (e, ctx) -> {
            var error = e.getScimError();
            write(ctx, error.getStatus(), error.getScimType(), error.getDetail());
        });
        routes.exception(Json.BodyException.class, (e, ctx) ->
                write(ctx, e.status(), e.status() == 400 ? BadRequestException.INVALID_SYNTAX : null, e.getMessage()));
        routes.exception(DomainException.class, (e, ctx) -> {
            switch (e) {
                case DomainException.NotFound nf -> write(ctx, 404, null, nf.getMessage());
                case DomainException.Conflict c -> write(ctx, 409, BadRequestException.UNIQUENESS, c.getMessage());
                case DomainException.Invalid i -> write(ctx, 400, BadRequestException.INVALID_VALUE, i.getMessage());
                case DomainException.Stale s -> write(ctx, 412, null, s.getMessage());
                case DomainException.Disabled d -> write(ctx, 403, null, d.getMessage());
                default -> write(ctx, 400, null, e.getMessage());
            }
        });
        routes.exception(AdminRoutes.AdminError.class, (e, ctx) -> write(ctx, e.status(), null, e.getMessage()));
        routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), null, e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("request {} {} failed (request id {})", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
            write(ctx, 500, null, "internal error; the server log has the details under request id " + RequestIds.of(ctx));
        });
        // Unknown paths and methods get the same shapes as everything else.
        routes.error(404, ctx -> {
            if (ctx.result() == null) write(ctx, 404, null, "no such endpoint: " + ctx.method() + " " + ctx.path());
        });
        routes.error(405, ctx -> {
            if (ctx.result() == null) write(ctx, 405, null, ctx.method() + " is not allowed on " + ctx.path());
        });
    }

    static void write(Context ctx, int status, String scimType, String detail) {
        if (ctx.path().startsWith(ScimRoutes.PREFIX)) {
            ScimResponses.error(ctx, status, scimType, detail);
        } else {
            AdminRoutes.error(ctx, status, detail);
        }
    }
}
