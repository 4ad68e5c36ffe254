package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every SCIM request lands in its organization's provisioning log, with failures explained and secrets redacted. */
class ProvisioningLogIT {
    static final TestApp app = TestApp.start();
    static final String OKTA = "Okta SCIM Client 1.0.0";

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void requests_are_logged_with_outcome_client_and_redacted_bodies() throws Exception {
        TestApp.Org org = app.newOrg("log-" + java.util.UUID.randomUUID());
        scim(org, "POST", "/Users", "{\"userName\":\"ann@example.com\",\"password\":\"Sup3r-Secret-1\",\"active\":true}").get("id");
        scim(org, "POST", "/Users", "{\"userName\":\"jdoe\",\"active\":true}");
        scim(org, "GET", "/Users?filter=userName%20eq%20%22ann%40example.com%22", null);
        app.http().send("GET", org.scimPath() + "/Users", "lanyard_scim_wrong", (String) null);  // anonymous: not logged
        scim(org, "GET", "/Users/" + java.util.UUID.randomUUID(), null);  // a 404 of the IdP's own
        app.services().provisioningLog().flush(Duration.ofSeconds(5));

        JsonNode entries = log(org, "").get("entries");
        assertThat(entries).hasSize(4);
        JsonNode created = find(entries, "POST", 201);
        assertThat(created.get("client").asText()).isEqualTo("okta");
        assertThat(created.at("/requestBody/password").asText()).isEqualTo("[redacted]");
        assertThat(created.at("/requestBody/userName").asText()).isEqualTo("ann@example.com");
        assertThat(created.get("hint").isNull()).isTrue();
        assertThat(entries.toString()).doesNotContain("Sup3r-Secret-1").doesNotContain(org.token());

        JsonNode refused = find(entries, "POST", 400);
        assertThat(refused.get("scimType").asText()).isEqualTo("invalidValue");
        assertThat(refused.get("detail").asText()).startsWith("userName must be an email address");
        assertThat(refused.get("hint").asText()).contains("username format to Email");

        assertThat(entries.toString()).doesNotContain("\"status\":401");
        assertThat(find(entries, "GET", 404).get("hint").isNull()).isFalse();
        assertThat(find(entries, "GET", 200).get("query").asText()).contains("filter=");

        JsonNode failures = log(org, "?outcome=failures").get("entries");
        assertThat(failures).hasSize(2);
        JsonNode firstPage = log(org, "?limit=3");
        assertThat(firstPage.get("entries")).hasSize(3);
        JsonNode secondPage = log(org, "?limit=3&before=" + firstPage.get("next").asLong());
        assertThat(secondPage.get("entries")).hasSize(1);
        assertThat(secondPage.get("next").isNull()).isTrue();
    }

    /** Issue 9 item 8: each failure records why, and the hint follows that reason, not the message's words. */
    @Test
    void every_failure_stores_its_reason_and_the_hint_is_keyed_by_it() throws Exception {
        TestApp.Org org = app.newOrg("log-why-" + java.util.UUID.randomUUID());
        scim(org, "POST", "/Users", "{\"userName\":\"jdoe\",\"active\":true}");
        scim(org, "GET", "/Users/" + java.util.UUID.randomUUID(), null);
        scim(org, "GET", "/Userz", null);
        scim(org, "POST", "/Users", "{\"userName\": 5}");
        app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/provisioning", app.operatorToken(), "{\"enabled\": false}")
                .expect(200);
        scim(org, "GET", "/Users", null);
        app.services().provisioningLog().flush(Duration.ofSeconds(5));
        assertThat(app.queryString("select string_agg(coalesce(reason, '-'), ',' order by id) from provisioning_log "
                + "where org_id = ?::uuid", org.id()))
                .isEqualTo("username_not_email,resource_not_found,unknown_endpoint,invalid_value,provisioning_disabled");

        JsonNode entries = log(org, "").get("entries");
        assertThat(find(entries, "GET", 403).get("hint").asText()).contains("Manage > Enable > Save");
        assertThat(find(entries, "GET", 403).get("reason").asText()).isEqualTo("provisioning_disabled");
        String notFound = "";
        String unknown = "";
        for (JsonNode e : entries) {
            if (e.get("path").asText().endsWith("/Userz")) unknown = e.get("hint").asText();
            else if (e.get("status").asInt() == 404) notFound = e.get("hint").asText();
        }
        assertThat(unknown).contains("check the SCIM URL");
        assertThat(notFound).contains("no longer exists");

        // The reason decides, whatever the message says: a reworded detail keeps its hint, and the
        // old wording without the reason no longer picks the Email hint by its text.
        app.execute("delete from provisioning_log where org_id = ?::uuid", org.id());
        app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms, scim_type, detail, reason) "
                + "values (?::uuid, now(), 'POST', '/Users', 'okta', 400, 1, 'invalidValue', 'reworded: not an address', "
                + "'username_not_email')", org.id());
        app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms, scim_type, detail) "
                + "values (?::uuid, now() - interval '1 minute', 'POST', '/Users', 'okta', 400, 1, 'invalidValue', "
                + "'userName must be an email address (an entry from before reasons were stored)')", org.id());
        JsonNode kept = log(org, "").get("entries");
        assertThat(kept.get(0).get("reason").asText()).isEqualTo("username_not_email");
        assertThat(kept.get(0).get("hint").asText()).contains("username format to Email");
        assertThat(kept.get(1).get("reason").asText()).isEqualTo("invalid_value");
        assertThat(kept.get(1).get("hint").asText()).contains("Check that attribute's mapping").doesNotContain("Email");
    }

    @Test
    void an_organization_sees_only_its_own_log() throws Exception {
        TestApp.Org a = app.newOrg("log-a-" + java.util.UUID.randomUUID());
        TestApp.Org b = app.newOrg("log-b-" + java.util.UUID.randomUUID());
        scim(a, "POST", "/Users", "{\"userName\":\"only.a@example.com\"}");
        app.services().provisioningLog().flush(Duration.ofSeconds(5));
        assertThat(log(b, "").get("entries")).isEmpty();
        assertThat(log(a, "").get("entries")).hasSize(1);
    }

    @Test
    void entries_older_than_the_retention_are_deleted() throws Exception {
        TestApp.Org org = app.newOrg("log-old-" + java.util.UUID.randomUUID());
        scim(org, "GET", "/Users", null);
        app.services().provisioningLog().flush(Duration.ofSeconds(5));
        app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms) "
                + "values (?::uuid, now() - interval '31 days', 'GET', '/scim/v2/x/Users', 'okta', 200, 1)", org.id());
        assertThat(log(org, "").get("entries")).hasSize(2);
        assertThat(app.services().provisioningLog().purgeExpired()).isGreaterThanOrEqualTo(1);
        List<String> left = new ArrayList<>();
        log(org, "").get("entries").forEach(e -> left.add(e.get("at").asText()));
        assertThat(left).hasSize(1);
    }

    private static JsonNode scim(TestApp.Org org, String method, String path, String body) {
        return app.scim(org, OKTA, method, path, body).json();
    }

    private static JsonNode log(TestApp.Org org, String query) {
        return app.http().send("GET", "/admin/api/orgs/" + org.id() + "/provisioning-log" + query, app.operatorToken(), (String) null)
                .expect(200).json();
    }

    private static JsonNode find(JsonNode entries, String method, int status) {
        for (JsonNode e : entries) {
            if (e.get("method").asText().equals(method) && e.get("status").asInt() == status) return e;
        }
        throw new AssertionError("no " + method + " " + status + " in " + entries);
    }
}
