package dev.lanyard.console;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.App;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Signing in to the console and out again, over real HTTP, as a browser without JavaScript does it. */
class ConsoleLoginIT {
    static final TestApp app = TestApp.start();
    static final String WRONG = "Email or password is wrong for this organization.";

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_admin_created_through_the_admin_api_signs_in_with_the_one_time_password_and_sees_the_organization() {
        TestApp.Org org = app.newOrg("Acme & <Sons>");
        String password = createAdmin(org, "ann@example.com");
        ConsoleBrowser browser = new ConsoleBrowser(app.http());

        Http.Response form = browser.get("/console/login").expect(200);
        assertThat(form.header("Content-Type")).startsWith("text/html");
        assertThat(form.body()).contains("<label for=\"org\">", "<label for=\"email\">", "<label for=\"password\">");
        assertThat(ConsoleBrowser.setCookie(form, "lanyard_login_csrf")).contains("HttpOnly", "SameSite=Lax", "Path=/console");

        Http.Response signedIn = browser.post("/console/login", Map.of("csrf", ConsoleBrowser.csrf(form),
                "org", org.name(), "email", "ann@example.com", "password", password));
        assertThat(signedIn.status()).isEqualTo(303);
        assertThat(signedIn.header("Location")).isEqualTo("/console");
        String cookie = ConsoleBrowser.setCookie(signedIn, "lanyard_session");
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/console").doesNotContain("Secure");
        assertThat(browser.cookies).containsKey("lanyard_session").doesNotContainKey("lanyard_login_csrf");

        // The one-time password opens one page: the one where the admin chooses their own.
        for (String page : List.of("/console", "/console/accounts", "/console/provisioning")) {
            assertThat(browser.get(page).expect(303).header("Location"))
                    .isEqualTo(page.equals("/console") ? "/console/password" : "/console/password?next=%2Fconsole%2F" + page.substring(9));
        }
        assertThat(browser.get("/console/password").expect(200).body()).contains("was for this first sign-in only");
        browser.changePassword(password, ConsoleBrowser.OWN_PASSWORD).expect(303);
        assertThat(new ConsoleBrowser(app.http()).signIn(org.name(), "ann@example.com", password).status()).isEqualTo(401);

        Http.Response home = browser.get("/console").expect(200);
        assertThat(home.body())
                .contains("<h1>Acme &amp; &lt;Sons&gt;</h1>")  // escaped, never markup
                .contains(org.id(), "ann@example.com", "User provisioning", "Sign out");
        assertThat(home.body()).doesNotContain("<Sons>");
    }

    @Test
    void a_deep_link_survives_sign_in_and_the_first_password_which_asks_for_the_one_time_password_only_once() {
        TestApp.Org org = app.newOrg("deep-link");
        String password = createAdmin(org, "deep@example.com");
        ConsoleBrowser browser = new ConsoleBrowser(app.http());

        String wanted = "/console/accounts?q=ann&status=active";
        Http.Response bounced = browser.get(wanted).expect(303);
        assertThat(bounced.header("Location")).isEqualTo("/console/login?next=%2Fconsole%2Faccounts%3Fq%3Dann%26status%3Dactive");
        Http.Response form = browser.get(bounced.header("Location")).expect(200);
        assertThat(form.body()).contains("name=\"next\" value=\"/console/accounts?q=ann&amp;status=active\"");
        Http.Response in = browser.post("/console/login", Map.of("csrf", ConsoleBrowser.csrf(form), "org", org.name(),
                "email", "deep@example.com", "password", password, "next", wanted)).expect(303);
        assertThat(in.header("Location")).isEqualTo(wanted);

        // A one-time password first: the password page keeps the link, and does not ask for the one-time password again.
        Http.Response toPassword = browser.get(wanted).expect(303);
        assertThat(toPassword.header("Location")).startsWith("/console/password?next=");
        String page = browser.get(toPassword.header("Location")).expect(200).body();
        assertThat(page).contains("Choose your own password", "name=\"next\"").doesNotContain("id=\"current_password\"");
        Http.Response set = browser.post("/console/password", Map.of("csrf", ConsoleBrowser.csrf(browser.get("/console/password")),
                "new_password", ConsoleBrowser.OWN_PASSWORD, "confirm_password", ConsoleBrowser.OWN_PASSWORD, "next", wanted)).expect(303);
        assertThat(set.header("Location")).isEqualTo(wanted);
        browser.get(wanted).expect(200);
        assertThat(new ConsoleBrowser(app.http()).signIn(org.name(), "deep@example.com", ConsoleBrowser.OWN_PASSWORD).status()).isEqualTo(303);
        // Now that the password is the admin's own, changing it asks for it again.
        assertThat(browser.get("/console/password").expect(200).body()).contains("id=\"current_password\"");
    }

