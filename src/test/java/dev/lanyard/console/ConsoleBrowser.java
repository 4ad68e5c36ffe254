package dev.lanyard.console;

import dev.lanyard.testing.Http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without JavaScript for the console tests: keeps the cookies the server sets (and
 * forgets those it expires), reads a page's CSRF field, posts url-encoded forms. Never follows
 * redirects, so tests see each 303.
 */
final class ConsoleBrowser {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final Http http;
    final Map<String, String> cookies = new LinkedHashMap<>();

    ConsoleBrowser(Http http) {
        this.http = http;
    }

    Http.Response get(String path) {
        return keep(http.send("GET", path, null, headers(Map.of())));
    }

    Http.Response post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return keep(http.send("POST", path, body, headers(Map.of("Content-Type", "application/x-www-form-urlencoded"))));
    }

    /** A new admin of {@code org} (created through the admin API), signed in. */
    static ConsoleBrowser signedIn(dev.lanyard.testing.TestApp app, dev.lanyard.testing.TestApp.Org org, String email) {
        ConsoleBrowser browser = new ConsoleBrowser(app.http());
        String password = createAdmin(app, org, email);
        browser.signIn(org.name(), email, password).expect(303);
        browser.changePassword(password, OWN_PASSWORD).expect(303);
        return browser;
    }

    /** What {@link #signedIn} admins choose in place of their one-time password. */
    static final String OWN_PASSWORD = "correct horse battery staple";

    /** Fills in "Change your password", which the first sign-in with a one-time password leads to. */
    Http.Response changePassword(String current, String next) {
        String csrf = csrf(get("/console/password").expect(200));
        return post("/console/password", Map.of("csrf", csrf, "current_password", current, "new_password", next,
                "confirm_password", next));
    }

    /** Creates a console admin of {@code org} through the operator's admin API; returns the one-time password. */
    static String createAdmin(dev.lanyard.testing.TestApp app, dev.lanyard.testing.TestApp.Org org, String email) {
        return app.http().send("POST", "/admin/api/orgs/" + org.id() + "/admins", app.operatorToken(),
                "{\"email\":\"" + email + "\"}").expect(201).json().get("password").asText();
    }

    /** Opens the sign-in form and submits it, as a person would. */
    Http.Response signIn(String org, String email, String password) {
        String csrf = csrf(get("/console/login").expect(200));
        return post("/console/login", Map.of("csrf", csrf, "org", org, "email", email, "password", password));
    }

    /** The hidden CSRF field of a page's form. */
    /** The token with its first character changed: always different from the original, never equal by chance. */
    static String tampered(String token) {
        return (token.charAt(0) == 'x' ? "y" : "x") + token.substring(1);
    }

    static String csrf(Http.Response page) {
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) throw new AssertionError("no csrf field in " + page);
        return m.group(1);
    }

    /** The raw Set-Cookie header for one cookie, attributes and all. */
    static String setCookie(Http.Response response, String name) {
        return setCookies(response).stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " in " + response.headers()));
    }

    static List<String> setCookies(Http.Response response) {
        return response.headers().getOrDefault("set-cookie", List.of());
    }

    private Http.Response keep(Http.Response response) {
        for (String header : setCookies(response)) {
            String pair = header.split(";", 2)[0];
            String name = pair.substring(0, pair.indexOf('='));
            String value = pair.substring(pair.indexOf('=') + 1);
            String lower = header.toLowerCase(java.util.Locale.ROOT);
            boolean expired = lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970");
            if (expired || value.isEmpty()) cookies.remove(name);
            else cookies.put(name, value);
        }
        return response;
    }

    private Map<String, String> headers(Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>(extra);
        if (!cookies.isEmpty()) {
            headers.put("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        return headers;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
