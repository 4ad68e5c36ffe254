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
    private static final int BROWSER_SESSION = -1;

    private final BaseUrl baseUrl;

    ConsoleCookies(BaseUrl baseUrl) {
        this.baseUrl = baseUrl;
    }

    void set(Context ctx, String name, String value) {
        ctx.cookie(cookie(ctx, name, value, BROWSER_SESSION));
    }

    /** Tells the browser to forget the cookie, with the same attributes it was set with. */
    void clear(Context ctx, String name) {
        ctx.cookie(cookie(ctx, name, "", 0));
    }

    private Cookie cookie(Context ctx, String name, String value, int maxAge) {
        boolean secure = baseUrl.of(ctx).startsWith("https:");
        return new Cookie(name, value, ConsoleRoutes.PREFIX, maxAge, secure, true, null, SameSite.LAX);
    }
}
