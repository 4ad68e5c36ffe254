package dev.lanyard.console;

import io.javalin.http.Context;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A deep link that survives sign-in: a console page asked for without a session goes to the
 * sign-in form with {@code ?next=/console/...}, and after sign-in (and the first sign-in's own
 * password) the browser lands on it. Only a path of this console is ever followed, never another
 * site (no open redirect, OWASP "Unvalidated Redirects and Forwards"): a relative reference that
 * starts with {@code /console}, without a scheme, an authority ({@code //evil.example}), a
 * backslash (which browsers read as a slash), dot segments or anything but printable ASCII.
 */
final class ReturnTo {
    static final String PARAM = "next";
    /** Longer links are dropped (the page then opens Home): bounded like everything a form carries. */
    static final int MAX_LENGTH = 2000;

    private ReturnTo() {}

    /** {@code raw} when it is a console page to return to, else empty. */
    static Optional<String> parse(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH) return Optional.empty();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') return Optional.empty();
        }
        if (!(raw.equals(ConsoleRoutes.PREFIX) || raw.startsWith(ConsoleRoutes.PREFIX + "/")
                || raw.startsWith(ConsoleRoutes.PREFIX + "?")) || raw.contains("//")) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String path = uri.getRawPath();
        if (uri.getScheme() != null || uri.getRawAuthority() != null || path == null || uri.getRawFragment() != null
                || !uri.normalize().getRawPath().equals(path) || path.contains("/.") || path.contains("%2e") || path.contains("%2E")) {
            return Optional.empty();
        }
        // Sign-in and sign-out pages are no place to come back to.
        if (path.startsWith(ConsoleRoutes.PREFIX + "/login") || path.startsWith(ConsoleRoutes.PREFIX + "/logout")) return Optional.empty();
        return Optional.of(raw);
    }

    /** The link the request asked for, as sent (path and query), when it is one to come back to. */
    static Optional<String> of(Context ctx) {
        String query = ctx.req().getQueryString();
        return parse(ctx.req().getRequestURI() + (query == null ? "" : "?" + query));
    }

    /** {@code path} with {@code ?next=...} (or {@code &next=...}) when there is somewhere to return to. */
    static String append(String path, Optional<String> next) {
        return next.map(n -> path + (path.contains("?") ? "&" : "?") + PARAM + "=" + URLEncoder.encode(n, StandardCharsets.UTF_8))
                .orElse(path);
    }

    /** The request's {@code next} parameter (query or form), when it is a console page. */
    static Optional<String> requested(Context ctx) {
        String form = ctx.method() == io.javalin.http.HandlerType.POST ? ctx.formParam(PARAM) : null;
        return parse(form != null ? form : ctx.queryParam(PARAM));
    }
}