    @Test
    void after_sign_in_only_a_page_of_this_console_is_followed_never_another_site() {
        TestApp.Org org = app.newOrg("no-open-redirect");
        String password = createAdmin(org, "nor@example.com");
        new ConsoleBrowser(app.http()).signIn(org.name(), "nor@example.com", password).expect(303);
        ConsoleBrowser first = new ConsoleBrowser(app.http());
        first.signIn(org.name(), "nor@example.com", password).expect(303);
        first.changePassword(password, ConsoleBrowser.OWN_PASSWORD).expect(303);
        for (String next : List.of("https://evil.example/console", "//evil.example/console", "/\\evil.example", "/console//evil.example",
                "/console/../admin/api/orgs", "/consolex", "/console/%2e%2e/x", "javascript:alert(1)", "/console/accounts\r\nX: y",
                "/console/login?next=https://evil.example", "/console/" + "a".repeat(3000))) {
            ConsoleBrowser browser = new ConsoleBrowser(app.http());
            String csrf = ConsoleBrowser.csrf(browser.get("/console/login?next=" + java.net.URLEncoder.encode(next,
                    java.nio.charset.StandardCharsets.UTF_8)).expect(200));
            Http.Response in = browser.post("/console/login", Map.of("csrf", csrf, "org", org.name(), "email", "nor@example.com",
                    "password", ConsoleBrowser.OWN_PASSWORD, "next", next));
            assertThat(in.status()).as(next).isEqualTo(303);
            assertThat(in.header("Location")).as(next).isEqualTo("/console");
        }
    }

    @Test
    void the_database_keeps_only_a_hash_of_the_session_cookie() {
        TestApp.Org org = app.newOrg("hashed-sessions");
        String password = createAdmin(org, "hash@example.com");
        ConsoleBrowser browser = new ConsoleBrowser(app.http());
        browser.signIn(org.name(), "hash@example.com", password).expect(303);

        String cookie = browser.cookies.get("lanyard_session");
        assertThat(cookie).hasSize(43);  // 256 random bits, base64url
        assertThat(app.count("select count(*) from console_sessions where id = sha256(convert_to(?, 'UTF8'))", cookie)).isEqualTo(1);
    }

    @Test
    void a_wrong_password_gets_the_generic_message_next_to_the_password_and_no_session() {
        TestApp.Org org = app.newOrg("wrong-password");
        createAdmin(org, "bob@example.com");
        ConsoleBrowser browser = new ConsoleBrowser(app.http());

        Http.Response refused = browser.signIn(org.name(), "bob@example.com", "not-the-password");

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("id=\"password-error\"", WRONG);
        assertThat(refused.body()).contains("value=\"bob@example.com\"");  // kept, so only the password is typed again
        assertThat(ConsoleBrowser.setCookies(refused)).noneMatch(c -> c.startsWith("lanyard_session="));
        assertThat(browser.get("/console").header("Location")).isEqualTo("/console/login");
    }

