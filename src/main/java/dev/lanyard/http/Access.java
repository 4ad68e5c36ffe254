package dev.lanyard.http;

import io.javalin.security.RouteRole;

/**
 * Who may call a route, declared where the route is registered (a Javalin route role). The
 * console's and SCIM's registration helpers choose their check from it, so what a route declares
 * and what it enforces cannot drift apart; {@code RouteAccessIT} reads the roles back from the
 * registered routes and probes every route that is not {@link #PUBLIC}.
 */
public enum Access implements RouteRole {
    /** Anybody: health checks, the sign-in forms (their own double-submit CSRF check), static assets, sign-out. */
    PUBLIC,
    /** A console session ready for its organization's pages; else 303 to where the browser must go first. */
    CONSOLE_ORGANIZATION,
    /** A console admin, even one who must still choose their own password; the operator gets 404. */
    CONSOLE_ADMIN,
    /** The operator's console session; an admin gets 404. */
    CONSOLE_OPERATOR,
    /** The operator token as a bearer token (the admin API's check): /metrics. */
    OPERATOR,
    /** An organization's SCIM token at its own SCIM URL, with user provisioning enabled (else 401 / 403). */
    SCIM_TOKEN,
    /** A registered app's client credentials (HTTP Basic) for an organization it may read (else 401 / 404): /api/v1. */
    APP
}
