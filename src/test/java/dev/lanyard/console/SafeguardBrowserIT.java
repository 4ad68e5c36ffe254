package dev.lanyard.console;

import dev.lanyard.testing.Chromium;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue's "releases from the console", in a real headless Chromium: an IdP's mass
 * deactivation trips the safeguard, the admin sees the banner, opens the held changes, rejects one,
 * releases the rest with the buttons, and the banner is gone. The held-changes screen stays within
 * the viewport at 1366 and 390 px with a long userName. Screenshots under target/screenshots/.
 */
class SafeguardBrowserIT {
    static Chromium chromium;
    static WebDriver browser;
    static TestApp app;
    static final String DEACTIVATE = """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"replace","value":{"active":false}}]}""";

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

    @Test
    void an_admin_sees_the_banner_rejects_one_held_change_and_releases_the_others_with_the_buttons() {
        TestApp.Org org = app.newOrg("Safeguard Co " + UUID.randomUUID());
        app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/safeguard", app.operatorToken(), "{\"maxCount\":2}").expect(200);
        String longUser = "a".repeat(64) + "@" + "sub".repeat(20) + "." + "domain".repeat(10) + ".example";
        List<String> names = List.of("ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com", longUser);
        List<String> ids = names.stream().map(n -> app.http().send("POST", org.scimPath() + "/Users", org.token(),
                "{\"userName\":\"" + n + "\"}").expect(201).json().get("id").asText()).toList();
        app.http().send("PATCH", org.scimPath() + "/Users/" + ids.get(0), org.token(), DEACTIVATE).expect(200);
        app.http().send("PATCH", org.scimPath() + "/Users/" + ids.get(1), org.token(), DEACTIVATE).expect(200);
        for (String id : ids.subList(2, 5)) {
            app.http().send("PATCH", org.scimPath() + "/Users/" + id, org.token(), DEACTIVATE).expect(503);
        }

        ConsoleBrowser signedIn = ConsoleBrowser.signedIn(app, org, "admin@example.com");
        browser.get(app.baseUrl() + "/console/login");
        browser.manage().deleteAllCookies();
        browser.manage().addCookie(new Cookie(ConsoleCookies.SESSION, signedIn.cookies.get(ConsoleCookies.SESSION), "/console"));
        browser.get(app.baseUrl() + "/console");
        chromium.waitForText(By.cssSelector("#safeguard-banner h2"), "Deactivations from your identity provider are on hold");
        chromium.screenshot("safeguard-1-banner");
        chromium.visible(By.linkText("Review the held changes")).click();
        chromium.waitForText(By.tagName("h1"), "Held changes");
        assertThat(chromium.visible(By.id("safeguard-state")).getText()).contains("more than the limit of 2");
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(3);

        for (int[] size : List.of(new int[] {1366, 900}, new int[] {390, 844})) {
            chromium.driver().executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                    "width", size[0], "height", size[1], "deviceScaleFactor", 1, "mobile", size[0] < 600));
            browser.navigate().refresh();
            chromium.visible(By.tagName("h1"));
            List<?> widths = (List<?>) chromium.driver().executeScript(
                    "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];");
            assertThat(((Number) widths.get(0)).longValue()).as(size[0] + " px").isLessThanOrEqualTo(((Number) widths.get(1)).longValue());
            chromium.screenshot("safeguard-2-held-" + size[0]);
        }
        chromium.driver().executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());

        // Reject cy's deactivation: that row's Reject button.
        browser.get(app.baseUrl() + "/console/provisioning/held");
        chromium.visible(By.xpath("//tr[th//bdi[text()='cy@example.com']]//button[normalize-space()='Reject']")).click();
        chromium.waitForText(By.id("held-notice"), "1 change rejected: the accounts stay as they are.");
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(2);
        chromium.visible(By.xpath("//button[normalize-space()='Release all and resume']")).click();
        chromium.waitForText(By.id("held-notice"), "2 changes released and applied.");
        assertThat(chromium.visible(By.id("held-notice")).getText()).contains("The safeguard resumed");
        assertThat(browser.findElements(By.id("safeguard-banner"))).isEmpty();
        chromium.screenshot("safeguard-3-released");

        assertThat(active(org, ids.get(2))).isTrue();   // rejected
        assertThat(active(org, ids.get(3))).isFalse();  // released
        assertThat(active(org, ids.get(4))).isFalse();
        assertThat(chromium.consoleMessages()).allMatch(m -> m.contains("/favicon.ico - Failed to load resource"));
    }

    private static boolean active(TestApp.Org org, String id) {
        return app.http().send("GET", org.scimPath() + "/Users/" + id, org.token(), (String) null).expect(200).json()
                .get("active").asBoolean();
    }
}
