package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The activity chart on User provisioning over real HTTP: SCIM requests sent with a token, counted
 * per hour by the log writer (provisioning_activity), drawn as an inline SVG the console's CSP allows.
 */
class ProvisioningActivityIT {
    static final TestApp app = TestApp.start();
    static final String OKTA = "Okta SCIM Client 1.0.0";
    /** A bar's tooltip: "10:00–11:00 UTC: 8 requests, 3 failed". */
    private static final Pattern BAR = Pattern.compile("<title>[^<]*UTC: (\\d+) requests?(?:, (\\d+) failed)?</title>");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_chart_counts_every_request_the_idp_sent_and_its_failures() {
        TestApp.Org org = app.newOrg("chart-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@chart.example");
        for (int i = 0; i < 5; i++) app.scim(org, OKTA, "GET", "/Users?startIndex=1&count=2", null).expect(200);
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"jdoe\"}").expect(400);
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"mary\"}").expect(400);
        app.scim(org, OKTA, "GET", "/Users/" + UUID.randomUUID(), null).expect(404);
        // A wrong token is anonymous: not the IdP's request, not counted (docs/security.md).
        app.http().send("GET", org.scimPath() + "/Users", "lanyard_scim_wrong", (String) null).expect(401);
        app.flushProvisioningLog();

        String day = svg(browser.get("/console/provisioning").expect(200).body());
        assertThat(day).contains("role=\"img\"", "aria-labelledby=\"activity-title\"",
                "<title id=\"activity-title\">8 requests in the last 24 hours, 3 failed; last request just now</title>");
        assertThat(bars(day)).containsExactly(8, 3);
        assertThat(day).contains("fill=\"" + ActivityChart.FAILURE_FILL + "\"", "fill=\"" + ActivityChart.SUCCESS_FILL + "\"");
        // the hourly counts agree with the log they summarise
        assertThat(app.count("select sum(requests) from provisioning_activity where org_id = ?::uuid", org.id()))
                .isEqualTo(app.count("select count(*) from provisioning_log where org_id = ?::uuid", org.id())).isEqualTo(8);
        assertThat(app.count("select sum(failures) from provisioning_activity where org_id = ?::uuid", org.id())).isEqualTo(3);

        String page = browser.get("/console/provisioning").body();
        assertThat(page).contains("<p id=\"activity-summary\">8 requests in the last 24 hours, 3 failed; last request just now.</p>",
                "href=\"/console/provisioning/log?period=24h\">Open the provisioning log",
                "href=\"/console/provisioning/log?status=failures&amp;period=24h\">See the failures",
                "href=\"/console/provisioning?range=24h#activity\" aria-current=\"page\"");
        assertThat(page.indexOf("id=\"provisioning-status\"")).isLessThan(page.indexOf("id=\"activity\""));

        String week = browser.get("/console/provisioning?range=7d").expect(200).body();
        assertThat(svg(week)).contains("8 requests in the last 7 days, 3 failed");
        assertThat(bars(svg(week))).containsExactly(8, 3);
        assertThat(week).contains("href=\"/console/provisioning?range=7d#activity\" aria-current=\"page\"");
    }

    @Test
    void the_chart_reads_the_hourly_counts_and_the_week_shows_days_the_day_does_not() {
        TestApp.Org org = app.newOrg("chart-hours-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@hours.example");
        // Counts without log rows: a million requests would cost the chart these two rows, not a count of the log.
        app.execute("insert into provisioning_activity (org_id, hour, requests, failures) values "
                + "(?::uuid, date_trunc('hour', now() - interval '3 hours'), 1000000, 12), "
                + "(?::uuid, date_trunc('hour', now() - interval '5 days'), 40, 0)", org.id(), org.id());

        String day = svg(browser.get("/console/provisioning").expect(200).body());
        assertThat(day).contains("1000000 requests in the last 24 hours, 12 failed</title>");
        assertThat(bars(day)).containsExactly(1_000_000, 12);
        assertThat(day).contains(">1000000</text>", ">500000</text>");  // the y axis' top and middle
        assertThat(bars(svg(browser.get("/console/provisioning?range=7d").body()))).containsExactly(1_000_040, 12);
    }

    @Test
    void an_organization_without_requests_sees_an_empty_chart_and_never_another_organizations_requests() {
        TestApp.Org busy = app.newOrg("chart-busy-" + UUID.randomUUID());
        app.scim(busy, OKTA, "GET", "/Users", null).expect(200);
        app.flushProvisioningLog();
        TestApp.Org quiet = app.newOrg("chart-quiet-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, quiet, "admin@quiet.example");

        String page = browser.get("/console/provisioning").expect(200).body();
        assertThat(svg(page)).contains("No requests in the last 24 hours</title>", "No requests in this period");
        assertThat(bars(svg(page))).containsExactly(0, 0);
        assertThat(page).doesNotContain("See the failures");
    }

    @Test
    void the_retention_sweep_deletes_the_hours_with_the_entries() {
        TestApp.Org org = app.newOrg("chart-old-" + UUID.randomUUID());
        app.scim(org, OKTA, "GET", "/Users", null).expect(200);
        app.flushProvisioningLog();
        app.execute("insert into provisioning_activity (org_id, hour, requests, failures) "
                + "values (?::uuid, date_trunc('hour', now() - interval '31 days'), 5, 1)", org.id());
        assertThat(app.count("select count(*) from provisioning_activity where org_id = ?::uuid", org.id())).isEqualTo(2);

        app.services().provisioningLog().purgeExpired();
        assertThat(app.count("select count(*) from provisioning_activity where org_id = ?::uuid", org.id())).isEqualTo(1);
        assertThat(app.count("select count(*) from provisioning_activity where org_id = ?::uuid and hour > now() - interval '2 hours'",
                org.id())).isEqualTo(1);
    }

    @Test
    void the_chart_needs_no_inline_style_or_script_so_the_console_csp_lets_it_render() {
        TestApp.Org org = app.newOrg("chart-csp-" + UUID.randomUUID());
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"jdoe\"}").expect(400);
        app.flushProvisioningLog();
        Http.Response page = ConsoleBrowser.signedIn(app, org, "admin@csp.example").get("/console/provisioning").expect(200);
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'", "style-src 'self'")
                .doesNotContain("unsafe-inline");
        // style-src 'self' drops style="..." attributes and <style> elements, script-src 'self' inline scripts:
        // the chart is markup alone, coloured by SVG presentation attributes.
        assertThat(page.body()).doesNotContain(" style=", "<style", "javascript:").doesNotContainPattern("<script(?! src=)");
        assertThat(svg(page.body())).contains("<rect", "height=\"").doesNotContain("<script", " on");
    }

    /** The chart's markup. */
    private static String svg(String page) {
        int start = page.indexOf("<svg");
        int end = page.indexOf("</svg>");
        if (start < 0 || end < start) throw new AssertionError("no chart in " + page);
        return page.substring(start, end + "</svg>".length());
    }

    /** Requests and failures summed over the bars' tooltips. */
    private static int[] bars(String svg) {
        int requests = 0;
        int failures = 0;
        Matcher m = BAR.matcher(svg);
        while (m.find()) {
            requests += Integer.parseInt(m.group(1));
            if (m.group(2) != null) failures += Integer.parseInt(m.group(2));
        }
        return new int[] {requests, failures};
    }
}
