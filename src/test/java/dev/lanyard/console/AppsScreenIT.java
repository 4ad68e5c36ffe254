package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Apps: an organization's admin sees the apps offered to it (not those limited to others) and turns one off and on. */
class AppsScreenIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_admin_sees_the_apps_offered_to_the_organization_and_turns_one_off_for_it() {
        TestApp.Org org = app.newOrg("apps-" + UUID.randomUUID());
        TestApp.Org other = app.newOrg("apps-other-" + UUID.randomUUID());
        String everyone = app.http().send("POST", "/admin/api/apps", app.operatorToken(),
                "{\"name\":\"Wiki for all\",\"redirectUris\":[\"https://wiki.example/cb\"]}").expect(201).json().get("clientId").asText();
        app.http().send("POST", "/admin/api/apps", app.operatorToken(), "{\"name\":\"Other's tool\",\"redirectUris\":[\"https://t.example/cb\"],"
                + "\"organizations\":[\"" + other.id() + "\"]}").expect(201);
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "root@example.com");

        Http.Response page = admin.get("/console/apps").expect(200);
        assertThat(page.body()).contains("Wiki for all").contains(everyone).doesNotContain("Other&#39;s tool").doesNotContain("Other's tool");
        assertThat(page.body()).contains(">On<").contains("Turn off");

        // Without the session's CSRF token nothing changes.
        admin.post("/console/apps/" + everyone, Map.of("enabled", "off")).expect(403);
        assertThat(app.count("select count(*) from oidc_client_turned_off")).isZero();

        Http.Response off = admin.post("/console/apps/" + everyone, Map.of("csrf", ConsoleBrowser.csrf(page), "enabled", "off")).expect(303);
        Http.Response after = admin.get(off.header("Location")).expect(200);
        assertThat(after.body()).contains("turned off for your organization").contains(">Off<").contains("Turn on");
        assertThat(app.count("select count(*) from oidc_client_turned_off t join oidc_clients c on c.id = t.client "
                + "where c.client_id = ? and t.org_id = ?::uuid", everyone, org.id())).isEqualTo(1);
        String operatorView = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/apps", app.operatorToken(), (String) null).expect(200).body();
        assertThat(operatorView).contains("\"enabledForOrganization\":false");

        admin.post("/console/apps/" + everyone, Map.of("csrf", ConsoleBrowser.csrf(after), "enabled", "on")).expect(303);
        assertThat(app.count("select count(*) from oidc_client_turned_off")).isZero();
    }
}
