package dev.lanyard.console;

import dev.lanyard.testing.Chromium;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless Chromium against the real server: the issue's flow from sign-in
 * to a deleted account, with the Copy buttons (the console's only script) and the keyboard; the
 * activity chart and the provisioning log drawn as the CSP allows.
 * Saves screenshots of the main screens under target/screenshots/.
 */
class ConsoleBrowserIT {
    static Chromium chromium;
    static WebDriver browser;
    static TestApp app;

    /** The browser first: when it is missing, the class fails once, saying so, before a server starts. */
    @BeforeAll
    static void start() {
        chromium = Chromium.start();
        browser = chromium.driver();
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) chromium.close();
        } finally {
            if (app != null) app.close();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.get(app.baseUrl() + "/console/login");
        browser.manage().deleteAllCookies();
    }

    /** Every page of the test ran its script without an error and loaded nothing the CSP refused. */
    @AfterEach
    void noScriptErrorsOrRefusedLoads() {
        // The expected 404s: a browser's own /favicon.ico, and the error page the layout test opens on purpose.
        assertThat(chromium.consoleMessages()).allMatch(m -> m.contains("/favicon.ico - Failed to load resource")
                || m.contains(MISSING_PAGE + " - Failed to load resource"));
    }

    @Test
    void an_admin_turns_provisioning_on_copies_a_token_and_follows_a_user_from_scim_to_deletion() {
        TestApp.Org org = app.newOrg("Example Co", false);  // a throwaway org: nothing on the screenshots is secret
        String password = ConsoleBrowser.createAdmin(app, org, "admin@example.com");

        browser.get(app.baseUrl() + "/console/login");
        chromium.screenshot("1-sign-in");
        type("org", org.name());
        type("email", "admin@example.com");
        type("password", password);
        button("Sign in").click();
        // The one-time password opens one page: the admin chooses their own first, without typing the one-time one again.
        chromium.waitForText(By.tagName("h1"), "Choose your own password");
        assertThat(browser.findElements(By.id("current_password"))).isEmpty();
        type("new_password", "a passphrase of my own");
        type("confirm_password", "a passphrase of my own");
        button("Set password and continue").click();
        chromium.waitForText(By.tagName("h1"), "Example Co");  // on to the organization's landing page, which says it worked
        chromium.waitForText(By.cssSelector("[role=status].notice"), "Your password is set.");
        assertThat(text("glance-provisioning")).startsWith("Off");

        link("User provisioning").click();
        chromium.waitForText(By.id("provisioning-status"), "disabled");
        link("Manage").click();
        WebElement enable = chromium.visible(By.id("enabled"));
        assertThat(enable.isSelected()).isFalse();
        enable.click();
        button("Save").click();
        chromium.waitForText(By.cssSelector("[role=status].notice"), "Settings saved.");
        assertThat(text("provisioning-status")).isEqualTo("enabled");

        // The script unhid the Copy button; it copies the SCIM URL as shown.
        chromium.allowClipboard();
        String scimUrl = value("scim-url");
        assertThat(scimUrl).isEqualTo(org.scimUrl());
        copy("scim-url");
        assertThat(chromium.clipboard()).isEqualTo(scimUrl);
        chromium.screenshot("2-provisioning");

        type("label", "Okta");
        button("Generate token").click();
        chromium.waitForText(By.tagName("h1"), "Your new SCIM token");
        copy("token");
        String secret = chromium.clipboard();
        assertThat(secret).startsWith("lanyard_scim_").isEqualTo(value("token"));
        chromium.screenshot("3-new-token");

        // Where there is no clipboard API (plain http on another host than localhost), Copy selects the text instead.
        chromium.driver().executeScript("Object.defineProperty(navigator, 'clipboard', {value: undefined})");
        chromium.visible(By.cssSelector("button[data-copy='scim-url']")).click();
        chromium.waitForText(By.id("scim-url-copied"), "Selected: press Ctrl+C to copy");
        assertThat(chromium.driver().executeScript("const f = document.activeElement;"
                + "return f.id + ' ' + f.value.substring(f.selectionStart, f.selectionEnd);"))
                .isEqualTo("scim-url " + scimUrl);

        // The identity provider's side: plain HTTP to the SCIM URL from the page, with the copied token.
        Http scim = new Http(scimUrl);
        String scimId = scim.send("POST", "/Users", secret, """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann.lee@example.com",
                 "name":{"givenName":"Ann","familyName":"Lee"},"active":true}""").expect(201).json().get("id").asText();

        link("Managed accounts").click();
        type("q", "ANN");
        button("Search").click();
        chromium.waitForPath("/console/accounts?q=ANN");
        assertThat(row("ann.lee@example.com")).startsWith("ann.lee@example.com", "Ann Lee", "Active", "SCIM");
        chromium.screenshot("4-accounts");

        scim.send("PATCH", "/Users/" + scimId, secret, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"active","value":false}]}""").expect(200);
        browser.navigate().refresh();
        assertThat(row("ann.lee@example.com")).contains("Deactivated");
        link("ann.lee@example.com").click();
        chromium.waitForText(By.tagName("h1"), "ann.lee@example.com");
        // Deactivated (Okta's "deleted"): it can be deleted by hand now, and its log entries are one link away.
        assertThat(browser.findElements(By.linkText("Delete"))).hasSize(1);
        assertThat(browser.findElements(By.id("account-log"))).hasSize(1);
        chromium.screenshot("5-account-detail");

        scim.send("DELETE", "/Users/" + scimId, secret, (String) null).expect(204);
        browser.navigate().refresh();
        chromium.waitForText(By.tagName("dl"), "Disabled by IdP");
        link("Delete").click();
        chromium.waitForText(By.tagName("h1"), "Delete ann.lee@example.com?");
        button("Delete the account").click();
        chromium.waitForText(By.cssSelector("[role=status].notice"), "The account was deleted.");
        assertThat(browser.findElements(By.linkText("ann.lee@example.com"))).isEmpty();
        type("q", "ann");
        button("Search").click();
        chromium.waitForPath("/console/accounts?q=ann");
        assertThat(text("main")).contains("No accounts match.");
    }

    @Test
    void a_link_to_a_console_page_opened_while_signed_out_lands_on_that_page_after_sign_in() {
        TestApp.Org org = app.newOrg("Deep Link Co", false);
        String password = ConsoleBrowser.createAdmin(app, org, "deep@example.com");
        browser.get(app.baseUrl() + "/console/provisioning/log?status=failures");
        chromium.waitForText(By.tagName("h1"), "Sign in to your organization");
        type("org", org.name());
        type("email", "deep@example.com");
        type("password", password);
        button("Sign in").click();
        chromium.waitForText(By.tagName("h1"), "Choose your own password");
        type("new_password", "a passphrase of my own");
        type("confirm_password", "a passphrase of my own");
        button("Set password and continue").click();
        chromium.waitForPath("/console/provisioning/log?status=failures");
        chromium.waitForText(By.tagName("h1"), "Provisioning log");

        // Signing out says so; the link works again after the next sign-in, straight from the form.
        button("Sign out").click();
        chromium.waitForText(By.id("signed-out"), "You have signed out.");
        browser.get(app.baseUrl() + "/console/accounts?status=active");
        type("org", org.name());
        type("email", "deep@example.com");
        type("password", "a passphrase of my own");
        button("Sign in").click();
        chromium.waitForPath("/console/accounts?status=active");
    }

    @Test
    void the_operator_creates_an_organization_and_its_admin_and_registers_an_app_in_the_browser() {
        browser.get(app.baseUrl() + "/console/login/operator");
        type("credential", app.operatorToken());
        button("Sign in").click();
        chromium.waitForText(By.tagName("h1"), "Organizations");
        String name = "Browser Made " + java.util.UUID.randomUUID().toString().substring(0, 8);
        type("name", name);
        button("Create organization").click();
        chromium.waitForText(By.cssSelector("[role=status].notice"), "was created");
        type("email", "first.admin@example.com");
        button("Add admin").click();
        chromium.waitForText(By.tagName("h1"), "One-time password for first.admin@example.com");
        String oneTime = value("one-time-password");
        assertThat(oneTime).isNotEmpty();
        chromium.screenshot("8-operator-one-time-password");
        browser.navigate().refresh();
        chromium.waitForText(By.tagName("h1"), "This password was already shown");
        link("Done").click();
        chromium.waitForText(By.id("admins"), "first.admin@example.com");
        button("Reset password").click();
        chromium.waitForText(By.tagName("h1"), "New one-time password for first.admin@example.com");
        String reset = value("one-time-password");
        assertThat(reset).isNotEqualTo(oneTime);

        link("Apps (OpenID Connect)").click();
        chromium.waitForText(By.tagName("h1"), "Apps (OpenID Connect)");
        type("app-name", "Browser CRM");
        type("redirect-uris", "https://crm.example/callback");
        type("organizations", name);
        button("Register app").click();
        chromium.waitForText(By.tagName("h1"), "Browser CRM is registered");
        chromium.allowClipboard();
        copy("client-secret");
        assertThat(chromium.clipboard()).startsWith("lanyard_oidc_").isEqualTo(value("client-secret"));
        chromium.screenshot("9-operator-app-secret");
        link("Done").click();
        chromium.waitForText(By.id("app-organizations"), name);
        button("Generate a new secret").click();
        chromium.waitForText(By.tagName("h1"), "A new client secret for Browser CRM");
        link("Done").click();
        chromium.waitForText(By.id("secrets"), "live");
        chromium.visible(By.cssSelector("#secrets button.danger")).click();
        chromium.waitForText(By.cssSelector("[role=status].notice"), "The secret was revoked");
        link("Delete this app").click();
        button("Delete the app").click();
        chromium.waitForText(By.cssSelector("[role=status].notice"), "The app was deleted");

        // The new admin signs in with the password the operator handed over.
        browser.manage().deleteAllCookies();
        browser.get(app.baseUrl() + "/console/login");
        type("org", name);
        type("email", "first.admin@example.com");
        type("password", reset);
        button("Sign in").click();
        chromium.waitForText(By.tagName("h1"), "Choose your own password");
    }

    @Test
    void the_keyboard_alone_reaches_every_sign_in_field_and_the_button_with_a_visible_focus_and_signs_in() {
        TestApp.Org org = app.newOrg("Keyboard Co", false);
        String password = ConsoleBrowser.createAdmin(app, org, "keys@example.com");
        browser.get(app.baseUrl() + "/console/login");
        chromium.waitForFocus(By.id("org"));  // autofocus: the first field has the focus on arrival

        List<String> reached = new ArrayList<>();
        // Type into each field, then Tab on to the next; the last stop is the button.
        for (String keys : List.of(org.name(), "keys@example.com", password, "")) {
            WebElement focused = browser.switchTo().activeElement();
            String id = focused.getDomProperty("id");
            reached.add(id == null || id.isEmpty() ? focused.getTagName() + " " + focused.getText() : "#" + id);
            // :focus-visible draws console.css's 3px outline: the focus can be seen, not only inferred.
            assertThat(focused.getCssValue("outline-style")).as(reached.getLast()).isEqualTo("solid");
            assertThat(focused.getCssValue("outline-width")).as(reached.getLast()).isEqualTo("3px");
            if (!keys.isEmpty()) focused.sendKeys(keys, Keys.TAB);
        }
        assertThat(reached).containsExactly("#org", "#email", "#password", "button Sign in");
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        chromium.waitForText(By.tagName("h1"), "Choose your own password");  // signed in, with a one-time password
        assertThat(browser.switchTo().activeElement().getDomProperty("id")).isEqualTo("new_password");
    }

    @Test
    void the_activity_chart_and_the_provisioning_log_render_in_their_colours_under_the_csp() {
        TestApp.Org org = app.newOrg("Chart Co");
        for (int i = 0; i < 6; i++) app.scim(org, "Okta SCIM Client 1.0.0", "GET", "/Users", null).expect(200);
        app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users", "{\"userName\":\"jdoe\"}").expect(400);
        app.flushProvisioningLog();
        // Signed in over plain HTTP (the test above goes through the forms); the browser gets that session's cookie.
        ConsoleBrowser signedIn = ConsoleBrowser.signedIn(app, org, "admin@chart.example");
        browser.manage().addCookie(new Cookie(ConsoleCookies.SESSION, signedIn.cookies.get(ConsoleCookies.SESSION), "/console"));

        browser.get(app.baseUrl() + "/console/provisioning");
        WebElement chart = chromium.visible(By.cssSelector("#activity svg"));
        assertThat(chart.getRect().getWidth()).isGreaterThan(300);  // sized by the stylesheet, not squeezed
        // Colours are SVG attributes, which style-src 'self' leaves alone (a style="" would be dropped).
        WebElement failed = chart.findElement(By.cssSelector("rect[fill='" + ActivityChart.FAILURE_FILL + "']"));
        WebElement succeeded = chart.findElement(By.cssSelector("rect[fill='" + ActivityChart.SUCCESS_FILL + "']:not([y='4'])"));
        assertThat(failed.getCssValue("fill")).isEqualTo("rgb(180, 35, 24)");
        assertThat(succeeded.getCssValue("fill")).isEqualTo("rgb(11, 92, 173)");
        assertThat(failed.getRect().getHeight()).isPositive();
        assertThat(succeeded.getRect().getHeight()).isPositive();
        assertThat(text("activity-summary")).isEqualTo("7 requests in the last 24 hours, 1 failed; last request just now.");
        chromium.driver().executeScript("document.getElementById('activity').scrollIntoView()");
        chromium.screenshot("6-activity-chart");

        link("See the failures").click();
        chromium.waitForPath("/console/provisioning/log?status=failures");
        assertThat(chromium.visible(By.cssSelector("table.log")).getText()).contains("400 Bad Request", "How to fix:")
                .doesNotContain("200 OK");
        chromium.screenshot("7-provisioning-log");
    }

    static final String MISSING_PAGE = "/console/no-such-page";
    /** Desktop and phone (an iPhone 14's 390 x 844 CSS pixels). */
    static final List<int[]> VIEWPORTS = List.of(new int[] {1366, 900}, new int[] {390, 844});

    @Test
    void hostile_idp_values_never_make_a_screen_wider_than_the_viewport_at_1366_and_390_px_and_stay_isolated() {
        TestApp.Org org = app.newOrg("Hostile Values Co");
        String okta = "Okta SCIM Client 1.0.0";
        String longWord = "Wolfeschlegelsteinhausenbergerdorff".repeat(50);           // 1,750 characters, no space
        String override = "\u202Egpj.exe\u202C Mallory";                               // right-to-left override
        String html = "<script>alert(1)</script><b>bold</b><img src=x>";
        String longUser = "a".repeat(64) + "@" + "sub".repeat(20) + "." + "domain".repeat(10) + ".example";
        String arabic = "\u0645\u062d\u0645\u062f \u0628\u0646 \u0633\u0644\u0645\u0627\u0646";
        String japanese = "\u5c71\u7530 \u592a\u90ce";
        List<String> users = List.of(
                user(longUser, longWord, "D".repeat(500), false),
                user("arabic@hostile.example", arabic, arabic, true),
                user("japanese@hostile.example", japanese, japanese, true),
                user("override@hostile.example", override, override, true),
                user("html@hostile.example", html, html, true));
        for (String body : users) app.scim(org, okta, "POST", "/Users", body).expect(201);
        app.scim(org, okta, "GET", "/Users?filter=" + java.net.URLEncoder.encode("displayName eq \"" + longWord + "\"",
                java.nio.charset.StandardCharsets.UTF_8), null).expect(200);
        app.scim(org, okta, "POST", "/Users", "{\"userName\":\"" + longWord + "\"}").expect(400);  // a failure, a long detail
        app.flushProvisioningLog();
        java.util.UUID orgId = java.util.UUID.fromString(org.id());
        String longId = app.queryString("select id::text from managed_accounts where org_id = ? and email = ?", orgId, longUser);
        String overrideId = app.queryString("select id::text from managed_accounts where org_id = ? and email = ?", orgId,
                "override@hostile.example");
        String failure = app.queryString("select id::text from provisioning_log where org_id = ? and status >= 400", orgId);

        ConsoleBrowser signedIn = ConsoleBrowser.signedIn(app, org, "admin@hostile.example");
        browser.get(app.baseUrl() + "/console/login");
        browser.manage().addCookie(new Cookie(ConsoleCookies.SESSION, signedIn.cookies.get(ConsoleCookies.SESSION), "/console"));
        java.util.Map<String, String> screens = new java.util.LinkedHashMap<>();
        screens.put("home", "/console");
        screens.put("accounts", "/console/accounts");
        screens.put("account-long", "/console/accounts/" + longId);
        screens.put("account-override", "/console/accounts/" + overrideId);
        screens.put("account-delete", "/console/accounts/" + longId + "/delete");
        screens.put("provisioning", "/console/provisioning");
        screens.put("provisioning-manage", "/console/provisioning/manage");
        screens.put("token-shown", "/console/provisioning/tokens/" + org.tokenId());
        screens.put("token-revoke", "/console/provisioning/tokens/" + org.tokenId() + "/revoke");
        screens.put("log", "/console/provisioning/log");
        screens.put("log-entry", "/console/provisioning/log/" + failure);
        screens.put("groups", "/console/groups");
        screens.put("saml", "/console/saml");
        screens.put("saml-log", "/console/saml/log");
        screens.put("settings", "/console/settings");
        screens.put("password", "/console/password");
        screens.put("setup", "/console/setup");
        screens.put("setup-okta", "/console/setup/okta");
        screens.put("setup-entra", "/console/setup/entra");
        screens.put("not-found", MISSING_PAGE);
        List<String> tooWide = new ArrayList<>();
        layout(screens, tooWide);

        assertThat(tooWide).isEmpty();

        // The HTML stayed text; the Arabic and Japanese names render as written.
        browser.get(app.baseUrl() + "/console/accounts");
        String list = chromium.visible(By.tagName("table")).getText();
        assertThat(list).contains(arabic, japanese, "<script>alert(1)</script><b>bold</b>");
        assertThat(browser.findElements(By.cssSelector("main b, main img"))).isEmpty();
        // the whole long name is one hover away
        assertThat(chromium.visible(By.cssSelector("td bdi.clip[title^='Wolfe']")).getDomAttribute("title")).isEqualTo(longWord);

        // The operator's screens, with an app whose name and redirect URI are long, and this organization's admins.
        app.http().send("POST", "/admin/api/apps", app.operatorToken(), "{\"name\":" + json("App " + "Long".repeat(49))
                + ",\"redirectUris\":[" + json("https://app.example/" + "callback/".repeat(150)) + "]}").expect(201);
        ConsoleBrowser operator = new ConsoleBrowser(app.http());
        operator.post("/console/login/operator", java.util.Map.of("csrf", ConsoleBrowser.csrf(operator.get("/console/login/operator")),
                "credential", app.operatorToken())).expect(303);
        browser.manage().deleteAllCookies();
        browser.get(app.baseUrl() + "/console/login");
        browser.manage().addCookie(new Cookie(ConsoleCookies.SESSION, operator.cookies.get(ConsoleCookies.SESSION), "/console"));
        String appId = app.queryString("select id::text from oidc_clients order by created_at desc limit 1");
        java.util.Map<String, String> operatorScreens = new java.util.LinkedHashMap<>();
        operatorScreens.put("operator-organizations", "/console/organizations");
        operatorScreens.put("operator-organization", "/console/organizations/" + org.id());
        operatorScreens.put("operator-apps", "/console/operator/apps");
        operatorScreens.put("operator-app", "/console/operator/apps/" + appId);
        layout(operatorScreens, tooWide);
        assertThat(tooWide).isEmpty();
    }

    /** Opens each screen at 1366 and 390 px: notes any wider than the viewport, checks isolation, takes screenshots. */
    private static void layout(java.util.Map<String, String> screens, List<String> tooWide) {
        try {
            for (int[] size : VIEWPORTS) {
                viewport(size[0], size[1]);
                for (var screen : screens.entrySet()) {
                    browser.get(app.baseUrl() + screen.getValue());
                    chromium.visible(By.tagName("h1"));
                    List<?> widths = (List<?>) chromium.driver().executeScript(
                            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];");
                    long scroll = ((Number) widths.get(0)).longValue();
                    long client = ((Number) widths.get(1)).longValue();
                    if (scroll > client) {
                        tooWide.add(screen.getKey() + " at " + size[0] + " px: " + scroll + " px wide, because of "
                                + chromium.driver().executeScript(WIDEST));
                    }
                    // every text holding the override character sits in an isolating element
                    assertThat(chromium.driver().executeScript(ISOLATION_CHECK)).as(screen.getKey()).isEqualTo(List.of());
                    chromium.screenshot("layout/" + size[0] + "-" + screen.getKey());
                }
            }
        } finally {
            chromium.driver().executeCdpCommand("Emulation.clearDeviceMetricsOverride", java.util.Map.of());
        }
    }

    /** The innermost elements that reach past the viewport's right edge, for the failure message. */
    private static final String WIDEST = """
            const w = document.documentElement.clientWidth, out = [];
            const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
              if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
            for (const e of document.body.querySelectorAll('*')) {
              if (e.getBoundingClientRect().right > w + 1 && !clipped(e)) {
                out.push(e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' '
                    + e.outerHTML.substring(0, 100));
              }
            }
            return out.slice(-6);""";

    /** Text nodes holding U+202E whose ancestors do not isolate them (unicode-bidi isolate or plaintext). */
    static final String ISOLATION_CHECK = """
            const bad = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (!n.data.includes('\\u202E')) continue;
              let ok = false;
              for (let e = n.parentElement; e && e !== document.body; e = e.parentElement) {
                const b = getComputedStyle(e).unicodeBidi;
                if (b === 'isolate' || b === 'isolate-override' || b === 'plaintext') { ok = true; break; }
              }
              if (!ok) bad.push(n.parentElement.outerHTML.substring(0, 200));
            }
            return bad;""";

    private static String user(String userName, String formatted, String displayName, boolean active) {
        String title = formatted.length() > 2000 ? formatted.substring(0, 2000) : formatted;
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":" + json(userName)
                + ",\"name\":{\"formatted\":" + json(formatted) + "},\"displayName\":" + json(displayName)
                + ",\"title\":" + json(title) + ",\"active\":" + active + "}";
    }

    private static String json(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    private static void viewport(int width, int height) {
        chromium.driver().executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    }

    private void type(String id, String text) {
        WebElement field = chromium.visible(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    /** Clicks the Copy button of a field and waits for its announcement. */
    private void copy(String field) {
        chromium.visible(By.cssSelector("button[data-copy='" + field + "']")).click();
        chromium.waitForText(By.id(field + "-copied"), "Copied");
    }

    private WebElement button(String text) {
        return chromium.visible(By.xpath("//button[normalize-space()='" + text + "']"));
    }

    private WebElement link(String text) {
        return chromium.visible(By.linkText(text));
    }

    private String text(String id) {
        return chromium.visible(By.id(id)).getText();
    }

    private String value(String id) {
        return chromium.visible(By.id(id)).getDomProperty("value");
    }

    /** The cells of the accounts table's row for {@code email}, as shown. */
    private List<String> row(String email) {
        WebElement row = chromium.visible(By.xpath("//tr[th/a[normalize-space()='" + email + "']]"));
        return row.findElements(By.cssSelector("th, td")).stream().map(WebElement::getText).toList();
    }
}