    @Test
    void an_unknown_email_or_organization_gets_exactly_the_wrong_password_answer() {
        TestApp.Org org = app.newOrg("no-enumeration");
        createAdmin(org, "cat@example.com");

        Http.Response wrongPassword = new ConsoleBrowser(app.http()).signIn(org.name(), "cat@example.com", "nope-nope");
        Http.Response unknownEmail = new ConsoleBrowser(app.http()).signIn(org.name(), "dog@example.com", "nope-nope");
        Http.Response unknownOrg = new ConsoleBrowser(app.http()).signIn("no-such-org", "cat@example.com", "nope-nope");

        for (Http.Response r : List.of(unknownEmail, unknownOrg)) {
            assertThat(r.status()).isEqualTo(wrongPassword.status());
            assertThat(errorOf(r)).isEqualTo(errorOf(wrongPassword)).contains(WRONG);
        }
    }

    @Test
    void an_admin_of_one_organization_cannot_sign_in_to_another() {
        TestApp.Org a = app.newOrg("org-a");
        TestApp.Org b = app.newOrg("org-b");
        String password = createAdmin(a, "dana@example.com");

        Http.Response intoB = new ConsoleBrowser(app.http()).signIn(b.name(), "dana@example.com", password);
        assertThat(intoB.status()).isEqualTo(401);
        assertThat(intoB.body()).contains(WRONG);
        Http.Response intoBById = new ConsoleBrowser(app.http()).signIn(b.id(), "dana@example.com", password);
        assertThat(intoBById.status()).isEqualTo(401);

        // Her own organization, by id and with the email in another letter case, lets her in.
        ConsoleBrowser browser = new ConsoleBrowser(app.http());
        browser.signIn(a.id(), "Dana@Example.com", password).expect(303);
        assertThat(browser.get("/console/password").expect(200).body()).contains("org-a").doesNotContain("org-b");
    }

    @Test
    void a_sign_in_without_the_right_csrf_token_is_refused_with_403() {
        TestApp.Org org = app.newOrg("csrf-login");
        String password = createAdmin(org, "eve@example.com");
        Map<String, String> fields = Map.of("org", org.name(), "email", "eve@example.com", "password", password);

        ConsoleBrowser noField = new ConsoleBrowser(app.http());
        noField.get("/console/login").expect(200);
        assertThat(noField.post("/console/login", fields).status()).isEqualTo(403);

        ConsoleBrowser wrongField = new ConsoleBrowser(app.http());
        wrongField.get("/console/login").expect(200);
        Http.Response forged = wrongField.post("/console/login", with(fields, "csrf", "A".repeat(43)));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.header("Content-Type")).startsWith("text/html");
        assertThat(forged.body()).contains("This form cannot be accepted");

