package dev.lanyard.console;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A secret the operator must see exactly once (a one-time password, an app's client secret),
 * by Post/Redirect/Get as the new SCIM token is shown: the POST puts it in a cookie for the one
 * page that shows it (that path only, SameSite=Strict, HttpOnly, 5 minutes) and redirects there;
 * that page reads and clears it, so reloading or going Back shows "already shown" and never
 * creates or reveals a second one. The server keeps no copy; the page escapes what it shows.
 */
final class ShownOnce {
    static final String COOKIE = "lanyard_shown_once";

    private ShownOnce() {}

    /** Sets the cookie for {@code page} and redirects the browser there (303). */
    static void redirect(Context ctx, ConsoleCookies cookies, String page, String... values) {
        StringBuilder joined = new StringBuilder();
        for (String v : values) joined.append(joined.isEmpty() ? "" : "\n").append(v);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(joined.toString().getBytes(StandardCharsets.UTF_8));
        cookies.setForPath(ctx, COOKIE, value, page, ConsoleCookies.NEW_TOKEN_SECONDS);
        ctx.redirect(page, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** The values the POST left for this page, once: the cookie is cleared in the same answer. */
    static Optional<List<String>> take(Context ctx, ConsoleCookies cookies, String page, int count) {
        String value = ctx.cookie(COOKIE);
        if (value == null) return Optional.empty();
        cookies.setForPath(ctx, COOKIE, "", page, 0);
        if (value.length() > 4096) return Optional.empty();
        try {
            List<String> values = Arrays.asList(new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8).split("\n", -1));
            return values.size() == count ? Optional.of(values) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
