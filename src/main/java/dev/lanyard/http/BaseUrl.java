package dev.lanyard.http;

import io.javalin.http.Context;

import java.net.URI;
import java.util.Optional;

/**
 * The URL clients reach this server at, for SCIM locations and the SCIM base URL shown to
 * admins: the configured public URL (behind a proxy, the only right answer), else the scheme
 * and host the request came in on.
 */
public record BaseUrl(Optional<URI> configured) {
    public String of(Context ctx) {
        return configured.isEmpty() ? ctx.scheme() + "://" + ctx.host() : withoutTrailingSlashes(configured.get().toString());
    }

    /** {@code url.replaceAll("/+$", "")}, without compiling a pattern on every request. */
    static String withoutTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') end--;
        return url.substring(0, end);
    }
}
