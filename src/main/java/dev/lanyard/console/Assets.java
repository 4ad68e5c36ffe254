package dev.lanyard.console;

import dev.lanyard.token.Secrets;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The console's stylesheet, read from the classpath once. Its URL carries a hash of its content,
 * so browsers may keep it for a year and still see a new version at once.
 */
public final class Assets {
    private static final byte[] CSS = load("/console/console.css");
    private static final String CSS_PATH = ConsoleRoutes.PREFIX + "/assets/console.css";
    private static final String CSS_VERSION =
            HexFormat.of().formatHex(Secrets.hash(new String(CSS, StandardCharsets.UTF_8))).substring(0, 12);

    private Assets() {}

    /** What templates link to. */
    public static String cssUrl() {
        return CSS_PATH + "?v=" + CSS_VERSION;
    }

    static String cssPath() {
        return CSS_PATH;
    }

    static void css(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=31536000, immutable")
                .contentType("text/css; charset=utf-8").result(CSS);
    }

    private static byte[] load(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
