package dev.lanyard.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * Renders the console's jte templates (src/main/jte). They are compiled to Java at build time
 * by jte-maven-plugin, so the server only loads classes: no template compiler at run time. jte
 * escapes every {@code ${...}} for where it appears (element text, attribute).
 */
final class Views {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Views() {}

    /** {@code template} is a path under src/main/jte, e.g. {@code console/login.jte}; {@code page} its one parameter. */
    static void render(Context ctx, int status, String template, Object page) {
        ctx.status(status).contentType("text/html; charset=utf-8").result(html(template, page));
    }

    /** The page as text, for an answer written below Javalin (Jetty's error handler). */
    static String html(String template, Object page) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, page, out);
        return out.toString();
    }
}
