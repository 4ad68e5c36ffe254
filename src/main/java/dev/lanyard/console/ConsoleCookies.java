package dev.lanyard.console;

import dev.lanyard.http.BaseUrl;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

/**
 * The console's two cookies, both HttpOnly (no script reads them), SameSite=Lax (another site's
 * form posts arrive without them), Path=/console, and Secure whenever the console is reached
 * over https (the configured public URL, else the request itself). Both last as long as the
 * browser session; the server decides when a session expires.
 */
final class ConsoleCookies {
    static final String SESSION = "lanyard_session";
    /** The sign-in form's CSRF token, before there is a session (double-submit cookie). */
    static final String LOGIN_CSRF = "lanyard_login_csrf";
    /**
     * A token just generated, on its way from the POST to the one page that shows it (Post/
     * Redirect/Get): limited to that page's path, SameSite=Strict, gone after 5 minutes and
     * cleared by the page that reads it, so a reload or Back shows "already shown" and never
     * issues or reveals a token again. The server keeps no copy of the secret.
     */
    static final String NEW_TOKEN = "lanyard_new_token";
    static final int NEW_TOKEN_SECONDS = 300;
    private static final int BROWSER_SESSION = -1;

    private final BaseUrl baseUrl;

    ConsoleCookies(BaseUrl baseUrl) {
        this.baseUrl = baseUrl;
    }

    BaseUrl baseUrl() {
        return baseUrl;
    }

    void set(Context ctx, String name, String value) {
        ctx.cookie(cookie(ctx, name, value, BROWSER_SESSION));
    }

    /** Tells the browser to forget the cookie, with the same attributes it was set with. */
    void clear(Context ctx, String name) {
        ctx.cookie(cookie(ctx, name, "", 0));
    }

    /** A cookie for one path only, SameSite=Strict, for {@code maxAge} seconds (0 clears it). */
    void setForPath(Context ctx, String name, String value, String path, int maxAge) {
        setForPath(ctx, name, value, path, maxAge, SameSite.STRICT);
    }

    /** As above with another SameSite (Lax for a value that must survive a redirect another site's form post began). */
    void setForPath(Context ctx, String name, String value, String path, int maxAge, SameSite sameSite) {
        boolean secure = baseUrl.of(ctx).startsWith("https:");
        ctx.cookie(new Cookie(name, value, path, maxAge, secure, true, null, sameSite));
    }

    private Cookie cookie(Context ctx, String name, String value, int maxAge) {
        boolean secure = baseUrl.of(ctx).startsWith("https:");
        return new Cookie(name, value, ConsoleRoutes.PREFIX, maxAge, secure, true, null, SameSite.LAX);
    }
}
