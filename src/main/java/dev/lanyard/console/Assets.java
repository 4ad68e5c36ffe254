package dev.lanyard.console;

import dev.lanyard.token.Secrets;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The console's static files (src/main/resources/console), read from the classpath once: the
 * stylesheet, the one script and the icon. Their URLs carry a hash of their content, so browsers may keep
 * them for a year and still see a new version at once.
 */
public final class Assets {
    private static final Asset CSS = Asset.load("console.css", "text/css; charset=utf-8");
    /** Small progressive enhancements only (Copy buttons): every page works without it. */
    private static final Asset JS = Asset.load("console.js", "text/javascript; charset=utf-8");
    /** The tab icon: a badge on a lanyard, SVG (img-src 'self' allows it). */
    private static final Asset ICON = Asset.load("favicon.svg", "image/svg+xml");

    private Assets() {}

    /** What templates link to. */
    public static String cssUrl() {
        return CSS.url();
    }

    public static String jsUrl() {
        return JS.url();
    }

    public static String iconUrl() {
        return ICON.url();
    }

    static void register(ConsoleRouter routes) {
        for (Asset asset : List.of(CSS, JS, ICON)) routes.publicGet(asset.path(), asset::serve);
    }

    /** One file: served at {@code path}, linked as {@code path?v=<hash of the content>}. */
    private record Asset(String path, String contentType, byte[] content, String version) {
        static Asset load(String name, String contentType) {
            byte[] content = read("/console/" + name);
            String version = HexFormat.of().formatHex(Secrets.hash(new String(content, StandardCharsets.UTF_8)))
                    .substring(0, 12);
            return new Asset(ConsoleRoutes.PREFIX + "/assets/" + name, contentType, content, version);
        }

        String url() {
            return path + "?v=" + version;
        }

        void serve(Context ctx) {
            ctx.header("Cache-Control", "public, max-age=31536000, immutable").contentType(contentType).result(content);
        }

        private static byte[] read(String resource) {
            try (InputStream in = Assets.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