        // Another site's form: the field it copied from its own visit, but not this browser's cookie.
        String stolen = ConsoleBrowser.csrf(new ConsoleBrowser(app.http()).get("/console/login"));
        Http.Response crossSite = new ConsoleBrowser(app.http()).post("/console/login", with(fields, "csrf", stolen));
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(ConsoleBrowser.setCookies(crossSite)).noneMatch(c -> c.startsWith("lanyard_session="));
    }

    @Test
    void sign_out_without_the_right_csrf_token_is_refused_with_403_and_the_session_lives_on() {
        TestApp.Org org = app.newOrg("csrf-logout");
        String password = createAdmin(org, "fay@example.com");
        ConsoleBrowser browser = new ConsoleBrowser(app.http());
        browser.signIn(org.name(), "fay@example.com", password).expect(303);
        String token = ConsoleBrowser.csrf(browser.get("/console/password").expect(200));

        assertThat(browser.post("/console/logout", Map.of()).status()).isEqualTo(403);
        assertThat(browser.post("/console/logout", Map.of("csrf", ConsoleBrowser.tampered(token))).status()).isEqualTo(403);

        browser.get("/console/password").expect(200);
    }

    @Test
    void signing_out_ends_the_session_and_the_old_cookie_opens_nothing() {
        TestApp.Org org = app.newOrg("logout");
        String password = createAdmin(org, "gil@example.com");
        ConsoleBrowser browser = new ConsoleBrowser(app.http());
        browser.signIn(org.name(), "gil@example.com", password).expect(303);
        String oldCookie = browser.cookies.get("lanyard_session");
        String token = ConsoleBrowser.csrf(browser.get("/console/password").expect(200));

        Http.Response out = browser.post("/console/logout", Map.of("csrf", token));

        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("Location")).isEqualTo("/console/login?signed-out");
        assertThat(browser.get(out.header("Location")).expect(200).body()).contains("You have signed out.");
        assertThat(ConsoleBrowser.setCookie(out, "lanyard_session")).startsWith("lanyard_session=;")
                .contains("Expires=Thu, 01 Jan 1970", "Path=/console", "HttpOnly");
        assertThat(browser.cookies).doesNotContainKey("lanyard_session");

        // A copy of the old cookie, replayed: the server has forgotten it.
        ConsoleBrowser replay = new ConsoleBrowser(app.http());
        replay.cookies.put("lanyard_session", oldCookie);
        Http.Response home = replay.get("/console");
        assertThat(home.status()).isEqualTo(303);
        assertThat(home.header("Location")).isEqualTo("/console/login");
        // A cookie the server no longer knows: the sign-in form says the session expired, and forgets the cookie.
        Http.Response form = replay.get("/console/login").expect(200);
        assertThat(form.body()).contains(LoginScreen.EXPIRED);
        assertThat(ConsoleBrowser.setCookie(form, "lanyard_session")).startsWith("lanyard_session=;");
        assertThat(app.count("select count(*) from console_sessions s join console_admins a on a.id = s.admin_id "
                + "where a.email = 'gil@example.com'")).isZero();
    }

    @Test
    void after_five_failures_sign_in_pauses_for_fifteen_minutes_even_with_the_right_password() {
        TestApp.Org org = app.newOrg("throttled");
        String password = createAdmin(org, "hal@example.com");
        String colleague = createAdmin(org, "ida@example.com");

        for (int i = 1; i <= 4; i++) {
            Http.Response r = new ConsoleBrowser(app.http()).signIn(org.name(), "hal@example.com", "guess-" + i);
            assertThat(r.status()).as("failure " + i).isEqualTo(401);
            assertThat(r.body()).doesNotContain("Too many");
        }
        Http.Response fifth = new ConsoleBrowser(app.http()).signIn(org.name(), "hal@example.com", "guess-5");
        assertThat(fifth.status()).isEqualTo(401);
        assertThat(fifth.body()).contains(WRONG, "Too many failed sign-in attempts");

        Http.Response sixth = new ConsoleBrowser(app.http()).signIn(org.name(), "HAL@example.com", password);
        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.body()).contains("Too many failed sign-in attempts", "Try again in 15 minutes.");
        assertThat(ConsoleBrowser.setCookies(sixth)).noneMatch(c -> c.startsWith("lanyard_session="));

        // Another admin of the same organization is not held up.
        new ConsoleBrowser(app.http()).signIn(org.name(), "ida@example.com", colleague).expect(303);

        // Fifteen minutes later (the clock moved in the database), the right password works again.
        app.execute("update console_login_attempts set locked_until = now() - interval '1 second'");
        new ConsoleBrowser(app.http()).signIn(org.name(), "hal@example.com", password).expect(303);
    }

    @Test
    void unknown_emails_are_throttled_like_known_ones() {
        TestApp.Org org = app.newOrg("throttled-unknown");
        for (int i = 1; i <= 5; i++) {
            new ConsoleBrowser(app.http()).signIn(org.name(), "nobody@example.com", "guess-" + i).expect(401);
        }
        assertThat(new ConsoleBrowser(app.http()).signIn(org.name(), "nobody@example.com", "guess-6").status())
                .isEqualTo(429);
    }

    @Test
    void passwords_and_session_cookies_never_reach_the_logs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        String password;
        String cookie;
        try {
            TestApp.Org org = app.newOrg("quiet-logs");
            password = createAdmin(org, "kim@example.com");
            new ConsoleBrowser(app.http()).signIn(org.name(), "kim@example.com", "Wr0ng-but-secret");
            ConsoleBrowser browser = new ConsoleBrowser(app.http());
            browser.signIn(org.name(), "kim@example.com", password).expect(303);
            cookie = browser.cookies.get("lanyard_session");
            browser.post("/console/logout", Map.of("csrf", ConsoleBrowser.csrf(browser.get("/console/password"))));
        } finally {
            root.detachAppender(captured);
        }
        List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(l -> l.contains("POST /console/login"));
        for (String secret : List.of(password, "Wr0ng-but-secret", cookie)) {
            assertThat(lines).noneMatch(l -> l.contains(secret));
        }
    }

    @Test
    void missing_or_malformed_fields_are_named_next_to_the_field_which_gets_the_focus() {
        ConsoleBrowser browser = new ConsoleBrowser(app.http());
        String csrf = ConsoleBrowser.csrf(browser.get("/console/login"));

        Http.Response r = browser.post("/console/login", Map.of("csrf", csrf, "org", "acme", "email", "not-an-email", "password", ""));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("id=\"email-error\"", "Enter an email address", "id=\"password-error\"", "Enter your password.");
        assertThat(r.body()).containsPattern("<input id=\"email\"[^>]*aria-describedby=\"email-error\"[^>]*aria-invalid=\"true\"[^>]*autofocus>");
        assertThat(r.body()).containsPattern("<input id=\"org\"[^>]*value=\"acme\"");
    }

    @Test
    void console_pages_cannot_be_framed_cached_or_load_anything_but_our_stylesheet_and_script() {
        Http.Response form = app.http().send("GET", "/console/login", null, Map.of());
        assertThat(form.header("Content-Security-Policy")).contains("default-src 'none'", "frame-ancestors 'none'", "form-action 'self'",
                "script-src 'self';").doesNotContain("unsafe");
        assertThat(form.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(form.header("Cache-Control")).isEqualTo("no-store");

        String css = form.body().replaceAll("(?s).*<link rel=\"stylesheet\" href=\"([^\"]+)\".*", "$1");
        Http.Response stylesheet = app.http().send("GET", css, null, Map.of()).expect(200);
        assertThat(stylesheet.header("Content-Type")).startsWith("text/css");
        assertThat(stylesheet.header("Cache-Control")).contains("max-age=31536000");

        String js = form.body().replaceAll("(?s).*<script src=\"([^\"]+)\" defer></script>.*", "$1");
        assertThat(js).startsWith("/console/assets/console.js?v=");
        Http.Response script = app.http().send("GET", js, null, Map.of()).expect(200);
        assertThat(script.header("Content-Type")).startsWith("text/javascript");
        assertThat(script.header("Cache-Control")).contains("max-age=31536000", "immutable");
    }

    @Test
    void an_unknown_console_page_is_an_html_404() {
        Http.Response r = app.http().send("GET", "/console/nothing-here", null, Map.of());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.body()).contains("Page not found");
    }

    @Test
    void the_cookies_are_Secure_when_the_public_URL_is_https() {
        Javalin behindTls = App.create(app.services(), Optional.of(URI.create("https://lanyard.example"))).start("127.0.0.1", 0);
        try {
            TestApp.Org org = app.newOrg("tls");
            String password = createAdmin(org, "jo@example.com");
            ConsoleBrowser browser = new ConsoleBrowser(new Http("http://127.0.0.1:" + behindTls.port()));

            assertThat(ConsoleBrowser.setCookie(browser.get("/console/login"), "lanyard_login_csrf")).contains("Secure");
            Http.Response signedIn = browser.signIn(org.name(), "jo@example.com", password).expect(303);
            assertThat(ConsoleBrowser.setCookie(signedIn, "lanyard_session")).contains("Secure", "HttpOnly", "SameSite=Lax");
        } finally {
            behindTls.stop();
        }
    }

    /** Creates a console admin through the operator's admin API; returns the one-time password. */
    static String createAdmin(TestApp.Org org, String email) {
        return ConsoleBrowser.createAdmin(app, org, email);
    }

    private static String errorOf(Http.Response r) {
        return r.body().replaceAll("(?s).*(<p class=\"error\" id=\"password-error\">.*?</p>).*", "$1");
    }

    private static Map<String, String> with(Map<String, String> fields, String key, String value) {
        var copy = new java.util.LinkedHashMap<>(fields);
        copy.put(key, value);
        return copy;
    }
}
