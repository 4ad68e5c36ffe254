package dev.lanyard.console;

import dev.lanyard.testing.Chromium;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Audit trail screen in a real headless Chromium: reached from the bar, filtered with the
 * form, paged Older and Newer, with hostile values recorded (a long token label, one of HTML; a
 * failed sign-in's typed email with a right-to-left override in its detail) and no page wider than 1366 or
 * 390 pixels. Screenshots under target/screenshots/.
 */
class AuditScreenBrowserIT {
    static Chromium chromium;
    static TestApp app;

    @BeforeAll
    static void start() {
        chromium = Chromium.start();
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

    @Test
    void an_admin_reads_filters_and_pages_the_audit_trail_and_hostile_values_stay_in_their_box() {
        TestApp.Org org = app.newOrg("Audit Browser Co");
        String override = "\u202Egpj.exe\u202C okta";
        String longWord = "Wolfeschlegelsteinhausenbergerdorff".repeat(2);  // 70 of the 100 characters a label may have
        ConsoleBrowser http = ConsoleBrowser.signedIn(app, org, "admin@example.com");
        String csrf = ConsoleBrowser.csrf(http.get("/console/provisioning").expect(200));
        for (String label : List.of(longWord, "<script>alert(1)</script>")) {
            http.post("/console/provisioning/tokens", Map.of("csrf", csrf, "label", label)).expect(303);
        }
        // A stored value with a right-to-left override, as a failed sign-in's typed email is kept in its detail.
        app.execute("insert into audit_trail (org_id, actor, actor_label, action, detail) values (?::uuid, 'anonymous', 'not signed in', "
                + "'admin.sign_in_failed', jsonb_build_object('email', ?::text))", UUID.fromString(org.id()), override + "@example.com");
        app.execute("insert into audit_trail (org_id, at, actor, actor_label, action) select ?::uuid, now() - make_interval(mins => i), "
                + "'operator', 'operator', 'settings.changed' from generate_series(1, 60) i", UUID.fromString(org.id()));

        var browser = chromium.driver();
        browser.get(app.baseUrl() + "/console/login");
        browser.manage().addCookie(new Cookie(ConsoleCookies.SESSION, http.cookies.get(ConsoleCookies.SESSION), "/console"));
        browser.get(app.baseUrl() + "/console");
        chromium.visible(By.linkText("Audit trail")).click();
        chromium.waitForText(By.tagName("h1"), "Audit trail");
        assertThat(chromium.visible(By.id("audit-result")).getText()).contains("entries in all").contains("the newest 50 are shown");
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(50);
        assertThat(chromium.visible(By.cssSelector("a[aria-current=page]")).getText()).isEqualTo("Audit trail");
        chromium.screenshot("8-audit-trail");

        // Filter with the form: SCIM tokens only.
        chromium.visible(By.cssSelector("#area option[value=token]")).click();
        chromium.visible(By.xpath("//button[normalize-space()='Show']")).click();
        chromium.waitForText(By.id("audit-result"), "match");
        List<WebElement> rows = browser.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).hasSize(3).allMatch(r -> r.getDomAttribute("data-action").startsWith("token."));
        assertThat(chromium.visible(By.tagName("table")).getText()).contains("<script>alert(1)</script>").contains(longWord.substring(0, 20));
        assertThat(browser.findElements(By.cssSelector("main script"))).isEmpty();

        // Pages: Older, then Newer back to the same first row.
        chromium.visible(By.linkText("Clear filters")).click();
        chromium.waitForText(By.id("audit-result"), "in all");
        String first = browser.findElements(By.cssSelector("tbody tr")).getFirst().getDomAttribute("data-id");
        chromium.visible(By.linkText("Older")).click();
        chromium.waitForText(By.id("audit-result"), "this page shows");
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).isNotEmpty()
                .noneMatch(r -> first.equals(r.getDomAttribute("data-id")));
        chromium.visible(By.linkText("Newer")).click();
        chromium.waitForText(By.id("audit-result"), "this page shows");
        assertThat(browser.findElements(By.cssSelector("tbody tr")).getFirst().getDomAttribute("data-id")).isEqualTo(first);

        // At both widths: nothing wider than the window, every override isolated.
        try {
            for (int[] size : ConsoleBrowserIT.VIEWPORTS) {
                browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", size[0], "height", size[1],
                        "deviceScaleFactor", 1, "mobile", size[0] < 600));
                browser.get(app.baseUrl() + "/console/audit");
                chromium.visible(By.tagName("h1"));
                List<?> widths = (List<?>) browser.executeScript("return [document.documentElement.scrollWidth, document.documentElement.clientWidth];");
                assertThat(((Number) widths.get(0)).longValue()).as("page width at " + size[0] + " px")
                        .isLessThanOrEqualTo(((Number) widths.get(1)).longValue());
                assertThat(browser.executeScript(ConsoleBrowserIT.ISOLATION_CHECK)).as("isolation at " + size[0]).isEqualTo(List.of());
                chromium.screenshot("layout/" + size[0] + "-audit");
            }
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        assertThat(chromium.consoleMessages()).allMatch(m -> m.contains("/favicon.ico - Failed to load resource"));
    }
}
